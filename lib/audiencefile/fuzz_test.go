package audiencefile_test

import (
	"bytes"
	"encoding/csv"
	"regexp"
	"slices"
	"testing"

	"github.com/segmint/segmint/lib/audiencefile"
)

var (
	countryCode = regexp.MustCompile(`^[A-Z]{2}$`)
	googleZip   = regexp.MustCompile(`^([A-Za-z0-9-]+( [A-Za-z0-9-]+)*)?$`)
)

// FuzzRow: whatever the raw values, a row is nil or has one cell per
// header column; hashed cells are empty or 64 lower-case hex digits and
// never the hash of ""; Google's plain cells are an ISO code and a clean
// postal code; the keep/leave-out decision follows the documented rule;
// Row is deterministic; and encoding/csv reads the written row back.
func FuzzRow(f *testing.F) {
	for _, p := range append(people(), audiencefile.Person{Email: " A.B+c@GoogleMail.com ", Phone: "0044 (0)20 7946 0018", Zip: `=1+"2",3`, State: "Québec", Country: "CA"}) {
		f.Add(p.Email, p.Phone, p.FirstName, p.LastName, p.City, p.State, p.Zip, p.Country)
	}
	encs := map[audiencefile.Format]*audiencefile.Encoder{}
	for _, fm := range []audiencefile.Format{audiencefile.Google, audiencefile.Meta} {
		encs[fm], _ = audiencefile.NewEncoder(fm, "GB")
	}
	f.Fuzz(func(t *testing.T, email, phone, first, last, city, state, zip, country string) {
		p := audiencefile.Person{Email: email, Phone: phone, FirstName: first, LastName: last, City: city, State: state, Zip: zip, Country: country}
		for fm, enc := range encs {
			row, ok := enc.Row(p)
			again, ok2 := enc.Row(p)
			if ok != ok2 || !slices.Equal(row, again) {
				t.Fatalf("%s: Row(%+v) not deterministic", fm, p)
			}
			if !ok {
				if row != nil {
					t.Fatalf("%s: left out with row %q", fm, row)
				}
				continue
			}
			checkRow(t, fm, row)
		}
	})
}

func checkRow(t *testing.T, fm audiencefile.Format, row []string) {
	t.Helper()
	const emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if len(row) != len(fm.Header()) {
		t.Fatalf("%s: %d cells, want %d", fm, len(row), len(fm.Header()))
	}
	hashedCols := len(row)
	if fm == audiencefile.Google {
		hashedCols = 4
		checkGooglePlain(t, row)
	} else if row[0] == "" && row[1] == "" {
		t.Fatalf("meta row kept without e-mail or phone: %q", row)
	}
	for i, cell := range row[:hashedCols] {
		if cell != "" && (!sha256Hex.MatchString(cell) || cell == emptyHash) {
			t.Fatalf("%s: column %d holds %q", fm, i, cell)
		}
	}
	checkRoundTrip(t, fm, row)
}

// checkGooglePlain checks Country and Zip, and that a row without e-mail
// and phone has the full mailing-address key.
func checkGooglePlain(t *testing.T, row []string) {
	t.Helper()
	if (row[4] != "" && !countryCode.MatchString(row[4])) || !googleZip.MatchString(row[5]) {
		t.Fatalf("google plain cells %q, %q", row[4], row[5])
	}
	if row[0] == "" && row[1] == "" && slices.Contains(row[2:], "") {
		t.Fatalf("google row kept without a matchable identifier: %q", row)
	}
}

func checkRoundTrip(t *testing.T, fm audiencefile.Format, row []string) {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(row)
	w.Flush()
	back, err := csv.NewReader(&buf).Read()
	if err != nil || !slices.Equal(back, row) {
		t.Fatalf("%s: csv round trip of %q gave %q, %v", fm, row, back, err)
	}
}
