package audiencefile

import (
	"slices"
	"testing"
)

// textCase is an input and the text a normalisation must make of it.
type textCase struct{ in, want string }

// checkText checks f, called name in messages, on each case.
func checkText(t *testing.T, name string, f func(string) string, cases []textCase) {
	t.Helper()
	for _, tc := range cases {
		if got := f(tc.in); got != tc.want {
			t.Errorf("%s(%q) = %q, want %q", name, tc.in, got, tc.want)
		}
	}
}

// TestGoogleEmail: the examples of Google's Data Manager API "Format user
// data" page (developers.google.com/data-manager/api/devguides/concepts/formatting)
// first, then the edges of the gmail rule and of normalize.Email.
func TestGoogleEmail(t *testing.T) {
	cases := []textCase{
		// Published: dots and "+tag" go for gmail.com, both stay elsewhere.
		{"cloudy.sanfrancisco+shopping@gmail.com", "cloudysanfrancisco@gmail.com"},
		{"user.name+NYC@Example.com", "user.name+nyc@example.com"},
		{" John.Smith+x@GoogleMail.COM ", "johnsmith@googlemail.com"},
		{"j.o.h.n@gmail.com", "john@gmail.com"},
		{"ann smith @example.com", "annsmith@example.com"}, // intermediate white space removed
		{"a.b@mail.gmail.com", "a.b@mail.gmail.com"},       // not the gmail.com domain itself
		{"+news@gmail.com", ""},                            // nothing left of the local part
		{"...@gmail.com", ""},
		{"not an address", ""},
		{"", ""},
	}
	checkText(t, "googleEmail", googleEmail, cases)
}

// TestGoogleName: lower case, no punctuation, trimmed, inner runs of white
// space one space (Google Ads API OfflineUserAddressInfo: "remove any extra
// spaces before, after, and in between"); accents stay, as in the CSV
// template's "zoë" and "pérez".
func TestGoogleName(t *testing.T) {
	cases := []textCase{
		{"Mary", "mary"},
		{"  Mary \t Ann ", "mary ann"},
		{"O'Brien", "obrien"},
		{"Jean-Luc", "jeanluc"},
		{"Zoë", "zoë"},
		{"PÉREZ", "pérez"},
		{"Dr. Who!?", "dr who"},
		{"...", ""},
		{"", ""},
	}
	checkText(t, "google name", func(s string) string { return fold(s, " ") }, cases)
}

// TestGoogleZip: postal codes stay as written (Google takes US ZIP+4 and
// the template's "WC2H 8LG"), trimmed, without anything no postal code has.
func TestGoogleZip(t *testing.T) {
	cases := []textCase{
		{"94016", "94016"},
		{"94303-5300", "94303-5300"},
		{" WC2H   8LG ", "WC2H 8LG"},
		{`"SW1A 1AA"`, "SW1A 1AA"},
		{"=HYPERLINK(1)", "HYPERLINK1"},
		{"", ""},
	}
	checkText(t, "googleZip", googleZip, cases)
}

// TestGoogleRow checks whole rows. Each expected hash is
// `printf '%s' VALUE | sha256sum` of the value named beside it.
func TestGoogleRow(t *testing.T) {
	enc := mustEncoder(t, Google, "US")
	cases := []struct {
		name string
		in   Person
		want []string
	}{
		{"Data Manager examples", Person{Email: "cloudy.sanfrancisco+shopping@gmail.com", Phone: "(800)555-0100"}, []string{
			"223ebda6f6889b1494551ba902d9d381daf2f642bae055888e96343d53e9f9c4", // cloudysanfrancisco@gmail.com
			"fb4f73a6ec5fdb7077d564cdd22c3554b43ce49168550c3b12c547b78c517b30", // +18005550100
			"", "", "", "",
		}},
		{"mailing address only", Person{FirstName: " Mary  Ann", LastName: "O'Brien", Country: "Ireland", Zip: "D02 X285"}, []string{
			"", "",
			"343b97011010c3549fe7fcd6c226ed9431ea37b0b77ed78f6300a0098925faf1", // mary ann
			"b4cb6cb33fe4b865868de825023a1e2790dc12ac01ecc8d7c5afe8254071c8ba", // obrien
			"IE", "D02 X285",
		}},
		{"national phone read in the person's country", Person{Phone: "07400 436044", Country: "United Kingdom"}, []string{
			"", "5e7fb0872334ae67b43de06a57c7dc4f367d331773e64b39c5eceb7e27828313", // +447400436044
			"", "", "GB", "",
		}},
		{"template names with accents", Person{Email: "test4@gmail.com", FirstName: "Zoë", LastName: "Pérez", Country: "sg", Zip: "WC2H 8LG"}, []string{
			"9c9c16e4d14854bf57669f7c2863cc00cefacdeba71005b26d503f1c2c49e9b7", // test4@gmail.com
			"",
			"2752b88686847fa5c86f47b94ce652b7b3f22a91c37617d451a4db9afa431450", // zoë
			"6654977d57dddd3c0329ca741b109ef6cd6430bedd00008aad213df25683d77f", // pérez
			"SG", "WC2H 8LG",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := enc.Row(tc.in)
			if !ok || !slices.Equal(got, tc.want) {
				t.Fatalf("Row(%+v) =\n%q, %v\nwant\n%q", tc.in, got, ok, tc.want)
			}
		})
	}
}

// TestGoogleLeftOut: without e-mail or phone Google matches only on all
// four of first name, last name, country and zip.
func TestGoogleLeftOut(t *testing.T) {
	enc := mustEncoder(t, Google, "US")
	full := Person{FirstName: "Ann", LastName: "Lee", Country: "US", Zip: "94016"}
	if _, ok := enc.Row(full); !ok {
		t.Fatalf("Row(%+v) left out, want kept", full)
	}
	for _, p := range []Person{
		{},
		{FirstName: "Ann", LastName: "Lee", Country: "US"},
		{FirstName: "Ann", LastName: "Lee", Zip: "94016"},
		{FirstName: "Ann", Country: "US", Zip: "94016"},
		{LastName: "Lee", Country: "US", Zip: "94016"},
		{FirstName: "Ann", LastName: "Lee", Country: "Atlantis", Zip: "94016"},
		{FirstName: "!!!", LastName: "Lee", Country: "US", Zip: "94016"},
		{Email: "not an address", Phone: "12", City: "Paris", State: "CA"},
	} {
		if row, ok := enc.Row(p); ok || row != nil {
			t.Errorf("Row(%+v) = %q, %v; want left out", p, row, ok)
		}
	}
}

func mustEncoder(t *testing.T, f Format, region string) *Encoder {
	t.Helper()
	enc, err := NewEncoder(f, region)
	if err != nil {
		t.Fatal(err)
	}
	return enc
}
