package audiencefile

import (
	"slices"
	"testing"
)

// TestMetaPublishedExamples: every input, normalised value and SHA-256
// below is one Meta publishes in the Conversions API "Customer Information
// Parameters" reference (developers.facebook.com/docs/marketing-api/conversions-api/parameters/customer-information-parameters),
// which documents the normalisation the custom audience guide asks for.
func TestMetaPublishedExamples(t *testing.T) {
	enc := mustEncoder(t, Meta, "")
	row, ok := enc.Row(Person{
		Email: "John_Smith@gmail.com", Phone: "(650)555-1212", FirstName: "Mary",
		LastName: "Valéry", Country: "United States",
	})
	want := []string{
		"62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f", // em: john_smith@gmail.com
		"e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176", // ph: 16505551212 (US, read in the person's country)
		"6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec", // fn: mary
		"08e1996b5dd49e62a4b4c010d44e4345592a863bb9f8e3976219bac29417149c", // fn example used as ln: valéry
		"", "", "",
		"79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621", // country: us
	}
	if !ok || !slices.Equal(row, want) {
		t.Fatalf("Row =\n%q, %v\nwant\n%q", row, ok, want)
	}
	korean, _ := enc.Row(Person{Email: "a@b.co", FirstName: "정"})
	if got := korean[colFirstName]; got != "8fa8cd9c440be61d0151429310034083132b35975c4bea67fdd74158eb51db14" {
		t.Errorf("fn 정 hashed to %s, want Meta's published 8fa8cd9c...", got)
	}
}

// TestMetaNormalisedValues: Meta publishes normalised city, state and zip
// values without inputs; the inputs here are the obvious raw spellings.
func TestMetaNormalisedValues(t *testing.T) {
	enc := mustEncoder(t, Meta, "")
	check := func(what, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %q, want %q", what, got, want)
		}
	}
	check("ct New York", fold("New York", ""), "newyork")
	check("ct Paris", fold(" PARIS ", ""), "paris")
	check("ct St. John's", fold("St. John's", ""), "stjohns")
	check("st AZ", enc.metaState("AZ", "US"), "az")
	check("st California", enc.metaState("California", "US"), "ca")
	check("st New York, country unknown", enc.metaState("new york", ""), "ny")
	check("st Québec", enc.metaState("Québec", "CA"), "qc")
	check("st Georgia outside the US", enc.metaState("Georgia", "GE"), "georgia")
	check("st Île-de-France", enc.metaState("Île-de-France", "FR"), "îledefrance")
	check("zip US", metaZip("94035", "US"), "94035")
	check("zip US ZIP+4", metaZip("94035-1234", "US"), "94035")
	check("zip AU", metaZip("1987", "AU"), "1987")
	check("zip FR", metaZip("75018", "FR"), "75018")
	check("zip UK", metaZip("M1 1AE", "GB"), "m11ae")
	check("zip PT hyphen dropped", metaZip("1000-001", "PT"), "1000001")
	check("zip not US, not cut", metaZip("123456", "IN"), "123456")
}

// TestMetaRowHashes: a whole row, each hash `printf '%s' VALUE | sha256sum`
// of the value beside it.
func TestMetaRowHashes(t *testing.T) {
	enc := mustEncoder(t, Meta, "US")
	row, ok := enc.Row(Person{
		Phone: "07400 436044", City: "London", State: "Greater London", Zip: "M1 1AE", Country: "UK",
	})
	want := []string{
		"",
		"15833439ee114c70f382745cbb82a8bdec1a490431181f7d3e92164d4d695efc", // 447400436044
		"", "",
		"6089854c94ca5454b76be6752c562901a985f64c9a946f62976aeab593b83161", // london
		"1b7b82ca1453897c4632add7bddcc539ab9ce2bce8544db897715668c51729f0", // greaterlondon
		"1dc694c2070e697769fb959b50671d76cafd430d8ca191fbdd0affcaea344ac5", // m11ae
		"0b407281768f0e833afef47ed464b6571d01ca4d53c12ce5c51d1462f4ad6677", // gb
	}
	if !ok || !slices.Equal(row, want) {
		t.Fatalf("Row =\n%q, %v\nwant\n%q", row, ok, want)
	}
}

// TestMetaLeftOut: Meta rows need an e-mail address or a phone number.
func TestMetaLeftOut(t *testing.T) {
	enc := mustEncoder(t, Meta, "US")
	for _, p := range []Person{
		{},
		{FirstName: "Ann", LastName: "Lee", City: "Austin", State: "TX", Zip: "78701", Country: "US"},
		{Email: "ann@", Phone: "555"},
	} {
		if row, ok := enc.Row(p); ok || row != nil {
			t.Errorf("Row(%+v) = %q, %v; want left out", p, row, ok)
		}
	}
	if _, ok := enc.Row(Person{Phone: "+1 415 555 2671"}); !ok {
		t.Error("a phone number alone was left out")
	}
}
