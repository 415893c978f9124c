package synth

import (
	"strings"
	"time"
)

// phonePlan describes invented mobile numbers of one country, in ranges
// that libphonenumber (github.com/nyaruka/phonenumbers, which
// lib/normalize uses) accepts as valid for every suffix: the calling code, the national trunk prefix ("" where the country has none), the first
// digits of the national significant number, how many random digits follow,
// and how the national significant number is grouped when written with
// spaces.
type phonePlan struct {
	cc     string
	trunk  string
	prefix string
	rest   int
	groups []int
	lang   string // name table
}

// planFor returns the phone plan and name table of a country as spelt in
// Online Retail II; countries not listed use the United Kingdom's.
func planFor(country string) phonePlan {
	switch country {
	case "Channel Islands":
		return phonePlan{"44", "0", "7797", 6, []int{4, 6}, "en"}
	case "EIRE", "Ireland":
		return phonePlan{"353", "0", "87", 7, []int{2, 3, 4}, "en"}
	case "USA":
		return phonePlan{"1", "", "201555", 4, []int{3, 3, 4}, "en"}
	case "Australia":
		return phonePlan{"61", "0", "412", 6, []int{3, 3, 3}, "en"}
	case "Germany", "Austria", "Switzerland":
		if country == "Austria" {
			return phonePlan{"43", "0", "664", 7, []int{3, 7}, "de"}
		}
		if country == "Switzerland" {
			return phonePlan{"41", "0", "79", 7, []int{2, 3, 2, 2}, "de"}
		}
		return phonePlan{"49", "0", "151", 8, []int{3, 8}, "de"}
	case "France":
		return phonePlan{"33", "0", "61", 7, []int{1, 2, 2, 2, 2}, "fr"}
	case "Belgium":
		return phonePlan{"32", "0", "470", 6, []int{3, 2, 2, 2}, "fr"}
	case "Spain":
		return phonePlan{"34", "", "6", 8, []int{3, 3, 3}, "es"}
	case "Portugal":
		return phonePlan{"351", "", "91", 7, []int{3, 3, 3}, "es"}
	case "Italy":
		return phonePlan{"39", "", "34", 8, []int{3, 7}, "it"}
	case "Netherlands":
		return phonePlan{"31", "0", "61", 7, []int{1, 8}, "nl"}
	case "Norway":
		return phonePlan{"47", "", "41", 6, []int{3, 2, 3}, "no"}
	case "Sweden":
		return phonePlan{"46", "0", "70", 7, []int{2, 3, 2, 2}, "no"}
	case "Denmark":
		return phonePlan{"45", "", "204", 5, []int{2, 2, 2, 2}, "no"}
	case "Finland":
		return phonePlan{"358", "0", "40", 7, []int{2, 3, 4}, "no"}
	case "Israel":
		return phonePlan{"972", "0", "544", 6, []int{2, 3, 4}, "he"}
	case "Japan":
		return phonePlan{"81", "0", "908", 7, []int{2, 4, 4}, "ja"}
	case "Bahrain", "United Arab Emirates", "Saudi Arabia":
		return phonePlan{"973", "", "36", 6, []int{4, 4}, "ar"}
	}
	return phonePlan{"44", "0", "7400", 6, []int{4, 6}, "en"}
}

// Call-centre number: a United Kingdom number from Ofcom's range for drama
// (020 7946 0xxx), entered by agents on contacts that gave no phone.
const (
	// CallCentrePhone is the E.164 form of the call-centre number that the
	// generator puts on at least CallCentreContacts CRM contacts of distinct
	// persons (in varied formats).
	CallCentrePhone = "+442079460958"
	// CallCentreContacts is how many contacts carry CallCentrePhone when the
	// dataset has at least that many persons (otherwise one per person).
	CallCentreContacts = 24
	callCentreNSN      = "2079460958"
)

func callCentrePlan() phonePlan { return phonePlan{"44", "0", "", 0, []int{2, 4, 4}, "en"} }

// Blocked values: what the generator writes where a source system had no
// real identifier. Identity resolution must never link on them.
const (
	// ZeroAdvertisingID is the advertising id iOS reports when tracking is
	// not allowed.
	ZeroAdvertisingID = "00000000-0000-0000-0000-000000000000"
)

// BlockedValues returns the placeholder values the generator writes in
// identifier fields (e-mail, phone, device id, cookie id, customer number)
// instead of a real value: "", "null", "NULL", "0", "unknown", "Unknown"
// and ZeroAdvertisingID.
func BlockedValues() []string {
	return []string{"", "null", "NULL", "0", "unknown", "Unknown", ZeroAdvertisingID}
}

// TestAddresses returns the test and no-reply e-mail addresses the generator
// writes on some CRM contacts, lower-case; the written value may differ in
// case and surrounding spaces.
func TestAddresses() []string {
	return []string{"test@example.com", "noreply@example.com", "no-reply@shop.example", "test@test.com"}
}

func firstNames(lang string) []string {
	switch lang {
	case "de":
		return []string{"Jürgen", "Anna", "Lukas", "Sabine", "Matthias", "Katrin", "Stefan", "Julia", "Thomas", "Petra", "Felix", "Monika"}
	case "fr":
		return []string{"François", "Camille", "Julien", "Céline", "Nicolas", "Sophie", "Antoine", "Hélène", "Pierre", "Claire", "Luc", "Élodie"}
	case "es":
		return []string{"José", "María", "Javier", "Lucía", "Carlos", "Ana", "João", "Inês", "Miguel", "Carmen", "Pedro", "Sofía"}
	case "it":
		return []string{"Giuseppe", "Giulia", "Marco", "Francesca", "Luca", "Chiara", "Alessandro", "Elena"}
	case "nl":
		return []string{"Jan", "Sanne", "Pieter", "Femke", "Daan", "Lotte", "Bram", "Anouk"}
	case "no":
		return []string{"Lars", "Ingrid", "Søren", "Astrid", "Erik", "Sigrid", "Magnus", "Freja", "Bjørn", "Karin"}
	case "he":
		return []string{"Yossi", "Noa", "Avi", "Tamar", "Eitan", "Yael"}
	case "ja":
		return []string{"Hiroshi", "Yuki", "Kenji", "Aiko", "Takashi", "Naoko"}
	case "ar":
		return []string{"Ahmed", "Fatima", "Ali", "Mariam", "Hassan", "Noora"}
	}
	return []string{"James", "Sarah", "David", "Emma", "Michael", "Claire", "Paul", "Rachel", "Mark", "Helen",
		"Andrew", "Louise", "Richard", "Joanne", "Peter", "Karen", "Simon", "Nicola", "Gareth", "Siobhan",
		"Robert", "Lucy", "Ian", "Fiona"}
}

func lastNames(lang string) []string {
	switch lang {
	case "de":
		return []string{"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann", "Schäfer", "Koch", "Groß"}
	case "fr":
		return []string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit", "Durand", "Leroy", "Moreau", "Lefèvre", "Girard", "Peeters"}
	case "es":
		return []string{"García", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Silva", "Santos", "Ferreira", "Gómez", "Costa", "Rodríguez"}
	case "it":
		return []string{"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci"}
	case "nl":
		return []string{"de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer"}
	case "no":
		return []string{"Hansen", "Johansen", "Olsen", "Larsen", "Andersson", "Nilsson", "Jørgensen", "Pedersen", "Berg", "Lindqvist"}
	case "he":
		return []string{"Cohen", "Levi", "Mizrahi", "Peretz", "Biton", "Friedman"}
	case "ja":
		return []string{"Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito"}
	case "ar":
		return []string{"Al-Khalifa", "Hassan", "Al-Sayed", "Rahman", "Al-Mahmood", "Yusuf"}
	}
	return []string{"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
		"Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke",
		"O'Brien", "Hughes", "Edwards", "Patel", "Khan", "Lewis", "Murphy", "Harris"}
}

// freeMailDomains are invented mail providers under the reserved .example
// top-level domain (RFC 2606), so no generated address can be real.
func freeMailDomains() []string {
	return []string{"mail.example", "post.example", "inbox.example", "webmail.example", "netpost.example", "homemail.example"}
}

// workDomains are invented shop domains for work addresses.
func workDomains() []string {
	return []string{"harbourgifts.example", "brightcrafts.example", "oakhome.example", "kitchenco.example",
		"partyworld.example", "giftbox.example", "cornershop.example", "vintage-finds.example"}
}

// asciiFold spells a name for an e-mail local part: accents removed,
// German and Nordic letters transliterated, lower case, letters only.
func asciiFold(s string) string {
	r := strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss", "ø", "o", "å", "a", "æ", "ae",
		"é", "e", "è", "e", "ê", "e", "ë", "e", "à", "a", "á", "a", "ã", "a", "í", "i", "ó", "o", "ú", "u",
		"ç", "c", "ñ", "n", "Ä", "ae", "Ö", "oe", "Ü", "ue", "É", "e", "Ø", "o")
	s = r.Replace(strings.ToLower(s))
	var b strings.Builder
	for _, c := range s {
		if c >= 'a' && c <= 'z' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// Campaign is one invented marketing campaign that touchpoints and ad
// clicks refer to.
type Campaign struct {
	// ID is the platform's campaign id (numeric for google_ads and meta,
	// "nl-YYYY-MM" for the monthly e-mail newsletter).
	ID string
	// Platform is google_ads, meta or email.
	Platform string
	// Channel is the touchpoint channel the campaign drives: paid_search,
	// paid_social or email.
	Channel string
	// Name is a human name.
	Name string
	// Start and End bound when the campaign runs: [Start, End).
	Start, End time.Time
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// campaigns returns the campaigns running in [start, end): fixed paid
// campaigns plus one newsletter per calendar month.
func campaigns(start, end time.Time) []Campaign {
	always0, always1 := day(2000, 1, 1), day(2100, 1, 1)
	out := []Campaign{
		{"1731002001", "google_ads", "paid_search", "Brand - UK", always0, always1},
		{"1731002002", "google_ads", "paid_search", "Generic - Gifts", always0, always1},
		{"1731002003", "google_ads", "paid_search", "Shopping - All products", always0, always1},
		{"1731002004", "google_ads", "paid_search", "Christmas 2010", day(2010, 10, 15), day(2010, 12, 25)},
		{"23845010000010", "meta", "paid_social", "Prospecting - Lookalike", always0, always1},
		{"23845010000011", "meta", "paid_social", "Retargeting - Cart", always0, always1},
		{"23845010000012", "meta", "paid_social", "Christmas 2009", day(2009, 10, 15), day(2009, 12, 25)},
		{"23845010000013", "meta", "paid_social", "Spring 2010", day(2010, 3, 1), day(2010, 6, 1)},
	}
	for m := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, time.UTC); m.Before(end); m = m.AddDate(0, 1, 0) {
		out = append(out, Campaign{
			ID: "nl-" + m.Format("2006-01"), Platform: "email", Channel: "email",
			Name: "Newsletter " + m.Format("January 2006"), Start: m, End: m.AddDate(0, 1, 0),
		})
	}
	return out
}
