package identity

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

var day1 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// byRecord maps record key -> customer id.
func byRecord(res Result) map[string]string {
	m := make(map[string]string, len(res.Assignments))
	for _, a := range res.Assignments {
		m[a.RecordKey] = a.CustomerID
	}
	return m
}

// groups returns the persons as sorted lists of record keys, sorted.
func groups(res Result) [][]string {
	by := map[string][]string{}
	for _, a := range res.Assignments {
		by[a.CustomerID] = append(by[a.CustomerID], a.RecordKey)
	}
	var out [][]string
	for _, g := range by {
		slices.Sort(g)
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
	return out
}

func mustResolve(t *testing.T, links []Link, prev []Assignment, day time.Time, cfg Config) Result {
	t.Helper()
	res, err := Resolve(links, prev, day, cfg)
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	return res
}

func eventsOf(res Result, typ string) []Event {
	var out []Event
	for _, e := range res.Events {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

func TestResolveGroups(t *testing.T) {
	noCaps := Config{}
	tests := []struct {
		name  string
		cfg   Config
		links []Link
		want  [][]string
	}{
		{
			name: "transitive via email then phone",
			cfg:  DefaultConfig(),
			links: []Link{
				{"a", Email, "ann@mail.com"}, {"b", Email, "ann@mail.com"},
				{"b", Phone, "+4915112345678"}, {"c", Phone, "+4915112345678"},
				{"d", Email, "bob@mail.com"},
			},
			want: [][]string{{"a", "b", "c"}, {"d"}},
		},
		{
			name: "same value different kinds do not link",
			cfg:  noCaps,
			links: []Link{
				{"a", CRMID, "123"}, {"b", CustomerNumber, "123"},
			},
			want: [][]string{{"a"}, {"b"}},
		},
		{
			name: "blocked values link nothing",
			cfg:  Config{Blocked: []string{"+4900000001"}},
			links: []Link{
				{"a", Email, "null"}, {"b", Email, "null"},
				{"a", Phone, "+4900000001"}, {"b", Phone, "+4900000001"},
				{"a", Email, "test@gmail.com"}, {"b", Email, "test@gmail.com"},
				{"a", Email, "jo@example.com"}, {"b", Email, "jo@example.com"},
				{"a", Device, "0"}, {"b", Device, "0"},
				{"a", Cookie, "unknown"}, {"b", Cookie, "UNKNOWN"},
				{"c", CRMID, ""},
			},
			want: [][]string{{"a"}, {"b"}, {"c"}},
		},
		{
			name: "value cap refuses a shared device",
			cfg:  DefaultConfig(), // device value cap 5
			links: []Link{
				{"r1", Device, "tablet"}, {"r2", Device, "tablet"}, {"r3", Device, "tablet"},
				{"r4", Device, "tablet"}, {"r5", Device, "tablet"}, {"r6", Device, "tablet"},
				{"r1", Device, "phone-1"}, {"r2", Device, "phone-1"},
			},
			want: [][]string{{"r1", "r2"}, {"r3"}, {"r4"}, {"r5"}, {"r6"}},
		},
		{
			name: "person cap refuses a device bridging two crm ids",
			cfg:  DefaultConfig(), // crm_id person cap 1
			links: []Link{
				{"h/1", CRMID, "1"}, {"h/2", CRMID, "2"},
				{"h/1", Device, "shared"}, {"h/2", Device, "shared"},
				{"web/9", Device, "shared"},
			},
			want: [][]string{{"h/1"}, {"h/2"}, {"web/9"}},
		},
		{
			name: "person cap allows a union that adds no identifier of the capped kind",
			cfg:  Config{PersonCap: map[Kind]int{Email: 1}},
			links: []Link{
				{"a", Email, "x@mail.com"}, {"a", Email, "y@mail.com"}, // a alone exceeds the cap
				{"a", Phone, "+1"}, {"b", Phone, "+1"}, // b has no email
			},
			want: [][]string{{"a", "b"}},
		},
		{
			name: "person cap counts identifiers not processed yet",
			cfg:  Config{PersonCap: map[Kind]int{Cookie: 2}},
			links: []Link{
				// the email is processed first; the union would hold 3
				// cookies, so it is refused.
				{"a", Email, "x@mail.com"}, {"b", Email, "x@mail.com"},
				{"a", Cookie, "c1"}, {"a", Cookie, "c2"}, {"b", Cookie, "c3"},
			},
			want: [][]string{{"a"}, {"b"}},
		},
		{
			name: "shared values within the cap count once",
			cfg:  Config{PersonCap: map[Kind]int{Cookie: 2}},
			links: []Link{
				{"a", Email, "x@mail.com"}, {"b", Email, "x@mail.com"},
				{"a", Cookie, "c1"}, {"a", Cookie, "c2"}, {"b", Cookie, "c1"}, {"b", Cookie, "c2"},
			},
			want: [][]string{{"a", "b"}},
		},
		{
			name: "duplicate links are one link",
			cfg:  Config{ValueCap: map[Kind]int{Phone: 2}},
			links: []Link{
				{"a", Phone, "+1"}, {"a", Phone, "+1"}, {"a", Phone, "+1"}, {"b", Phone, "+1"},
			},
			want: [][]string{{"a", "b"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustResolve(t, tt.links, nil, day1, tt.cfg)
			if got := groups(res); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("groups = %v, want %v", got, tt.want)
			}
			if res.Stats.Records != len(res.Assignments) || res.Stats.Customers != len(tt.want) {
				t.Errorf("stats = %+v", res.Stats)
			}
		})
	}
}

func TestResolveEvents(t *testing.T) {
	tests := []struct {
		name  string
		cfg   Config
		links []Link
		want  []Event
	}{
		{
			name: "blocked values with link counts",
			cfg:  Config{Blocked: []string{"+4900000001"}},
			links: []Link{
				{"a", Email, "null"}, {"b", Email, "null"}, {"c", Email, "null"}, {"c", Email, "null"},
				{"a", Phone, "+4900000001"},
				{"a", Email, "noreply+x@shop.de"},
				{"b", Email, "nobody"},
			},
			want: []Event{
				{Type: EventBlocked, Kind: Email, ValueHash: HashValue("null"), Links: 4, Reason: RuleToken},
				{Type: EventBlocked, Kind: Email, ValueHash: HashValue("noreply+x@shop.de"), Links: 1, Reason: RuleTestEmail},
				{Type: EventBlocked, Kind: Email, ValueHash: HashValue("nobody"), Links: 1, Reason: RuleInvalidEmail},
				{Type: EventBlocked, Kind: Phone, ValueHash: HashValue("+4900000001"), Links: 1, Reason: ReasonConfigured},
			},
		},
		{
			name: "value cap",
			cfg:  Config{ValueCap: map[Kind]int{Device: 2}},
			links: []Link{
				{"a", Device, "dev"}, {"b", Device, "dev"}, {"c", Device, "dev"},
			},
			want: []Event{{Type: EventRefusedCap, Kind: Device, ValueHash: HashValue("dev"), Records: 3, Reason: ReasonValueCap}},
		},
		{
			name: "person cap names the exceeded kind",
			cfg:  Config{PersonCap: map[Kind]int{CRMID: 1}},
			links: []Link{
				{"a", CRMID, "1"}, {"b", CRMID, "2"}, {"a", Device, "dev"}, {"b", Device, "dev"},
			},
			want: []Event{{Type: EventRefusedCap, Kind: Device, ValueHash: HashValue("dev"), Records: 2, Reason: "person_cap:crm_id"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustResolve(t, tt.links, nil, day1, tt.cfg)
			want := slices.Clone(tt.want)
			slices.SortFunc(want, compareEvents)
			if !reflect.DeepEqual(res.Events, want) {
				t.Errorf("events:\n got %+v\nwant %+v", res.Events, want)
			}
		})
	}
}

func TestStableIDsAcrossRuns(t *testing.T) {
	cfg := DefaultConfig()
	day2 := day1.AddDate(0, 0, 1)
	day3 := day1.AddDate(0, 0, 2)

	// Run 1: Ann only.
	run1 := []Link{{"crm/1", Email, "ann@mail.com"}, {"shop/7", Email, "ann@mail.com"}}
	r1 := mustResolve(t, run1, nil, day1, cfg)
	ann := byRecord(r1)["crm/1"]
	if want := "cus_" + sha16("crm/1"); ann != want {
		t.Fatalf("new id = %s, want %s (sha256 of the smallest record key)", ann, want)
	}

	// Run 2: Bob appears; his id would sort before Ann's or not, age decides.
	run2 := append(slices.Clone(run1), Link{"web/5", Phone, "+4930123"}, Link{"web/6", Phone, "+4930123"})
	r2 := mustResolve(t, run2, r1.Assignments, day2, cfg)
	bob := byRecord(r2)["web/5"]
	if byRecord(r2)["crm/1"] != ann || bob == ann || len(r2.Events) != 0 {
		t.Fatalf("run 2: ids %v, events %v", byRecord(r2), r2.Events)
	}
	for _, a := range r2.Assignments {
		want := day1
		if a.CustomerID == bob {
			want = day2
		}
		if !a.FirstSeen.Equal(want) {
			t.Errorf("run 2: %s first seen %v, want %v", a.RecordKey, a.FirstSeen, want)
		}
	}

	// Run 3: a new record carries Ann's e-mail and Bob's phone.
	run3 := append(slices.Clone(run2), Link{"app/1", Email, "ann@mail.com"}, Link{"app/1", Phone, "+4930123"})
	r3 := mustResolve(t, run3, r2.Assignments, day3, cfg)
	for rec, id := range byRecord(r3) {
		if id != ann {
			t.Errorf("run 3: %s -> %s, want the older id %s", rec, id, ann)
		}
	}
	for _, a := range r3.Assignments {
		if !a.FirstSeen.Equal(day1) {
			t.Errorf("run 3: first seen %v, want %v", a.FirstSeen, day1)
		}
	}
	// Email is processed before phone, so the phone is what joined Bob's
	// records to Ann's.
	want := []Event{{Type: EventMerge, CustomerID: ann, OtherID: bob, Kind: Phone, ValueHash: HashValue("+4930123"), Reason: ReasonMerge}}
	if !reflect.DeepEqual(r3.Events, want) {
		t.Errorf("run 3 events = %+v, want %+v", r3.Events, want)
	}
	if r3.Stats.Merges != 1 {
		t.Errorf("merges = %d", r3.Stats.Merges)
	}
}

func sha16(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:8])
}

func TestPreviousIDs(t *testing.T) {
	old := time.Date(2023, 5, 1, 0, 0, 0, 0, time.UTC)
	young := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	// c bridges a (e-mail) and b (phone); e-mails are processed first, so
	// the phone is the bridge whichever id survives.
	bridge := []Link{{"a", Email, "a@mail.com"}, {"b", Phone, "+491"}, {"c", Email, "a@mail.com"}, {"c", Phone, "+491"}}
	tests := []struct {
		name       string
		links      []Link
		prev       []Assignment
		wantID     map[string]string
		wantEvents []Event
	}{
		{
			name:   "older id wins even when it sorts later",
			links:  bridge,
			prev:   []Assignment{{"a", "cus_zzz", old}, {"b", "cus_aaa", young}},
			wantID: map[string]string{"a": "cus_zzz", "b": "cus_zzz", "c": "cus_zzz"},
			wantEvents: []Event{{Type: EventMerge, CustomerID: "cus_zzz", OtherID: "cus_aaa", Kind: Phone,
				ValueHash: HashValue("+491"), Reason: ReasonMerge}},
		},
		{
			name:   "same first-seen date: smaller id wins",
			links:  bridge,
			prev:   []Assignment{{"a", "cus_zzz", old}, {"b", "cus_aaa", old}},
			wantID: map[string]string{"a": "cus_aaa", "b": "cus_aaa", "c": "cus_aaa"},
			wantEvents: []Event{{Type: EventMerge, CustomerID: "cus_aaa", OtherID: "cus_zzz", Kind: Phone,
				ValueHash: HashValue("+491"), Reason: ReasonMerge}},
		},
		{
			name: "a split part gets a new id and a split event",
			// a and b were one customer; their link is now blocked.
			links:  []Link{{"a", Email, "test@mail.com"}, {"b", Email, "test@mail.com"}, {"b", Phone, "+1"}, {"d", Phone, "+1"}},
			prev:   []Assignment{{"a", "cus_x", old}, {"b", "cus_x", old}, {"d", "cus_x", old}},
			wantID: map[string]string{"a": "cus_" + sha16("a"), "b": "cus_x", "d": "cus_x"},
			wantEvents: []Event{
				{Type: EventBlocked, Kind: Email, ValueHash: HashValue("test@mail.com"), Links: 2, Reason: RuleTestEmail},
				{Type: EventSplit, CustomerID: "cus_" + sha16("a"), OtherID: "cus_x", Reason: ReasonSplit},
			},
		},
		{
			name:   "a new id never reuses a previous id",
			links:  []Link{{"a", Email, "a@mail.com"}},
			prev:   []Assignment{{"gone", "cus_" + sha16("a"), old}},
			wantID: map[string]string{"a": "cus_" + hex.EncodeToString(sha256Bytes("a\x001")[:8])},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustResolve(t, tt.links, tt.prev, day1, Config{})
			if got := byRecord(res); !reflect.DeepEqual(got, tt.wantID) {
				t.Errorf("ids = %v, want %v", got, tt.wantID)
			}
			want := slices.Clone(tt.wantEvents)
			slices.SortFunc(want, compareEvents)
			if !reflect.DeepEqual(res.Events, want) {
				t.Errorf("events:\n got %+v\nwant %+v", res.Events, want)
			}
		})
	}
}

func sha256Bytes(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// randomLinks makes a messy graph with shared devices and blocked values.
func randomLinks(rng *rand.Rand, people int) []Link {
	var links []Link
	for p := range people {
		nrec := 1 + rng.IntN(3)
		for r := range nrec {
			rec := fmt.Sprintf("src%d/%d-%d", r%3, p, r)
			links = append(links, Link{rec, Email, fmt.Sprintf("p%d.%d@mail.com", p, rng.IntN(2))})
			if rng.IntN(2) == 0 {
				links = append(links, Link{rec, Phone, fmt.Sprintf("+49%d", p)})
			}
			if rng.IntN(3) == 0 {
				links = append(links, Link{rec, CRMID, fmt.Sprintf("%d", p*10+r)})
			}
			dev := fmt.Sprintf("dev%d", p)
			if rng.IntN(8) == 0 {
				dev = fmt.Sprintf("shared%d", rng.IntN(4))
			}
			links = append(links, Link{rec, Device, dev})
			if rng.IntN(10) == 0 {
				links = append(links, Link{rec, Email, "null"})
			}
			for range rng.IntN(3) {
				links = append(links, Link{rec, Cookie, fmt.Sprintf("ck%d", rng.IntN(people*2))})
			}
		}
	}
	return links
}

func TestDeterministicUnderShuffle(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	links := randomLinks(rng, 300)
	cfg := Config{
		PersonCap: map[Kind]int{CRMID: 1, Email: 2, Cookie: 3, Device: 2},
		ValueCap:  map[Kind]int{Device: 6, Cookie: 4},
	}
	// A previous run over part of the data, so ids are carried and merged.
	prev := mustResolve(t, links[:len(links)/2], nil, day1, cfg).Assignments
	base := mustResolve(t, links, prev, day1.AddDate(0, 0, 1), cfg)
	if len(eventsOf(base, EventRefusedCap)) == 0 || len(eventsOf(base, EventMerge)) == 0 || len(eventsOf(base, EventBlocked)) == 0 {
		t.Fatalf("test data too tame: stats %+v", base.Stats)
	}
	for i := range 10 {
		t.Run(fmt.Sprintf("shuffle %d", i), func(t *testing.T) {
			l := slices.Clone(links)
			p := slices.Clone(prev)
			rng.Shuffle(len(l), func(a, b int) { l[a], l[b] = l[b], l[a] })
			rng.Shuffle(len(p), func(a, b int) { p[a], p[b] = p[b], p[a] })
			got := mustResolve(t, l, p, day1.AddDate(0, 0, 1), cfg)
			if !reflect.DeepEqual(got, base) {
				t.Errorf("result differs after shuffling (stats %+v vs %+v)", got.Stats, base.Stats)
			}
		})
	}
}

// referenceGroups is a slow, obviously-correct version of the union pass:
// sets of records, identifiers in (kind priority, hash, value) order, exact
// counts.
func referenceGroups(links []Link, cfg Config) [][]string {
	type kv struct {
		k Kind
		v string
	}
	recsOf := map[kv]map[string]bool{}
	valsOf := map[string]map[kv]bool{}
	for _, l := range links {
		if valsOf[l.Record] == nil {
			valsOf[l.Record] = map[kv]bool{}
		}
		if _, b := BlockReason(l.Kind, l.Value); b || slices.Contains(cfg.Blocked, l.Value) {
			continue
		}
		x := kv{l.Kind, l.Value}
		if recsOf[x] == nil {
			recsOf[x] = map[string]bool{}
		}
		recsOf[x][l.Record] = true
	}
	for x, rs := range recsOf {
		if c := cfg.ValueCap[x.k]; c > 0 && len(rs) > c {
			delete(recsOf, x)
			continue
		}
		for r := range rs {
			valsOf[r][x] = true
		}
	}
	person := map[string]int{}
	members := map[int][]string{}
	id := 0
	for r := range valsOf {
		person[r] = id
		members[id] = []string{r}
		id++
	}
	count := func(ids []int) map[Kind]int {
		seen := map[kv]bool{}
		out := map[Kind]int{}
		for _, p := range ids {
			for _, r := range members[p] {
				for x := range valsOf[r] {
					if !seen[x] {
						seen[x] = true
						out[x.k]++
					}
				}
			}
		}
		return out
	}
	var order []kv
	for x := range recsOf {
		order = append(order, x)
	}
	slices.SortFunc(order, func(a, b kv) int {
		return cmp.Or(cmp.Compare(orderKey(uint8(kindIndex(a.k)), a.v), orderKey(uint8(kindIndex(b.k)), b.v)), strings.Compare(a.v, b.v))
	})
	for _, x := range order {
		var ps []int
		for r := range recsOf[x] {
			if !slices.Contains(ps, person[r]) {
				ps = append(ps, person[r])
			}
		}
		if len(ps) < 2 {
			continue
		}
		u := count(ps)
		refuse := false
		for k, c := range cfg.PersonCap {
			if c == 0 || u[k] <= c {
				continue
			}
			biggest := 0
			for _, p := range ps {
				biggest = max(biggest, count([]int{p})[k])
			}
			if u[k] > biggest {
				refuse = true
			}
		}
		if refuse {
			continue
		}
		for _, p := range ps[1:] {
			for _, r := range members[p] {
				person[r] = ps[0]
			}
			members[ps[0]] = append(members[ps[0]], members[p]...)
			delete(members, p)
		}
	}
	var out [][]string
	for _, m := range members {
		g := slices.Clone(m)
		slices.Sort(g)
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
	return out
}

func TestMatchesReference(t *testing.T) {
	cfgs := []Config{
		{},
		DefaultConfig(),
		{PersonCap: map[Kind]int{Email: 1, Cookie: 2, Device: 1}, ValueCap: map[Kind]int{Device: 3}},
		{PersonCap: map[Kind]int{CRMID: 1, Phone: 1, Cookie: 1}},
	}
	for seed := range 8 {
		for ci, cfg := range cfgs {
			t.Run(fmt.Sprintf("seed %d config %d", seed, ci), func(t *testing.T) {
				links := randomLinks(rand.New(rand.NewPCG(uint64(seed), 7)), 60)
				got := groups(mustResolve(t, links, nil, day1, cfg))
				if want := referenceGroups(links, cfg); !reflect.DeepEqual(got, want) {
					t.Errorf("groups differ from the reference:\n got %v\nwant %v", got, want)
				}
			})
		}
	}
}

func TestEventsCarryNoRawValues(t *testing.T) {
	raw := []string{"secret.person@mail.com", "+4917099999", "device-abc-123", "test@mail.com", "cookie-xyz", "crm-777"}
	links := []Link{
		{"a", Email, raw[0]}, {"b", Email, raw[0]}, // merge bridge
		{"a", CRMID, raw[5]}, {"c", CRMID, "crm-778"}, {"c", Phone, raw[1]}, {"a", Phone, raw[1]}, // person cap
		{"d", Device, raw[2]}, {"e", Device, raw[2]}, {"f", Device, raw[2]}, // value cap
		{"a", Email, raw[3]}, // blocked
		{"a", Cookie, raw[4]},
	}
	prev := []Assignment{{"a", "cus_1", day1}, {"b", "cus_2", day1}}
	cfg := Config{PersonCap: map[Kind]int{CRMID: 1}, ValueCap: map[Kind]int{Device: 2}}
	res := mustResolve(t, links, prev, day1, cfg)
	for _, typ := range []string{EventMerge, EventRefusedCap, EventBlocked} {
		if len(eventsOf(res, typ)) == 0 {
			t.Errorf("no %s event", typ)
		}
	}
	dump := fmt.Sprintf("%+v", res.Events)
	for _, v := range raw {
		if strings.Contains(dump, v) {
			t.Errorf("events contain raw value %q", v)
		}
	}
	for _, e := range res.Events {
		if e.Type != EventSplit && len(e.ValueHash) != 64 {
			t.Errorf("event %+v: value hash is not a SHA-256 hex", e)
		}
	}
}

func TestResolveErrors(t *testing.T) {
	tests := []struct {
		name  string
		links []Link
		prev  []Assignment
		cfg   Config
		want  error
	}{
		{"unknown kind", []Link{{"a", "fax", "secret-fax"}}, nil, Config{}, ErrInput},
		{"empty record key", []Link{{"", Email, "secret@mail.com"}}, nil, Config{}, ErrInput},
		{"repeated previous record", []Link{{"a", Email, "secret@mail.com"}}, []Assignment{{"a", "cus_1", day1}, {"a", "cus_2", day1}}, Config{}, ErrInput},
		{"empty previous id", nil, []Assignment{{"a", "", day1}}, Config{}, ErrInput},
		{"unknown cap kind", nil, nil, Config{PersonCap: map[Kind]int{"fax": 1}}, ErrConfig},
		{"negative cap", nil, nil, Config{ValueCap: map[Kind]int{Email: -1}}, ErrConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Resolve(tt.links, tt.prev, day1, tt.cfg)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error leaks a value: %v", err)
			}
		})
	}
}

func TestBlockReason(t *testing.T) {
	tests := []struct {
		kind  Kind
		value string
		want  string // "" = not blocked
	}{
		{Email, "", RuleToken},
		{Phone, "  ", RuleToken},
		{CRMID, "NULL", RuleToken},
		{CustomerNumber, "0", RuleToken},
		{CustomerNumber, "0000", RuleToken},
		{CustomerNumber, "10", ""},
		{Device, "N/A", RuleToken},
		{Cookie, "none", RuleToken},
		{Cookie, "Unknown", RuleToken},
		{CRMID, "test", RuleToken},
		{Email, "test@gmail.com", RuleTestEmail},
		{Email, "test+1@gmail.com", RuleTestEmail},
		{Email, "anna@example.com", RuleTestEmail},
		{Email, "anna@mail.example.org", RuleTestEmail},
		{Email, "anna@shop.test", RuleTestEmail},
		{Email, "noreply@shop.de", RuleTestEmail},
		{Email, "no-reply@shop.de", RuleTestEmail},
		{Email, "tester@gmail.com", ""},
		{Email, "anna@example.com.br", ""},
		{Email, "anna@notexample.com", ""},
		{Email, "anna", RuleInvalidEmail},
		{Email, "a@b@c", RuleInvalidEmail},
		{Email, "Test@Gmail.com", RuleTestEmail},
		{Email, "anna@EXAMPLE.COM", RuleTestEmail},
		{Phone, "Null", RuleToken},
		{Email, "@shop.de", RuleInvalidEmail},
		{Device, "test@gmail.com", ""}, // e-mail rules apply to e-mails only
	}
	for _, tt := range tests {
		t.Run(string(tt.kind)+" "+tt.value, func(t *testing.T) {
			got, blocked := BlockReason(tt.kind, tt.value)
			if blocked != (tt.want != "") || got != tt.want {
				t.Errorf("BlockReason = %q, %v; want %q", got, blocked, tt.want)
			}
		})
	}
}

func TestEvaluate(t *testing.T) {
	tests := []struct {
		name         string
		pred, truth  map[string]string
		wantP, wantR float64
	}{
		{
			name:  "perfect",
			pred:  map[string]string{"a": "1", "b": "1", "c": "2"},
			truth: map[string]string{"a": "x", "b": "x", "c": "y"},
			wantP: 1, wantR: 1,
		},
		{
			name: "over-merge",
			// pred pairs: ab ac bc = 3; true pairs: ab = 1; both: ab.
			pred:  map[string]string{"a": "1", "b": "1", "c": "1"},
			truth: map[string]string{"a": "x", "b": "x", "c": "y"},
			wantP: 1.0 / 3, wantR: 1,
		},
		{
			name: "under-merge",
			// pred pairs: ab = 1; true pairs: ab ac ad bc bd cd = 6.
			pred:  map[string]string{"a": "1", "b": "1", "c": "2", "d": "3"},
			truth: map[string]string{"a": "x", "b": "x", "c": "x", "d": "x"},
			wantP: 1, wantR: 1.0 / 6,
		},
		{
			name: "mixed",
			// pred {a,b,c} {d,e}: pairs ab ac bc de = 4.
			// truth {a,b} {c,d,e}: pairs ab cd ce de = 4. both: ab de = 2.
			pred:  map[string]string{"a": "1", "b": "1", "c": "1", "d": "2", "e": "2"},
			truth: map[string]string{"a": "x", "b": "x", "c": "y", "d": "y", "e": "y"},
			wantP: 0.5, wantR: 0.5,
		},
		{
			name:  "records missing from one side are ignored",
			pred:  map[string]string{"a": "1", "b": "1", "z": "1"},
			truth: map[string]string{"a": "x", "b": "x", "q": "x"},
			wantP: 1, wantR: 1,
		},
		{
			name:  "no pairs anywhere",
			pred:  map[string]string{"a": "1", "b": "2"},
			truth: map[string]string{"a": "x", "b": "y"},
			wantP: 1, wantR: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, r := Evaluate(tt.pred, tt.truth)
			if diff(p, tt.wantP) || diff(r, tt.wantR) {
				t.Errorf("Evaluate = %v, %v; want %v, %v", p, r, tt.wantP, tt.wantR)
			}
		})
	}
}

func diff(a, b float64) bool { return a-b > 1e-12 || b-a > 1e-12 }

func TestInternCollisions(t *testing.T) {
	keys := []string{"b", "a", "c", "a", "b", "a"}
	tests := []struct {
		name string
		hash func(uint8, string) uint64
		want []uint32
	}{
		{"every key collides: string order", func(uint8, string) uint64 { return 7 }, []uint32{1, 0, 2, 0, 1, 0}},
		{"hash order first", func(_ uint8, s string) uint64 { return uint64(100 - s[0]) }, []uint32{1, 2, 0, 2, 1, 2}},
		{"orderKey", orderKey, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids, reps := intern(len(keys), func(i int) (uint8, string) { return 0, keys[i] }, tt.hash)
			if tt.want != nil && !reflect.DeepEqual(ids, tt.want) {
				t.Errorf("ids = %v, want %v", ids, tt.want)
			}
			if len(reps) != 3 {
				t.Fatalf("%d distinct keys, want 3", len(reps))
			}
			for i, id := range ids {
				if keys[reps[id]] != keys[i] {
					t.Errorf("item %d (%q) got id %d of %q", i, keys[i], id, keys[reps[id]])
				}
			}
		})
	}
}
