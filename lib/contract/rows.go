package contract

import "time"

// The row types of the datasets the steps write, where no lib package that
// builds them holds them.

// Refused is one row of quarantine/quality/...: a line an error-level row
// rule refused, with the rule and the value.
type Refused struct {
	SourceFile string `parquet:"source_file"`
	Line       int64  `parquet:"line"`
	Rule       string `parquet:"rule"`
	Kind       string `parquet:"kind"`
	Column     string `parquet:"column"`
	Value      string `parquet:"value"`
}

// IdentityRow is one row of unified/identity_map: a record and the person
// it belongs to.
type IdentityRow struct {
	// RecordKey is "<source>/<stream>/<key>" for a CRM contact, touchpoint
	// or ad click, and "<source>/customer_number/<n>" for an order
	// source's customer.
	RecordKey  string `parquet:"record_key"`
	CustomerID string `parquet:"customer_id"`
	// FirstSeen is the day the customer id was first given (days since
	// 1970-01-01, a Parquet DATE).
	FirstSeen int32 `parquet:"first_seen,date"`
}

// Decision is one row of models/_decisions.
type Decision struct {
	Model   string `parquet:"model"`
	Version string `parquet:"version,optional"`
	// Trained is false when the data could not support a model tonight
	// (Reason says why); the champion then stays.
	Trained bool   `parquet:"trained"`
	Metric  string `parquet:"metric,optional"`
	// Value is the challenger's holdout metric, ChampionValue the
	// champion's on the same rows (null without a champion).
	Value         *float64 `parquet:"value,optional"`
	ChampionValue *float64 `parquet:"champion_value,optional"`
	Champion      string   `parquet:"champion,optional"`
	Promoted      bool     `parquet:"promoted"`
	Reason        string   `parquet:"reason"`
	TrainRows     int64    `parquet:"train_rows"`
	HoldoutRows   int64    `parquet:"holdout_rows"`
	WindowFrom    string   `parquet:"window_from,optional"`
	WindowTo      string   `parquet:"window_to,optional"`
}

// Score is one row of scores: one customer with at least one order.
type Score struct {
	CustomerID string `parquet:"customer_id"`
	RScore     int32  `parquet:"r_score"`
	FScore     int32  `parquet:"f_score"`
	MScore     int32  `parquet:"m_score"`
	// RFMCell is the three scores as digits, "545".
	RFMCell    string `parquet:"rfm_cell"`
	RFMSegment string `parquet:"rfm_segment"`
	// PurchaseProbability is the purchase model's probability that the
	// customer orders within its horizon (config models.purchase); null
	// without a champion.
	PurchaseProbability *float64 `parquet:"purchase_probability,optional"`
	// PAlive, ExpectedPurchases, ExpectedOrderValue and CLV come from the
	// lifetime-value champion (config models.clv): the probability the
	// customer is still a customer, the purchases (distinct days) expected
	// over the horizon, the expected value of one purchase, and the
	// discounted expected value over the horizon, in the reporting currency.
	PAlive             *float64 `parquet:"p_alive,optional"`
	ExpectedPurchases  *float64 `parquet:"expected_purchases,optional"`
	ExpectedOrderValue *float64 `parquet:"expected_order_value,optional"`
	CLV                *float64 `parquet:"clv,optional"`
}

// Member is one row of a segment file: a customer and its segment.
type Member struct {
	CustomerID string `parquet:"customer_id"`
	Segment    string `parquet:"segment"`
	RScore     int32  `parquet:"r_score"`
	FScore     int32  `parquet:"f_score"`
	MScore     int32  `parquet:"m_score"`
	RFMCell    string `parquet:"rfm_cell"`
}

// Latest is the content of latest.json.
type Latest struct {
	Dataset   string    `json:"dataset"`
	Date      string    `json:"date"`
	Prefix    string    `json:"prefix"`
	Manifest  string    `json:"manifest"`
	RunID     string    `json:"run_id"`
	Rows      int64     `json:"rows"`
	Files     []string  `json:"files"`
	UpdatedAt time.Time `json:"updated_at"`
}
