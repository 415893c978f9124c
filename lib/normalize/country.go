package normalize

import (
	"strings"
	"unicode"
)

// The UN M49 regions (unstats.un.org/unsd/methodology/m49) a country code
// maps to. M49 puts Cyprus, Turkey, Georgia, Armenia and Azerbaijan in Asia
// and Greenland in the Americas; Countries follows it without exceptions.
const (
	RegionAfrica   = "Africa"
	RegionAmericas = "Americas"
	RegionAsia     = "Asia"
	RegionEurope   = "Europe"
	RegionOceania  = "Oceania"
	// RegionNone is the region of Antarctica (AQ), which M49 places in no
	// region, and of strings that name no place.
	RegionNone = ""
)

// Country is what a country string resolves to.
type Country struct {
	// Code is the ISO 3166-1 alpha-2 code ("GB"), or "" when the string
	// names no single ISO country.
	Code string
	// Alpha3 is the ISO 3166-1 alpha-3 code ("GBR"), "" when Code is "".
	Alpha3 string
	// Name is the ISO short English name ("United Kingdom"), "" when Code
	// is "".
	Name string
	// Region is the UN M49 region of Code, one of the Region constants. It
	// is also set for the few places without an ISO code whose region is
	// certain (see Countries.Lookup).
	Region string
}

type countryRow struct {
	alpha2, alpha3, region string
	names                  []string
}

// Countries resolves country names and codes. Build it once with
// NewCountries; it is read-only afterwards and safe for concurrent use.
type Countries struct {
	rows   []countryRow
	index  map[string]int // countryKey -> row; -1 - i for place i of places()
	places []place
}

// place is a name with a known region and no ISO code.
type place struct{ name, region string }

// NewCountries builds the lookup tables: the 249 ISO 3166-1 entries, their
// English names and the variants listed in countryVariants.
func NewCountries() *Countries {
	c, _ := buildCountries()
	return c
}

// buildCountries also returns the keys that were claimed twice with
// different results (the first claim wins); the tests keep it empty.
func buildCountries() (*Countries, []string) {
	x := &countryIndexer{c: &Countries{rows: countryTable(), index: map[string]int{}, places: places()}}
	row := x.claimRows()
	x.claimAliases(row)
	return x.c, x.conflicts
}

// countryIndexer fills the index of c, claim by claim, keeping the first
// claim of a key.
type countryIndexer struct {
	c         *Countries
	conflicts []string // names whose key an earlier claim took for another result
}

// claim indexes name's key to v (a row, or -1 - i for place i) unless the
// key is taken; it notes a conflict when it was taken for another v.
func (x *countryIndexer) claim(name string, v int) {
	k := countryKey(name)
	if old, dup := x.c.index[k]; dup {
		if old != v {
			x.conflicts = append(x.conflicts, name)
		}
		return
	}
	x.c.index[k] = v
}

// claimRows claims the rows' codes, then their names, and returns the
// rows by alpha-2 code.
func (x *countryIndexer) claimRows() map[string]int {
	row := map[string]int{}
	for i, r := range x.c.rows {
		row[r.alpha2] = i
		x.claim(r.alpha2, i)
		x.claim(r.alpha3, i)
	}
	for i, r := range x.c.rows {
		for _, n := range r.names {
			x.claim(n, i)
		}
	}
	return row
}

// claimAliases claims the variants of country names (row gives the rows
// by alpha-2 code), then the places that are no country.
func (x *countryIndexer) claimAliases(row map[string]int) {
	for _, v := range countryVariants() {
		x.claim(v[0], row[v[1]])
	}
	for i, p := range x.c.places {
		x.claim(p.name, -1-i)
	}
}

// Lookup resolves s, which may be an alpha-2 or alpha-3 code or an English
// name, ignoring case, accents, punctuation, white space and a leading
// "The": "gb", "GBR", "United Kingdom", " united  kingdom ", "U.K.", "UK",
// "Great Britain" and "England" all give GB.
//
// ok is true exactly when Country.Code is set. Beyond ISO's own names it
// knows common variants, among them those in Online Retail II: "EIRE" (IE),
// "USA" (US), "RSA" (ZA), "Korea" (KR: the retailer's customers are in the
// Republic of Korea; "North Korea" and "DPRK" give KP) and "UAE" (AE).
//
// Places that are not one ISO country return ok=false with the Region still
// set: "Channel Islands" (Jersey JE and Guernsey GG are separate ISO codes
// and the data does not say which) and "European Community"/"European
// Union"/"EU" give Europe; "West Indies" gives the Americas. Anything else
// ("Unspecified", "Unknown", "", "Atlantis") returns the zero Country and
// ok=false.
func (c *Countries) Lookup(s string) (Country, bool) {
	v, found := c.index[countryKey(s)]
	switch {
	case !found:
		return Country{}, false
	case v < 0:
		return Country{Region: c.places[-1-v].region}, false
	}
	r := c.rows[v]
	return Country{Code: r.alpha2, Alpha3: r.alpha3, Name: r.names[0], Region: r.region}, true
}

// countryKey folds s for comparison: lower case, Latin accents removed,
// "&" read as "and", a leading word "the" dropped, and everything but
// letters and digits removed.
func countryKey(s string) string {
	var b strings.Builder
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return unicode.IsSpace(r) || r == ',' || r == '-' || r == '_' || r == '/'
	})
	for i, w := range words {
		if i == 0 && w == "the" && len(words) > 1 {
			continue
		}
		for _, r := range w {
			switch {
			case r == '&':
				b.WriteString("and")
			case r < 0x80:
				if unicode.IsLetter(r) || unicode.IsDigit(r) {
					b.WriteRune(r)
				}
			default:
				if f := foldLatin(r); f != 0 {
					b.WriteRune(f)
				}
			}
		}
	}
	return b.String()
}

// foldLatin maps the accented Latin letters found in country names to their
// base letter, and anything else outside ASCII to 0 (dropped).
func foldLatin(r rune) rune {
	const from, to = "àáâãäåçèéêëìíîïñòóôõöøùúûüýÿ", "aaaaaaceeeeiiiinoooooouuuuyy"
	for i, f := range []rune(from) {
		if f == r {
			return rune(to[i])
		}
	}
	return 0
}

// countryVariants lists names and abbreviations ISO does not give, as
// {variant, alpha-2}. Keep a variant only when it names one country beyond
// reasonable doubt.
func countryVariants() [][2]string {
	return [][2]string{
		{"UK", "GB"}, {"U.K.", "GB"}, {"Great Britain", "GB"}, {"Britain", "GB"},
		{"England", "GB"}, {"Scotland", "GB"}, {"Wales", "GB"},
		{"Northern Ireland", "GB"},
		{"EIRE", "IE"}, {"Republic of Ireland", "IE"},
		{"USA", "US"}, {"U.S.", "US"}, {"U.S.A.", "US"}, {"United States of America", "US"},
		{"RSA", "ZA"}, {"Republic of South Africa", "ZA"},
		{"Korea", "KR"}, {"Korea, South", "KR"}, {"Republic of Korea", "KR"},
		{"North Korea", "KP"}, {"Korea, North", "KP"}, {"DPRK", "KP"},
		{"UAE", "AE"}, {"U.A.E.", "AE"}, {"Emirates", "AE"},
		{"Holland", "NL"},
		{"Czech Republic", "CZ"},
		{"Russia", "RU"},
		{"Vietnam", "VN"},
		{"Turkey", "TR"}, {"Türkiye", "TR"},
		{"Macedonia", "MK"},
		{"Moldova", "MD"},
		{"Syria", "SY"},
		{"Tanzania", "TZ"},
		{"Venezuela", "VE"},
		{"Ivory Coast", "CI"},
		{"Cape Verde", "CV"},
		{"Swaziland", "SZ"},
		{"Burma", "MM"},
		{"Vatican", "VA"}, {"Vatican City", "VA"},
		{"Macau", "MO"}, {"Macao", "MO"},
		{"Hong Kong SAR", "HK"},
		{"Palestine", "PS"},
		{"Brunei", "BN"},
		{"Bosnia", "BA"},
		{"DR Congo", "CD"}, {"Democratic Republic of Congo", "CD"}, {"Congo-Kinshasa", "CD"},
		{"Congo-Brazzaville", "CG"},
		{"Micronesia", "FM"},
		{"St Kitts and Nevis", "KN"}, {"St Lucia", "LC"},
		{"St Vincent and the Grenadines", "VC"},
		{"East Timor", "TL"},
		{"Kyrgyz Republic", "KG"},
		{"Slovak Republic", "SK"},
		{"Deutschland", "DE"},
	}
}

// places lists names that are no single ISO country but whose region is
// certain, and names meaning "no country" are simply absent.
func places() []place {
	return []place{
		{"Channel Islands", RegionEurope},
		{"European Community", RegionEurope},
		{"European Union", RegionEurope},
		{"EU", RegionEurope},
		{"West Indies", RegionAmericas},
	}
}
