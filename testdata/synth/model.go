// Package synth generates SYNTHETIC CRM contacts, web and app touchpoints
// and ad clicks for the REAL customers of an Online Retail II order sample,
// with the mess real data has and with its ground truth, so that identity
// resolution can be measured by the precision and recall of its links.
//
// What is real: the customer numbers, each customer's country, and the
// times and numbers of the customer's invoices (purchase events happen at
// the real invoice times and carry the real invoice numbers). Everything
// else (names, e-mails, phones, devices, cookies, sessions, campaigns,
// clicks, prospects) is invented from one seed with math/rand/v2's PCG, so
// the same customers and seed give byte-identical files.
//
// Every generated record carries the id of the person it belongs to
// (PersonID); the data files leave it out and truth.csv keeps it.
// The mess injected and its rates are the exported constants below and
// the section "testdata/synthetic" of testdata/README.md.
package synth

import "time"

// DefaultSeed is the seed of the committed files in testdata/synthetic.
const DefaultSeed uint64 = 20101209

// Rates the generator draws with. Each is a probability per the unit named.
const (
	// ProspectShare is how many prospects (persons without orders) are made
	// per real customer, rounded to the nearest whole person.
	ProspectShare = 0.30
	// DuplicateContactRate is the share of persons with a second CRM contact.
	DuplicateContactRate = 0.20
	// CRMNumberRate is the share of customers (with at least one order)
	// whose first CRM contact carries the customer number; the others are
	// found only through an e-mail that a logged-in purchase event repeats
	// together with the customer number. Customers with cancellations only
	// always carry it.
	CRMNumberRate = 0.65
	// FloatNumberRate is the share of CRM customer numbers written as a
	// spreadsheet float ("15413.0").
	FloatNumberRate = 0.05
	// TestAddressRate is the share of CRM contacts whose e-mail is one of
	// TestAddresses (in any case).
	TestAddressRate = 0.03
	// BlockedEmailRate is the share of CRM contacts whose e-mail is a
	// blocked value ("", null, NULL, 0, unknown, Unknown).
	BlockedEmailRate = 0.04
	// EmailCaseRate is the share of real CRM e-mails written with other
	// letter case; a duplicate contact that repeats the first contact's
	// e-mail always changes its case.
	EmailCaseRate = 0.25
	// EmailSpaceRate is the share of real CRM e-mails with surrounding spaces.
	EmailSpaceRate = 0.10
	// PhoneRate is the share of persons with a phone; contacts of the
	// others carry a blocked value (or the call-centre number).
	PhoneRate = 0.85
	// StaleLifecycleRate is the share of customers' CRM contacts whose
	// lifecycle stage was never moved to "customer".
	StaleLifecycleRate = 0.10
	// AppSessionRate is the share of sessions of a person with devices that
	// happen in the app (device id) rather than on the web (cookie id).
	AppSessionRate = 0.35
	// LoggedInPurchaseRate and LoggedInBrowseRate are the shares of purchase
	// and other sessions in which the person is logged in: every event then
	// carries an e-mail, and a purchase event the customer number.
	LoggedInPurchaseRate = 0.85
	LoggedInBrowseRate   = 0.15
	// TouchNullEmailRate is the share of logged-in sessions that write the
	// e-mail as "null".
	TouchNullEmailRate = 0.02
	// TouchEmailCaseRate and TouchEmailSpaceRate are the shares of the other
	// logged-in sessions that write the e-mail with other case or spaces.
	TouchEmailCaseRate  = 0.15
	TouchEmailSpaceRate = 0.05
	// BlockedDeviceRate is the share of app sessions whose events carry a
	// blocked device id (ZeroAdvertisingID, "unknown" or "0").
	BlockedDeviceRate = 0.03
	// BlockedCookieRate is the share of ad clicks with a blocked cookie id.
	BlockedCookieRate = 0.05
	// BounceClickRate is the share of persons with 1-2 extra ad clicks that
	// open no tracked session.
	BounceClickRate = 0.25
	// FamilyTablets is how many tablets are shared by 2-3 persons each
	// (when there are enough persons).
	FamilyTablets = 4
)

// Person is one invented person: a real customer or a prospect.
type Person struct {
	// ID is "P" and five digits: customers by customer number first, then
	// prospects.
	ID string
	// CustomerNumber is the real customer number; "" for a prospect.
	CustomerNumber string
	// Country is the real customer's country; a prospect's is drawn from
	// the customers' countries.
	Country string
	// FirstName and LastName are the person's clean names.
	FirstName, LastName string
	// Emails are the person's own e-mail addresses, normalised (lower-case,
	// no spaces), primary first; no other person has them.
	Emails []string
	// Phone is the person's own phone in E.164, "" for none.
	Phone string
	// Devices are the advertising ids of the person's devices (0-3),
	// including a shared family tablet.
	Devices []string
	// Cookies are the person's web cookie ids (1-5), not shared.
	Cookies []string
	// SharedDevice is the family tablet the person uses, "" for none.
	SharedDevice string
}

// Contact is one HubSpot-like CRM contact, as written (mess included).
type Contact struct {
	// ContactID is HubSpot-like: numbers from 1001 growing by 1-40 in
	// CreatedAt order.
	ContactID string
	// Email is the person's e-mail (with case and space mess), a test
	// address or a blocked value.
	Email string
	// Phone is the person's phone in one of PhoneFormats, the call-centre
	// number, or a blocked value.
	Phone string
	// FirstName and LastName are the person's names, sometimes re-cased,
	// with a trailing space, or empty.
	FirstName string
	LastName  string
	// Country is the person's country, spelt as in the order sample.
	Country string
	// CustomerNumber is the real customer number ("15413" or "15413.0"),
	// or "" when the record does not carry it.
	CustomerNumber string
	// LifecycleStage is a HubSpot lifecyclestage value.
	LifecycleStage string
	// CreatedAt and UpdatedAt are UTC with millisecond precision;
	// CreatedAt <= UpdatedAt < Dataset.End.
	CreatedAt time.Time
	UpdatedAt time.Time
	// PersonID is the ground truth; not written in crm_contacts.csv.
	PersonID string
}

// Touchpoint is one web or app event of a session, as written.
type Touchpoint struct {
	// EventID is "ev" and seven digits, in time order.
	EventID   string `json:"event_id"`
	SessionID string `json:"session_id"`
	// Time is UTC, whole seconds.
	Time time.Time `json:"timestamp"`
	// Source is web (CookieID set) or app (DeviceID set).
	Source string `json:"source"`
	// EventType is page_view, add_to_cart, checkout or purchase.
	EventType string `json:"event_type"`
	// Channel is organic, paid_search, paid_social, email, direct or
	// referral; the same for all events of a session.
	Channel string `json:"channel"`
	// CampaignID is set for paid_search, paid_social and email sessions.
	CampaignID string `json:"campaign_id,omitempty"`
	// ClickID is set on the first event of a web session opened by an ad
	// click (the click's ClickID).
	ClickID string `json:"click_id,omitempty"`
	// CookieID is the web cookie ("GA1.2.<random>.<unix time>") of a web
	// event; DeviceID the advertising id (or a blocked value) of an app event.
	CookieID string `json:"cookie_id,omitempty"`
	DeviceID string `json:"device_id,omitempty"`
	// Email is set on every event of a logged-in session.
	Email string `json:"email,omitempty"`
	// CustomerNumber is set on a logged-in purchase event of a customer.
	CustomerNumber string `json:"customer_number,omitempty"`
	// OrderID is the real invoice number on a purchase event.
	OrderID string `json:"order_id,omitempty"`
	// PersonID is the ground truth; not written in touchpoints.jsonl.gz.
	PersonID string `json:"-"`
}

// AdClick is one ad click as an ad platform reports it, as written.
type AdClick struct {
	// ClickID is a gclid-like ("Cj0KCQ...") or fbclid-like ("IwAR...") id.
	ClickID string
	// Platform is google_ads or meta.
	Platform string
	// CampaignID is the Campaign.ID of the platform's campaign.
	CampaignID string
	// CookieID is the clicking browser's cookie, or a blocked value.
	CookieID string
	// Time is UTC, whole seconds.
	Time time.Time
	// PersonID is the ground truth; not written in ad_clicks.csv.
	PersonID string
}

// Dataset is one generated dataset.
type Dataset struct {
	// Seed and Source are the Options they were generated with.
	Seed   uint64
	Source string
	// Start and End bound every generated time: [Start, End).
	Start, End  time.Time
	Persons     []Person
	Contacts    []Contact    // by CreatedAt (ContactID ascending)
	Touchpoints []Touchpoint // by Time (EventID ascending)
	AdClicks    []AdClick    // by Time, then ClickID
	Campaigns   []Campaign
	// AdMetrics are by Day, then CampaignID; ConsentEvents and
	// DeletionRequests by Time (their ids ascending).
	AdMetrics        []AdMetric
	ConsentEvents    []ConsentEvent
	DeletionRequests []DeletionRequest
}

// TruthRow says which person one record belongs to.
type TruthRow struct {
	// Kind is customer, crm_contact, touchpoint or ad_click.
	Kind string
	// ID is the customer number, contact id, event id or click id.
	ID string
	// PersonID is the Person.ID.
	PersonID string
}

// Truth returns the ground truth: every real customer number, then every
// contact, touchpoint and ad click, in the order of the Dataset's slices.
func (d *Dataset) Truth() []TruthRow {
	out := make([]TruthRow, 0, len(d.Persons)+len(d.Contacts)+len(d.Touchpoints)+len(d.AdClicks))
	for _, p := range d.Persons {
		if p.CustomerNumber != "" {
			out = append(out, TruthRow{"customer", p.CustomerNumber, p.ID})
		}
	}
	for _, c := range d.Contacts {
		out = append(out, TruthRow{"crm_contact", c.ContactID, c.PersonID})
	}
	for _, t := range d.Touchpoints {
		out = append(out, TruthRow{"touchpoint", t.EventID, t.PersonID})
	}
	for _, a := range d.AdClicks {
		out = append(out, TruthRow{"ad_click", a.ClickID, a.PersonID})
	}
	return out
}
