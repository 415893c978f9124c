package customerview

import (
	"time"

	"github.com/segmint/segmint/lib/money"
)

// Customer is one row of unified/customers.
type Customer struct {
	CustomerID     string  `parquet:"customer_id"`
	Source         string  `parquet:"source"`
	CustomerNumber string  `parquet:"customer_number"`
	Country        *string `parquet:"country,optional"`
	// CountryCode is the ISO 3166-1 alpha-2 code of Country and Region its
	// UN M49 region, when the name maps to one (lib/normalize).
	CountryCode *string `parquet:"country_code,optional"`
	Region      *string `parquet:"region,optional"`
	OrdersCount int64   `parquet:"orders_count"`
	// ReturnOrders counts distinct cancellation invoices.
	ReturnOrders int64       `parquet:"return_orders"`
	GrossRevenue money.Cents `parquet:"gross_revenue,decimal(2:18)"`
	ReturnsValue money.Cents `parquet:"returns_value,decimal(2:18)"`
	NetRevenue   money.Cents `parquet:"net_revenue,decimal(2:18)"`
	Currency     string      `parquet:"currency"`
	FirstOrderAt *time.Time  `parquet:"first_order_at,timestamp(microsecond),optional"`
	LastOrderAt  *time.Time  `parquet:"last_order_at,timestamp(microsecond),optional"`
	RecencyDays  *int64      `parquet:"recency_days,optional"`
	TenureDays   *int64      `parquet:"tenure_days,optional"`
	// AvgOrderValue is gross_revenue / orders_count, to the cent.
	AvgOrderValue *money.Cents `parquet:"avg_order_value,decimal(2:18),optional"`
	// Orders and gross revenue of the orders placed in the last 30, 90 and
	// 365 days before the end of D (an order's time is its earliest line).
	Orders30d   int64       `parquet:"orders_30d"`
	Orders90d   int64       `parquet:"orders_90d"`
	Orders365d  int64       `parquet:"orders_365d"`
	Revenue30d  money.Cents `parquet:"revenue_30d,decimal(2:18)"`
	Revenue90d  money.Cents `parquet:"revenue_90d,decimal(2:18)"`
	Revenue365d money.Cents `parquet:"revenue_365d,decimal(2:18)"`
	// AvgDaysBetweenOrders is (last - first order) / (orders_count - 1) in
	// days; null below two orders.
	AvgDaysBetweenOrders *float64 `parquet:"avg_days_between_orders,optional"`
	// DistinctProducts counts distinct product ids on non-cancelled lines.
	DistinctProducts int64 `parquet:"distinct_products"`
	// DistinctCategories counts the distinct categories of the products on
	// non-cancelled lines; a line whose product has no catalog entry (or
	// that names no product) is Uncategorised, which counts as one category
	// when such a line is present.
	DistinctCategories int64 `parquet:"distinct_categories"`
	// CategoryRevenueShare maps each of those categories to its share of
	// gross_revenue: the signed sum of its non-cancelled lines' values over
	// the sum of all of them, exact integers divided once. The shares sum
	// to 1 (up to float rounding); a negative line lowers its category's
	// share as it lowers gross revenue. Empty when gross_revenue is not
	// positive.
	CategoryRevenueShare map[string]float64 `parquet:"category_revenue_share"`
	// LifecycleStage is prospect, new, active, dormant or churned (see Lifecycle).
	LifecycleStage string `parquet:"lifecycle_stage"`
	// EmailSHA256 and PhoneSHA256 are the hex SHA-256 of the person's
	// normalised e-mail and E.164 phone (as ad platforms' customer-match
	// uploads expect), when identity resolution found one; never the raw value.
	EmailSHA256 *string `parquet:"email_sha256,optional"`
	PhoneSHA256 *string `parquet:"phone_sha256,optional"`
	// First and last touchpoint's channel and campaign of the person, and
	// the person's touchpoints in the last 30 and 90 days before the end of
	// D, in all and per channel (set by unify from the touchpoints).
	FirstChannel            *string          `parquet:"first_channel,optional"`
	FirstCampaign           *string          `parquet:"first_campaign,optional"`
	LastChannel             *string          `parquet:"last_channel,optional"`
	LastCampaign            *string          `parquet:"last_campaign,optional"`
	Touchpoints30d          int64            `parquet:"touchpoints_30d"`
	Touchpoints90d          int64            `parquet:"touchpoints_90d"`
	Touchpoints30dByChannel map[string]int64 `parquet:"touchpoints_30d_by_channel"`
	Touchpoints90dByChannel map[string]int64 `parquet:"touchpoints_90d_by_channel"`
	// EmailConsent is the person's e-mail marketing consent as of the end
	// of D: granted or denied by the person's latest consent event, unknown
	// without one (set by unify; see jobs/unify/consent.go for the events
	// and the tie rule).
	EmailConsent string `parquet:"email_consent"`
	// ConsentChangedAt and ConsentSource are the time and source of that
	// latest event; OptedOutAt is ConsentChangedAt when it denied consent.
	ConsentChangedAt *time.Time `parquet:"consent_changed_at,timestamp(microsecond),optional"`
	ConsentSource    *string    `parquet:"consent_source,optional"`
	OptedOutAt       *time.Time `parquet:"opted_out_at,timestamp(microsecond),optional"`
	// DeletionRequestedAt is the latest request to erase the person's data
	// (acting on it is a later step: the state is carried, not yet acted on).
	DeletionRequestedAt *time.Time `parquet:"deletion_requested_at,timestamp(microsecond),optional"`
}

// Consent states of Customer.EmailConsent.
const (
	ConsentGranted = "granted"
	ConsentDenied  = "denied"
	ConsentUnknown = "unknown"
)

// Lifecycle holds the day counts of the lifecycle stages:
//
//	prospect  no non-cancelled order yet
//	new       first order less than NewDays days before the end of D
//	active    last order at most ActiveDays days before
//	dormant   last order ActiveDays+1 to DormantDays days before
//	churned   last order more than DormantDays days before
//
// Days are whole days (floor), as recency_days and tenure_days.
type Lifecycle struct {
	NewDays, ActiveDays, DormantDays int64
}

// Lifecycle stages of Customer.LifecycleStage (see Lifecycle).
const (
	StageProspect = "prospect"
	StageNew      = "new"
	StageActive   = "active"
	StageDormant  = "dormant"
	StageChurned  = "churned"
)

// DefaultLifecycle is 30, 90 and 180 days.
func DefaultLifecycle() Lifecycle { return Lifecycle{NewDays: 30, ActiveDays: 90, DormantDays: 180} }

// Stage names the lifecycle stage of a customer.
func (lc Lifecycle) Stage(c Customer) string {
	switch {
	case c.OrdersCount == 0 || c.RecencyDays == nil:
		return StageProspect
	case *c.TenureDays < lc.NewDays:
		return StageNew
	case *c.RecencyDays <= lc.ActiveDays:
		return StageActive
	case *c.RecencyDays <= lc.DormantDays:
		return StageDormant
	default:
		return StageChurned
	}
}

// BuildCustomers computes one row per (source, customer number) from lines,
// as of end (the exclusive end of the run date), with the default
// lifecycle. Rows are sorted by customer id.
func BuildCustomers(lines []Line, end time.Time) []Customer {
	return BuildCustomersWith(lines, end, DefaultLifecycle())
}

// BuildCustomersWith is BuildCustomers with lifecycle thresholds.
// (Lines.Customers does the same on the compact form.)
func BuildCustomersWith(lines []Line, end time.Time, lc Lifecycle) []Customer {
	return LinesOf(lines).Customers(end, lc)
}

// wholeDays is the floor of d in days.
func wholeDays(d time.Duration) int64 {
	days := int64(d / (24 * time.Hour))
	if d < 0 && d%(24*time.Hour) != 0 {
		days--
	}
	return days
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
