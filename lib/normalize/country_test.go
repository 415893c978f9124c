package normalize

import (
	"bufio"
	"encoding/csv"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/segmint/segmint/lib/fixture"
)

func TestCountryLookup(t *testing.T) {
	c := NewCountries()
	cases := []struct {
		in     string
		code   string
		region string
	}{
		{"GB", "GB", RegionEurope},
		{"gb", "GB", RegionEurope},
		{"GBR", "GB", RegionEurope},
		{"United Kingdom", "GB", RegionEurope},
		{"  united   KINGDOM ", "GB", RegionEurope},
		{"United-Kingdom", "GB", RegionEurope},
		{"UK", "GB", RegionEurope},
		{"U.K.", "GB", RegionEurope},
		{"England", "GB", RegionEurope},
		{"United Kingdom of Great Britain and Northern Ireland", "GB", RegionEurope},
		{"EIRE", "IE", RegionEurope},
		{"Ireland", "IE", RegionEurope},
		{"USA", "US", RegionAmericas},
		{"U.S.A.", "US", RegionAmericas},
		{"United States of America", "US", RegionAmericas},
		{"us", "US", RegionAmericas},
		{"RSA", "ZA", RegionAfrica},
		{"South Africa", "ZA", RegionAfrica},
		{"Korea", "KR", RegionAsia},
		{"Korea, Republic of", "KR", RegionAsia},
		{"South Korea", "KR", RegionAsia},
		{"North Korea", "KP", RegionAsia},
		{"Côte d'Ivoire", "CI", RegionAfrica},
		{"Cote d Ivoire", "CI", RegionAfrica},
		{"Ivory Coast", "CI", RegionAfrica},
		{"Curaçao", "CW", RegionAmericas},
		{"Åland Islands", "AX", RegionEurope},
		{"The Netherlands", "NL", RegionEurope},
		{"Netherlands", "NL", RegionEurope},
		{"Holland", "NL", RegionEurope},
		{"Bosnia & Herzegovina", "BA", RegionEurope},
		{"Czech Republic", "CZ", RegionEurope},
		{"Czechia", "CZ", RegionEurope},
		{"Cyprus", "CY", RegionAsia}, // M49, not the EU
		{"Turkey", "TR", RegionAsia},
		{"Türkiye", "TR", RegionAsia},
		{"Greenland", "GL", RegionAmericas},
		{"Bolivia", "BO", RegionAmericas},
		{"Iran", "IR", RegionAsia},
		{"Taiwan", "TW", RegionAsia},
		{"BRA", "BR", RegionAmericas},
		{"Brasil", "", RegionNone}, // Portuguese names are not known
		{"Antarctica", "AQ", RegionNone},
		{"AQ", "AQ", RegionNone},
		{"Thailand", "TH", RegionAsia}, // starts with "th", not the word "the"
		{"Niger", "NE", RegionAfrica},
		{"Nigeria", "NG", RegionAfrica},
		{"Guinea", "GN", RegionAfrica},
		{"Papua New Guinea", "PG", RegionOceania},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := c.Lookup(tc.in)
			if got.Code != tc.code || got.Region != tc.region || ok != (tc.code != "") {
				t.Fatalf("Lookup(%q) = %+v, %v; want code %q region %q", tc.in, got, ok, tc.code, tc.region)
			}
			if ok && (len(got.Alpha3) != 3 || got.Name == "") {
				t.Fatalf("Lookup(%q) = %+v: want alpha-3 and name", tc.in, got)
			}
		})
	}
}

func TestCountryLookupNoISOCode(t *testing.T) {
	c := NewCountries()
	cases := []struct {
		in     string
		region string
	}{
		{"Channel Islands", RegionEurope},
		{"channel  islands", RegionEurope},
		{"European Community", RegionEurope},
		{"European Union", RegionEurope},
		{"EU", RegionEurope},
		{"West Indies", RegionAmericas},
		{"Unspecified", RegionNone},
		{"unknown", RegionNone},
		{"", RegionNone},
		{"   ", RegionNone},
		{"the", RegionNone},
		{"XX", RegionNone},
		{"ZZZ", RegionNone},
		{"Atlantis", RegionNone},
		{"America", RegionNone}, // a continent, not the US
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := c.Lookup(tc.in)
			want := Country{Region: tc.region}
			if ok || got != want {
				t.Fatalf("Lookup(%q) = %+v, %v; want %+v, false", tc.in, got, ok, want)
			}
		})
	}
}

func TestCountryTable(t *testing.T) {
	c, conflicts := buildCountries()
	if len(conflicts) > 0 {
		t.Fatalf("names claimed by two countries: %q", conflicts)
	}
	if len(c.rows) != 249 {
		t.Fatalf("%d ISO rows, want 249", len(c.rows))
	}
	regions := []string{RegionAfrica, RegionAmericas, RegionAsia, RegionEurope, RegionOceania}
	seen := map[string]bool{}
	for _, r := range c.rows {
		for _, code := range []string{r.alpha2, r.alpha3} {
			if seen[code] {
				t.Errorf("code %s twice", code)
			}
			seen[code] = true
			got, ok := c.Lookup(code)
			if !ok || got.Code != r.alpha2 {
				t.Errorf("Lookup(%q) = %+v, %v; want %s", code, got, ok, r.alpha2)
			}
		}
		for _, n := range r.names {
			if got, _ := c.Lookup(n); got.Code != r.alpha2 {
				t.Errorf("Lookup(%q) = %q, want %s", n, got.Code, r.alpha2)
			}
		}
		if !slices.Contains(regions, r.region) && r.alpha2 != "AQ" {
			t.Errorf("%s has region %q", r.alpha2, r.region)
		}
	}
	for _, v := range countryVariants() {
		if got, ok := c.Lookup(v[0]); !ok || got.Code != v[1] {
			t.Errorf("variant %q = %q, want %s", v[0], got.Code, v[1])
		}
	}
}

// onlineRetailCountries is the documented result for every Country value of
// Online Retail II (both sheets: "European Community" is in 2010-2011).
func onlineRetailCountries() map[string]Country {
	iso := func(code, alpha3, name, region string) Country {
		return Country{Code: code, Alpha3: alpha3, Name: name, Region: region}
	}
	return map[string]Country{
		"Australia":            iso("AU", "AUS", "Australia", RegionOceania),
		"Austria":              iso("AT", "AUT", "Austria", RegionEurope),
		"Bahrain":              iso("BH", "BHR", "Bahrain", RegionAsia),
		"Belgium":              iso("BE", "BEL", "Belgium", RegionEurope),
		"Bermuda":              iso("BM", "BMU", "Bermuda", RegionAmericas),
		"Brazil":               iso("BR", "BRA", "Brazil", RegionAmericas),
		"Canada":               iso("CA", "CAN", "Canada", RegionAmericas),
		"Channel Islands":      {Region: RegionEurope},
		"Cyprus":               iso("CY", "CYP", "Cyprus", RegionAsia),
		"Czech Republic":       iso("CZ", "CZE", "Czechia", RegionEurope),
		"Denmark":              iso("DK", "DNK", "Denmark", RegionEurope),
		"EIRE":                 iso("IE", "IRL", "Ireland", RegionEurope),
		"European Community":   {Region: RegionEurope},
		"Finland":              iso("FI", "FIN", "Finland", RegionEurope),
		"France":               iso("FR", "FRA", "France", RegionEurope),
		"Germany":              iso("DE", "DEU", "Germany", RegionEurope),
		"Greece":               iso("GR", "GRC", "Greece", RegionEurope),
		"Hong Kong":            iso("HK", "HKG", "Hong Kong", RegionAsia),
		"Iceland":              iso("IS", "ISL", "Iceland", RegionEurope),
		"Israel":               iso("IL", "ISR", "Israel", RegionAsia),
		"Italy":                iso("IT", "ITA", "Italy", RegionEurope),
		"Japan":                iso("JP", "JPN", "Japan", RegionAsia),
		"Korea":                iso("KR", "KOR", "Korea, Republic of", RegionAsia),
		"Lebanon":              iso("LB", "LBN", "Lebanon", RegionAsia),
		"Lithuania":            iso("LT", "LTU", "Lithuania", RegionEurope),
		"Malta":                iso("MT", "MLT", "Malta", RegionEurope),
		"Netherlands":          iso("NL", "NLD", "Netherlands", RegionEurope),
		"Nigeria":              iso("NG", "NGA", "Nigeria", RegionAfrica),
		"Norway":               iso("NO", "NOR", "Norway", RegionEurope),
		"Poland":               iso("PL", "POL", "Poland", RegionEurope),
		"Portugal":             iso("PT", "PRT", "Portugal", RegionEurope),
		"RSA":                  iso("ZA", "ZAF", "South Africa", RegionAfrica),
		"Saudi Arabia":         iso("SA", "SAU", "Saudi Arabia", RegionAsia),
		"Singapore":            iso("SG", "SGP", "Singapore", RegionAsia),
		"Spain":                iso("ES", "ESP", "Spain", RegionEurope),
		"Sweden":               iso("SE", "SWE", "Sweden", RegionEurope),
		"Switzerland":          iso("CH", "CHE", "Switzerland", RegionEurope),
		"Thailand":             iso("TH", "THA", "Thailand", RegionAsia),
		"USA":                  iso("US", "USA", "United States", RegionAmericas),
		"United Arab Emirates": iso("AE", "ARE", "United Arab Emirates", RegionAsia),
		"United Kingdom":       iso("GB", "GBR", "United Kingdom", RegionEurope),
		"Unspecified":          {},
		"West Indies":          {Region: RegionAmericas},
	}
}

func checkOnlineRetailCountries(t *testing.T, values []string) {
	t.Helper()
	c := NewCountries()
	want := onlineRetailCountries()
	for _, v := range values {
		t.Run(v, func(t *testing.T) {
			w, listed := want[v]
			if !listed {
				t.Fatalf("Country %q has no documented result: add it to onlineRetailCountries", v)
			}
			got, ok := c.Lookup(v)
			if got != w || ok != (w.Code != "") {
				t.Fatalf("Lookup(%q) = %+v, %v; want %+v", v, got, ok, w)
			}
		})
	}
}

func readCountryList(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("testdata/online_retail_ii_countries.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestOnlineRetailCountriesTestdata(t *testing.T) {
	values := readCountryList(t)
	if len(values) != 40 {
		t.Fatalf("%d values in testdata, want the 40 of the 2009-2010 sheet", len(values))
	}
	checkOnlineRetailCountries(t, values)
}

// TestOnlineRetailCountriesRealFile reads every row of the real file, checks
// that the testdata copy lists exactly its distinct Country values, and that
// each maps as documented.
func TestOnlineRetailCountriesRealFile(t *testing.T) {
	r := csv.NewReader(fixture.Open(t, fixture.Shared(t, "online-retail-ii/online_retail_ii_2009_2010.csv.gz")))
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(header, "Country")
	if col < 0 {
		t.Fatalf("no Country column in %q", header)
	}
	distinct := map[string]bool{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		distinct[rec[col]] = true
	}
	values := slices.Sorted(maps.Keys(distinct))
	if listed := readCountryList(t); !slices.Equal(values, listed) {
		t.Fatalf("testdata list is stale:\nfile     %q\ntestdata %q", values, listed)
	}
	checkOnlineRetailCountries(t, values)
}
