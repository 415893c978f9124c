package audiencefile_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/segmint/segmint/lib/audiencefile"
)

// people is a small audience: two Google-matchable by e-mail or phone, one
// by mailing address only, one with nothing matchable anywhere.
func people() []audiencefile.Person {
	return []audiencefile.Person{
		{Email: "Ann.Lee@Gmail.com", Phone: "+44 7400 436044", FirstName: "Ann", LastName: "Lee", Country: "GB", Zip: "M1 1AE"},
		{Phone: "(415) 555-2671", Country: "USA"},
		{FirstName: "Bo", LastName: "Kim", Country: "Korea", Zip: "04524"},
		{FirstName: "Nobody", City: "Nowhere"},
	}
}

func writeAll(t *testing.T, f audiencefile.Format, ps []audiencefile.Person) (string, audiencefile.Stats) {
	t.Helper()
	var buf bytes.Buffer
	w, err := audiencefile.NewWriter(&buf, f, "US")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if err := w.Write(p); err != nil {
			t.Fatal(err)
		}
	}
	st, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	return buf.String(), st
}

// TestHeaderBytes: an empty audience is exactly the header line the
// platforms document, in encoding/csv's "\n" line ending.
func TestHeaderBytes(t *testing.T) {
	cases := []struct {
		f    audiencefile.Format
		want string
	}{
		{audiencefile.Google, "Email,Phone,First Name,Last Name,Country,Zip\n"},
		{audiencefile.Meta, "email,phone,fn,ln,ct,st,zip,country\n"},
	}
	for _, tc := range cases {
		if got, _ := writeAll(t, tc.f, nil); got != tc.want {
			t.Errorf("%s empty file = %q, want %q", tc.f, got, tc.want)
		}
	}
}

// TestRowBytes: one Google line byte for byte. Hashes are sha256sum of
// "+14155552671" (normalize's own TestHash pins the same value) and no cell
// needs quoting, so encoding/csv writes none.
func TestRowBytes(t *testing.T) {
	got, _ := writeAll(t, audiencefile.Google, []audiencefile.Person{{Phone: "(415) 555-2671", Country: "USA", Zip: `"94105"`}})
	want := "Email,Phone,First Name,Last Name,Country,Zip\n" +
		",cb6880e416769253645cb9c6b8989154bf66a56a77fc14c81fb1019663cbb928,,,US,94105\n"
	if got != want {
		t.Fatalf("file =\n%q\nwant\n%q", got, want)
	}
}

// TestRoundTrip: encoding/csv reads back the header and exactly the rows
// Encoder.Row gives for the people that were kept.
func TestRoundTrip(t *testing.T) {
	for _, f := range []audiencefile.Format{audiencefile.Google, audiencefile.Meta} {
		out, _ := writeAll(t, f, people())
		records, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatalf("%s: read back: %v", f, err)
		}
		want := [][]string{f.Header()}
		enc, _ := audiencefile.NewEncoder(f, "US")
		for _, p := range people() {
			if row, ok := enc.Row(p); ok {
				want = append(want, row)
			}
		}
		if !slices.EqualFunc(records, want, slices.Equal) {
			t.Errorf("%s: read back\n%q\nwant\n%q", f, records, want)
		}
	}
}

// TestStats: counts worked out by hand from people().
//
//	Google keeps Ann (e-mail, phone, name), the US phone and Bo (name,
//	country, zip); leaves out Nobody.
//	Meta keeps Ann and the US phone; leaves out Bo and Nobody.
func TestStats(t *testing.T) {
	cases := []struct {
		f      audiencefile.Format
		want   audiencefile.Stats
		shares audiencefile.Shares
	}{
		{audiencefile.Google, audiencefile.Stats{Rows: 3, LeftOut: 1, WithEmail: 1, WithPhone: 2, WithName: 2},
			audiencefile.Shares{Email: 1.0 / 3, Phone: 2.0 / 3, Name: 2.0 / 3}},
		{audiencefile.Meta, audiencefile.Stats{Rows: 2, LeftOut: 2, WithEmail: 1, WithPhone: 2, WithName: 1},
			audiencefile.Shares{Email: 0.5, Phone: 1, Name: 0.5}},
	}
	for _, tc := range cases {
		_, st := writeAll(t, tc.f, people())
		if st != tc.want || st.Shares() != tc.shares {
			t.Errorf("%s: stats %+v shares %+v, want %+v %+v", tc.f, st, st.Shares(), tc.want, tc.shares)
		}
	}
	if s := (audiencefile.Stats{LeftOut: 3}).Shares(); s != (audiencefile.Shares{}) {
		t.Errorf("shares of no rows = %+v, want zero", s)
	}
}

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// TestHashedCells: every non-empty hashed cell is 64 lower-case hex digits,
// and none is the hash of the empty string: an e-mail that does not
// normalise leaves its cell empty.
func TestHashedCells(t *testing.T) {
	const emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	ps := append(people(), audiencefile.Person{Email: "not an address", Phone: "+1 415 555 2671", FirstName: "'-'"})
	for _, f := range []audiencefile.Format{audiencefile.Google, audiencefile.Meta} {
		out, _ := writeAll(t, f, ps)
		records, _ := csv.NewReader(strings.NewReader(out)).ReadAll()
		for _, rec := range records[1:] {
			for i, cell := range rec {
				plain := f == audiencefile.Google && i >= 4 // Country, Zip
				if !plain && cell != "" && (!sha256Hex.MatchString(cell) || cell == emptyHash) {
					t.Errorf("%s column %s holds %q", f, f.Header()[i], cell)
				}
			}
		}
		if last := records[len(records)-1]; last[0] != "" || last[2] != "" {
			t.Errorf("%s: bad e-mail or punctuation-only name not left empty: %q", f, last)
		}
	}
}

// TestPhoneHashDiffers: Google hashes E.164 with its "+", Meta the digits
// alone (sha256sum of "+447400436044" and "447400436044").
func TestPhoneHashDiffers(t *testing.T) {
	p := audiencefile.Person{Phone: "07400 436044", Country: "United Kingdom"}
	g, _ := audiencefile.NewEncoder(audiencefile.Google, "GB")
	m, _ := audiencefile.NewEncoder(audiencefile.Meta, "GB")
	gr, _ := g.Row(p)
	mr, _ := m.Row(p)
	if gr[1] != "5e7fb0872334ae67b43de06a57c7dc4f367d331773e64b39c5eceb7e27828313" ||
		mr[1] != "15833439ee114c70f382745cbb82a8bdec1a490431181f7d3e92164d4d695efc" {
		t.Fatalf("phone hashes google %s meta %s", gr[1], mr[1])
	}
}

// TestDefaultRegion: a national number reads in the person's country, then
// in the default region; with neither it is dropped.
func TestDefaultRegion(t *testing.T) {
	const us = "cb6880e416769253645cb9c6b8989154bf66a56a77fc14c81fb1019663cbb928" // +14155552671
	cases := []struct {
		region, country, want string
	}{
		{"US", "", us},
		{"US", "United Kingdom", us}, // not a valid British number: the default region reads it
		{"US", "Germany", "4701436cb849bea9c50eabf29c1a144fe33ee9476776c516bbf1160a37de930a"}, // a valid German number, +494155552671
		{"", "US", us},
		{"", "", ""},
		{"GB", "", ""}, // not a valid British number
	}
	for _, tc := range cases {
		enc, err := audiencefile.NewEncoder(audiencefile.Google, tc.region)
		if err != nil {
			t.Fatal(err)
		}
		row, _ := enc.Row(audiencefile.Person{Phone: "(415) 555-2671", Country: tc.country, Email: "a@b.co"})
		if row[1] != tc.want {
			t.Errorf("region %q country %q: phone cell %q, want %q", tc.region, tc.country, row[1], tc.want)
		}
	}
}

func TestNewEncoderErrors(t *testing.T) {
	for _, tc := range []struct {
		f      audiencefile.Format
		region string
	}{{0, "US"}, {3, "US"}, {audiencefile.Google, "XX"}, {audiencefile.Meta, "usa"}} {
		if _, err := audiencefile.NewEncoder(tc.f, tc.region); err == nil {
			t.Errorf("NewEncoder(%v, %q) succeeded", tc.f, tc.region)
		}
		if _, err := audiencefile.NewWriter(&bytes.Buffer{}, tc.f, tc.region); err == nil {
			t.Errorf("NewWriter(%v, %q) succeeded", tc.f, tc.region)
		}
	}
	if h := audiencefile.Format(0).Header(); h != nil {
		t.Errorf("zero Format header %q", h)
	}
}

type failWriter struct{}

var errDisk = errors.New("disk full")

func (failWriter) Write([]byte) (int, error) { return 0, errDisk }

// TestWriterErrors: the underlying writer's error comes out of Close,
// wrapped; Write after Close is refused.
func TestWriterErrors(t *testing.T) {
	w, err := audiencefile.NewWriter(failWriter{}, audiencefile.Meta, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(audiencefile.Person{Email: "a@b.co"}); err != nil {
		t.Fatalf("buffered write failed early: %v", err)
	}
	st, err := w.Close()
	if !errors.Is(err, errDisk) || st.Rows != 1 {
		t.Fatalf("Close = %+v, %v; want 1 row and %v", st, err, errDisk)
	}
	if err := w.Write(audiencefile.Person{Email: "a@b.co"}); !errors.Is(err, audiencefile.ErrClosed) {
		t.Fatalf("Write after Close = %v, want ErrClosed", err)
	}
}

func TestFormatString(t *testing.T) {
	if audiencefile.Google.String() != "google" || audiencefile.Meta.String() != "meta" || audiencefile.Format(7).String() != "format(7)" {
		t.Error("Format.String")
	}
}
