// Package identity resolves records that carry identifiers (CRM ids,
// customer numbers, e-mail addresses, phone numbers, device ids, cookie ids)
// into persons with stable customer ids.
//
// # Model
//
// The input is a list of links, each (record key, identifier kind,
// normalised identifier value). Two records that carry the same identifier
// (same kind and byte-identical value) belong to the same person, and so,
// transitively, do all records reachable through shared identifiers. Values
// are compared exactly as given: normalisation (e-mail lower-cased and
// trimmed, phone in E.164, ...) is the caller's job.
//
// # What never links
//
// Three filters run before any union, in this order:
//
//  1. Blocked values (see [BlockReason] and [Config].Blocked) are dropped.
//     Each distinct blocked (kind, value) gives one [EventBlocked] event
//     carrying the number of links it removed.
//  2. Value cap: an identifier carried by more distinct records than
//     [Config].ValueCap[kind] (a call-centre phone, a shop's shared tablet)
//     links none of them. It gives one [EventRefusedCap] event with reason
//     [ReasonValueCap] and the number of records.
//  3. Person cap, applied during the union pass described below.
//
// Identifiers removed by 1 and 2 are "inactive": they are ignored everywhere
// afterwards, including in the person-cap counts. Every record key that
// appears in the links still gets a customer id, even when none of its
// identifiers is active (it is then a person of its own).
//
// # Union pass and the person cap (deterministic)
//
// A person "holds" the distinct active identifiers found on any of its
// records. [Config].PersonCap[kind] bounds how many distinct identifiers of
// that kind one person may hold. The pass is:
//
//   - Every record starts as its own person.
//   - Active identifiers are processed one at a time in a fixed order: by
//     kind priority (the order of [Kinds]: crm_id, customer_number, email,
//     phone, device, cookie), then by h(value) = (64-bit FNV-1a of the value
//     bytes) >> 3, then by value in byte order. The order of the input links
//     plays no part. (A hash rather than the value itself orders a kind's
//     identifiers because sorting millions of strings costs far more than
//     sorting integers; the order is just as fixed.)
//   - For an identifier whose records already lie in one person nothing
//     happens. Otherwise the persons P1..Pm containing its records are the
//     candidates for one union, which is all-or-nothing: an identifier links
//     all of its records or none of them.
//   - Let U be the union of P1..Pm. The union is refused if, for some capped
//     kind k, U would hold more than PersonCap[k] distinct identifiers of
//     kind k AND more than the largest such count among P1..Pm (so a union
//     is refused only when it adds identifiers beyond the cap; a single
//     record that by itself exceeds a cap is never split and may still absorb
//     records that bring no new identifier of that kind). The counts are
//     exact: they count every active identifier on the records, including
//     identifiers not processed yet and identifiers refused earlier.
//   - A refused identifier gives one [EventRefusedCap] event with reason
//     "person_cap:<kind>", naming the first kind in priority order whose cap
//     would be exceeded, and the number of records carrying the identifier.
//
// Cost: each person keeps an upper bound of its counts (the sum of its
// parts'); only when a union's bound exceeds a cap are the merging persons'
// records scanned for the exact counts, so the scan is rare (its size is
// bounded by the caps when every kind is capped). Union-find uses int32 slices with union by size and
// path halving; the
// resulting sets depend only on the processing order above, so the result
// is the same for any permutation of the input links (and of the previous
// assignment rows).
//
// # Stable customer ids
//
// [Resolve] takes the previous run's assignment (record key -> customer id
// and first-seen date). For every person (component) of this run:
//
//   - Its candidate ids are the previous ids of its records.
//   - Each previous id X is held by exactly one person: the one containing
//     the most records that previously had X; ties go to the person whose
//     smallest record key is smallest.
//   - A person holding ids keeps the oldest one: the one with the earliest
//     first-seen date (the minimum over the previous rows carrying it), ties
//     broken by the smaller id in byte order. Every other id it holds is
//     absorbed and gives an [EventMerge] event (surviving id, absorbed id, and
//     the bridging identifier: the first identifier in processing order whose
//     union put a record that previously had the absorbed id into one person
//     with a record that previously had the surviving id).
//   - A person with candidates but holding none of them (its records were
//     split off a previous person, e.g. after a value became blocked) gets a
//     new id and an [EventSplit] event naming the oldest id it left.
//   - A person without candidates gets a new id: "cus_" followed by the first
//     16 hex digits of SHA-256 of its smallest record key. If that id is
//     already taken (by a previous id or by another new id of this run), the
//     input to SHA-256 becomes key + "\x00" + n for n = 1, 2, ... until free.
//     New persons are visited in a fixed order (by h of their first record
//     key, see Result.Assignments), so even such collisions are
//     reproducible.
//   - First-seen date of a kept id: its previous first-seen date; of a new
//     id: the run date. Dates are UTC calendar days.
//
// Previous rows whose record key is not among this run's links are not
// carried forward (a nightly run sees all history), but their ids are never
// reused for another person.
//
// # Privacy
//
// Events and errors never contain raw identifier values: identifiers appear
// as [HashValue] (hex SHA-256 of the normalised value, as ad platforms
// expect).
package identity

import (
	"time"

	"github.com/segmint/segmint/lib/normalize"
)

// Kind is an identifier kind. The valid kinds are the constants below;
// [Kinds] lists them in processing priority.
type Kind string

// Identifier kinds.
const (
	CRMID          Kind = "crm_id"
	CustomerNumber Kind = "customer_number"
	Email          Kind = "email"
	Phone          Kind = "phone"
	Device         Kind = "device"
	Cookie         Kind = "cookie"
)

// numKinds is the number of identifier kinds.
const numKinds = 6

// Kinds returns every identifier kind in processing priority: crm_id,
// customer_number, email, phone, device, cookie.
func Kinds() []Kind {
	return []Kind{CRMID, CustomerNumber, Email, Phone, Device, Cookie}
}

// kindIndex is the priority position of k in [Kinds], or -1 if k is not a
// valid kind.
func kindIndex(k Kind) int {
	switch k {
	case CRMID:
		return 0
	case CustomerNumber:
		return 1
	case Email:
		return 2
	case Phone:
		return 3
	case Device:
		return 4
	case Cookie:
		return 5
	}
	return -1
}

// Link says that a record carries an identifier.
type Link struct {
	// Record is the record key, e.g. "hubspot/contacts/123" or
	// "retail/customer_number/13085". Must not be empty.
	Record string
	// Kind is the identifier kind; must be one of [Kinds].
	Kind Kind
	// Value is the normalised identifier value, compared byte for byte.
	Value string
}

// Assignment is one row of unified/identity_map: a record and the customer
// it belongs to. It is both the output of [Resolve] and the previous-run
// input.
type Assignment struct {
	// RecordKey is the record key of a [Link].
	RecordKey string `parquet:"record_key"`
	// CustomerID is the person's stable id, e.g. "cus_0123456789abcdef".
	CustomerID string `parquet:"customer_id"`
	// FirstSeen is the UTC calendar day the customer id was first given
	// (the same on every row of a customer).
	FirstSeen time.Time `parquet:"first_seen,date"`
}

// Event types.
const (
	// EventMerge: two previous customers became one person; CustomerID
	// survived, OtherID was absorbed, Kind and ValueHash name the bridging
	// identifier. Reason is "merge".
	EventMerge = "merge"
	// EventSplit: a person's records all had previous ids held by other
	// persons; CustomerID is its new id, OtherID the oldest previous id it
	// left. Reason is "split".
	EventSplit = "split"
	// EventRefusedCap: an identifier linked nothing because of a cap.
	// Reason is [ReasonValueCap] or "person_cap:<kind>".
	EventRefusedCap = "refused_cap"
	// EventBlocked: a blocked value was dropped; Links counts the links it
	// removed and Reason is the rule (see [BlockReason]) or
	// [ReasonConfigured].
	EventBlocked = "blocked"
)

// Event reasons that are not rule names.
const (
	// ReasonMerge is the reason of every [EventMerge] event.
	ReasonMerge = "merge"
	// ReasonSplit is the reason of every [EventSplit] event.
	ReasonSplit = "split"
	// ReasonValueCap: the identifier was carried by more records than
	// [Config].ValueCap allows for its kind.
	ReasonValueCap = "value_cap"
	// ReasonPersonCapPrefix + kind: the union would have made a person hold
	// more identifiers of that kind than [Config].PersonCap allows.
	ReasonPersonCapPrefix = "person_cap:"
	// ReasonConfigured: the value is in [Config].Blocked.
	ReasonConfigured = "configured"
)

// Event is one row of the identity events list: a merge, a split, a refused
// link or a blocked value. Fields that do not apply to a type are zero.
type Event struct {
	// Type is one of EventMerge, EventSplit, EventRefusedCap, EventBlocked.
	Type string `parquet:"type"`
	// CustomerID is the surviving id (merge) or the new id (split).
	CustomerID string `parquet:"customer_id"`
	// OtherID is the absorbed id (merge) or the id left behind (split).
	OtherID string `parquet:"other_id"`
	// Kind is the identifier's kind (merge: the bridging identifier).
	Kind Kind `parquet:"kind"`
	// ValueHash is [HashValue] of the identifier; never the raw value.
	ValueHash string `parquet:"value_hash"`
	// Records is the number of distinct records carrying the identifier
	// (refused_cap only).
	Records int64 `parquet:"records"`
	// Links is the number of links removed (blocked only).
	Links int64 `parquet:"links"`
	// Reason explains the event; see the Reason constants and [BlockReason].
	Reason string `parquet:"reason"`
}

// Stats summarises one [Resolve] run.
type Stats struct {
	// Links is the number of input links.
	Links int
	// Records is the number of distinct record keys in the links (the number
	// of assignments).
	Records int
	// Customers is the number of distinct customer ids assigned.
	Customers int
	// Identifiers is the number of distinct (kind, value) pairs in the links.
	Identifiers int
	// BlockedLinks is the number of links removed by blocked values.
	BlockedLinks int
	// ValueCapRefused and PersonCapRefused count refused identifiers.
	ValueCapRefused, PersonCapRefused int
	// Merges and Splits count the merge and split events.
	Merges, Splits int
}

// Result is the output of [Resolve].
type Result struct {
	// Assignments has one row per distinct record key of the links, in a
	// fixed order that does not depend on the input order: by h(record key)
	// as defined in the package documentation, then by key. (Not key order:
	// sorting millions of keys would double the run time; sort the rows if
	// you need it.)
	Assignments []Assignment
	// Events are sorted by Type, then CustomerID, OtherID, Kind priority,
	// ValueHash and Reason.
	Events []Event
	// Stats summarises the run.
	Stats Stats
}

// HashValue is how identifiers appear outside raw/: the lower-case hex
// SHA-256 of the normalised value's bytes ([normalize.Hash], the hash
// unified/customers carries too).
func HashValue(value string) string {
	return normalize.Hash(value)
}
