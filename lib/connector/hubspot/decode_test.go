package hubspot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/segmint/segmint/lib/connector/hubspot/fake"
)

// The former decoder, encoding/json into these types, is the reference the
// hand-written one must match.

type refPage struct {
	Results []refObject `json:"results"`
	Paging  struct {
		Next struct {
			After string `json:"after"`
		} `json:"next"`
	} `json:"paging"`
}

type refObject struct {
	ID         string                  `json:"id"`
	Properties map[string]refPropValue `json:"properties"`
	UpdatedAt  time.Time               `json:"updatedAt"`
	Archived   bool                    `json:"archived"`
	ArchivedAt *time.Time              `json:"archivedAt"`
}

type refPropValue propValue

func (v *refPropValue) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) == 0 || string(b) == "null":
		*v = refPropValue{}
	case b[0] == '"':
		if bytes.IndexByte(b, '\\') < 0 {
			*v = refPropValue{text: string(b[1 : len(b)-1]), set: true}
			return nil
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*v = refPropValue{text: s, set: true}
	case b[0] == '{' || b[0] == '[':
		*v = refPropValue{bad: true}
	default: // a number or a bool
		*v = refPropValue{text: string(b), set: true}
	}
	return nil
}

func refDecodePage(body []byte) (*refPage, error) {
	var p refPage
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("decode the list answer: %w", err)
	}
	return &p, nil
}

// samePage reports how got differs from the reference want, for the
// properties props ("" when it does not).
func samePage(got *page, want *refPage, props []property) string {
	if (got.Results == nil) != (want.Results == nil) || len(got.Results) != len(want.Results) {
		return fmt.Sprintf("results %#v, want %#v", got.Results, want.Results)
	}
	if got.Paging.Next.After != want.Paging.Next.After {
		return fmt.Sprintf("after %q, want %q", got.Paging.Next.After, want.Paging.Next.After)
	}
	for i, w := range want.Results {
		g := got.Results[i]
		switch {
		case g.ID != w.ID:
			return fmt.Sprintf("result %d: id %q, want %q", i, g.ID, w.ID)
		case !sameTime(g.UpdatedAt, w.UpdatedAt):
			return fmt.Sprintf("result %d: updatedAt %v, want %v", i, g.UpdatedAt, w.UpdatedAt)
		case g.Archived != w.Archived:
			return fmt.Sprintf("result %d: archived %t, want %t", i, g.Archived, w.Archived)
		case (g.ArchivedAt == nil) != (w.ArchivedAt == nil) || g.ArchivedAt != nil && !sameTime(*g.ArchivedAt, *w.ArchivedAt):
			return fmt.Sprintf("result %d: archivedAt %v, want %v", i, g.ArchivedAt, w.ArchivedAt)
		}
		for j, p := range props {
			var gv propValue
			if g.values != nil {
				gv = g.values[j]
			}
			if wv := propValue(w.Properties[p.name]); gv != wv {
				return fmt.Sprintf("result %d: property %s = %#v, want %#v", i, p.name, gv, wv)
			}
		}
	}
	return ""
}

// sameTime: the same instant, zone name and offset (and representation,
// in UTC, where time.Time's == is meaningful).
func sameTime(a, b time.Time) bool {
	an, ao := a.Zone()
	bn, bo := b.Zone()
	if a.Location() == time.UTC && b.Location() == time.UTC && a != b {
		return false
	}
	return a.Equal(b) && an == bn && ao == bo
}

// fuzzProps are the properties the fuzz test keeps: a contact's, and a
// few that are numbers in deals and companies.
var fuzzProps = append(slices.Clone(defaultProperties["contacts"]),
	property{"amount", "float"}, property{"numberofemployees", "int"}, property{"closedate", "timestamp"})

// fakePages returns list answers of the fake: pages of each object type,
// live and archived, and records with awkward values.
func fakePages(tb testing.TB) [][]byte {
	srv := fake.New(fake.Options{Token: privateToken, Max: 1 << 30, Daily: 1 << 30})
	srv.Seed(60, t0, 3)
	odd := fake.New(fake.Options{Token: privateToken, Max: 1 << 30, Daily: 1 << 30})
	odd.Put("contacts", fake.Object{CreatedAt: t0, UpdatedAt: t0.Add(time.Hour), Properties: map[string]string{
		"email": "q\"uote\\d@x.io", "firstname": "Zoë ☃ 😀", "lastname": "tab\there\nnl", "phone": "\x01\u2028 "}},
		fake.Object{CreatedAt: t0, UpdatedAt: t0.Add(time.Hour), ArchivedAt: t0.Add(2 * time.Hour), Properties: map[string]string{"email": ""}})
	get := func(srv *fake.Server, obj string, archived bool, after string, props string) ([]byte, string) {
		q := url.Values{"limit": {"7"}, "properties": {props}, "archived": {fmt.Sprint(archived)}}
		if after != "" {
			q.Set("after", after)
		}
		req := httptest.NewRequest(http.MethodGet, "/crm/v3/objects/"+obj+"?"+q.Encode(), nil)
		req.Header.Set("Authorization", "Bearer "+privateToken)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			tb.Fatalf("fake answered %d: %s", rec.Code, rec.Body)
		}
		var p refPage
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
			tb.Fatal(err)
		}
		return rec.Body.Bytes(), p.Paging.Next.After
	}
	var pages [][]byte
	for _, obj := range []string{"contacts", "companies", "deals"} {
		names := make([]string, 0, len(defaultProperties[obj]))
		for _, p := range defaultProperties[obj] {
			names = append(names, p.name)
		}
		for _, archived := range []bool{false, true} {
			body, after := get(srv, obj, archived, "", strings.Join(names, ","))
			pages = append(pages, body)
			if after != "" {
				body, _ = get(srv, obj, archived, after, strings.Join(names, ","))
				pages = append(pages, body)
			}
		}
	}
	for _, archived := range []bool{false, true} {
		body, _ := get(odd, "contacts", archived, "", "email,firstname,lastname,phone")
		pages = append(pages, body)
	}
	return pages
}

func FuzzDecodePageMatchesJSON(f *testing.F) {
	for _, p := range fakePages(f) {
		f.Add(p)
	}
	for _, s := range []string{
		`null`, ` {} `, `[]`, `{"results":null}`, `{"results":[]}`, `{"results":[null,{}]}`,
		`{"RESULTS":[{"ID":"1","Properties":{"email":"a"},"UPDATEDAT":"2024-05-01T10:00:00Z"}],"Paging":{"NEXT":{"AFTER":"x"}}}`,
		`{"reſults":[{"id":"1","\u0070roperties":{"\u0065mail":"a\u00e9\ud83d\ude00\ud800x"}}]}`,
		`{"results":[{"id":"1","properties":{"email":"a"}},{"id":"2"}],"results":[{"properties":{"phone":"b"}}],"results":[{},{},{}]}`,
		`{"results":[{"id":"1","properties":{"email":"a"},"properties":null,"properties":{"phone":1.5e3}}]}`,
		`{"results":[{"id":"1","properties":{"email":{"x":[1,2]},"phone":[],"firstname":true,"lastname":-0.5}}]}`,
		`{"results":[{"id":"1","updatedAt":"2024-05-01T10:00:00+02:00","archivedAt":"2024-02-30T00:00:00Z"}]}`,
		`{"results":[{"id":"1","updatedAt":"2024-05-01T10:00:00.1234567891Z","archivedAt":null,"archived":null}]}`,
		`{"results":[{"id":"1","updatedAt":"2024-05-01T10:00:00,5Z"}]}`,
		`{"results":[{"id":1}]}`, `{"results":[{"id":"1","archived":"true"}]}`, `{"paging":{"next":"x"}}`,
		`{"paging":{"next":{"after":null,"link":"u"}},"extra":[1,{"a":"\u00ff"}]}`,
		`{"results":[{"id":"1","properties":{"email":"\xff\xfe"}}],"paging":{"next":{"after":"\xff"}}}`,
		`{"results":[{"id":"1"}]} x`, `{"results":[{"id":"1"}]}` + "\x00", `{"results":[1,]}`, `{"a":01}`, `{"a":"\x01"}`,
		`{"results":[{"id":"\ud83d\u0041"}]}`, `{"results":[{"id":"1","updatedAt":7}]}`, `{"results":[{"updatedAt":{}}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		want, wantErr := refDecodePage(body)
		got, err := decodePage(body, fuzzProps)
		switch {
		case wantErr != nil && err == nil:
			t.Fatalf("decodePage(%q) succeeded, encoding/json failed: %v", body, wantErr)
		case wantErr == nil && err != nil:
			t.Fatalf("decodePage(%q) failed: %v; encoding/json succeeded", body, err)
		case err == nil:
			if diff := samePage(got, want, fuzzProps); diff != "" {
				t.Fatalf("decodePage(%q): %s", body, diff)
			}
		}
	})
}

func TestDecodePageErrors(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{``, "at byte 0"},
		{`{"results":[{"id":"1"}`, "at byte 22"},
		{`{"results":[{"id":"1",}]}`, "expected a key at byte 22"},
		{`{"results":[{"id":"a\q"}]}`, "bad escape at byte 20"},
		{`{"results":[{"id":"\u12x4"}]}`, `bad \u escape at byte 19`},
		{`{"results":{}}`, "results: want an array, got an object at byte 11"},
		{`{"results":[{"updatedAt":"May 1"}]}`, "updatedAt at byte 25"},
		{`{} {}`, "data after the answer at byte 3"},
	} {
		_, err := decodePage([]byte(tc.body), fuzzProps)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("decodePage(%q) = %v, want an error with %q", tc.body, err, tc.want)
		}
	}
}

func TestParseRFC3339(t *testing.T) {
	for _, s := range []string{
		"2024-05-01T10:00:00Z", "2024-05-01T10:00:00.1Z", "2024-05-01T10:00:00.123Z", "2024-05-01T10:00:00.123456789Z",
		"2024-02-29T23:59:59.999Z", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-05-01T24:00:00Z",
		"2024-05-01T10:60:00Z", "2024-05-01T10:00:60Z", "2024-05-01T10:00:00.Z", "2024-05-01T10:00:00.1234567890Z",
		"2024-05-01t10:00:00Z", "2024-05-01T10:00:00z", "0000-01-01T00:00:00Z", "2024-05-01T1:00:00Z", "+024-05-01T10:00:00Z",
	} {
		want, err := time.Parse(time.RFC3339Nano, s)
		got, ok := parseRFC3339(s)
		if ok && (err != nil || got != want.UTC()) {
			t.Errorf("parseRFC3339(%q) = %v, want %v (%v)", s, got, want, err)
		}
	}
	if _, ok := parseRFC3339("2024-05-01T10:00:00.123Z"); !ok {
		t.Error("the usual shape not read")
	}
}

// BenchmarkDecodePage decodes a page of 100 contacts as the fake writes
// them.
func BenchmarkDecodePage(b *testing.B) {
	srv := fake.New(fake.Options{Token: privateToken, Max: 1 << 30, Daily: 1 << 30})
	srv.Seed(100, t0, 1)
	req := httptest.NewRequest(http.MethodGet, "/crm/v3/objects/contacts?limit=100&properties=email,firstname,lastname,phone,lifecyclestage", nil)
	req.Header.Set("Authorization", "Bearer "+privateToken)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	body := rec.Body.Bytes()
	props := defaultProperties["contacts"]
	b.Run("hand", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if _, err := decodePage(body, props); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if _, err := refDecodePage(body); err != nil {
				b.Fatal(err)
			}
		}
	})
}
