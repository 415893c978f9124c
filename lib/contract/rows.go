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
	// SelectionWindowTo is the last day of the data the classifier's
	// selection model learnt from (features before D+1-2H and labels up to
	// D-H), HoldoutFrom the first day of the holdout it was measured on
	// (D+1-H); the model that scores was then refitted on data up to
	// WindowTo (= D). Train and holdout rows are the selection's.
	SelectionWindowTo string `parquet:"selection_window_to,optional"`
	HoldoutFrom       string `parquet:"holdout_from,optional"`
	// Drift is the population stability index of the refitted model's
	// score and of its five most important numeric features, from its
	// training snapshot to tonight's customers ("score 0.041, recency_days
	// 0.120, ..."); Drifted is true when one is above 0.25.
	Drift   string `parquet:"drift,optional"`
	Drifted bool   `parquet:"drifted"`
	// Importance is the model's global feature importance: its five most
	// important features with their shares ("recency_days 41%, ...": gbdt
	// by total split gain, logreg by absolute standardised coefficient).
	Importance string `parquet:"importance,optional"`
	// Fairness is a classifier's figures per country group of its
	// selection holdout (rows, observed positive rate, mean calibrated
	// probability, ROC AUC) and the largest gaps between groups; Unfair
	// is true when two groups' AUCs differ by more than 0.10 or a group's
	// mean probability is off its rate by more than 0.10. Null with fewer
	// than two groups of 50 customers and 10 of each label.
	Fairness string `parquet:"fairness,optional"`
	Unfair   bool   `parquet:"unfair"`
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
	// The classifiers' calibrated probabilities (config models.classifiers;
	// null without a champion or for a customer outside the model's
	// eligibility), each with its percentile among the customers scored
	// (the share scored lower, ties counted half: 0.8 is the top 20%), the
	// champion's version and, for a gradient-boosted champion, the three
	// features that moved the customer's score most, as text
	// ("recency_days=12 (+0.412); ...", contributions to the log-odds, or
	// to the revenue for predicted_revenue_90d; every contribution is in
	// scores/reasons).
	ChurnProbability90d           *float64 `parquet:"churn_probability_90d,optional"`
	ChurnProbability90dPct        *float64 `parquet:"churn_probability_90d_pct,optional"`
	ChurnProbability90dVersion    *string  `parquet:"churn_probability_90d_version,optional"`
	ChurnProbability90dReasons    *string  `parquet:"churn_probability_90d_reasons,optional"`
	PurchaseProbability7d         *float64 `parquet:"purchase_probability_7d,optional"`
	PurchaseProbability7dPct      *float64 `parquet:"purchase_probability_7d_pct,optional"`
	PurchaseProbability7dVersion  *string  `parquet:"purchase_probability_7d_version,optional"`
	PurchaseProbability7dReasons  *string  `parquet:"purchase_probability_7d_reasons,optional"`
	PurchaseProbability30d        *float64 `parquet:"purchase_probability_30d,optional"`
	PurchaseProbability30dPct     *float64 `parquet:"purchase_probability_30d_pct,optional"`
	PurchaseProbability30dVersion *string  `parquet:"purchase_probability_30d_version,optional"`
	PurchaseProbability30dReasons *string  `parquet:"purchase_probability_30d_reasons,optional"`
	PurchaseProbability90d        *float64 `parquet:"purchase_probability_90d,optional"`
	PurchaseProbability90dPct     *float64 `parquet:"purchase_probability_90d_pct,optional"`
	PurchaseProbability90dVersion *string  `parquet:"purchase_probability_90d_version,optional"`
	PurchaseProbability90dReasons *string  `parquet:"purchase_probability_90d_reasons,optional"`
	// PredictedRevenue90d is the value model's predicted revenue of the
	// customer's non-cancelled orders over the next 90 days, in the
	// reporting currency (config models.value), with its percentile and
	// version; null without a champion.
	PredictedRevenue90d        *float64 `parquet:"predicted_revenue_90d,optional"`
	PredictedRevenue90dPct     *float64 `parquet:"predicted_revenue_90d_pct,optional"`
	PredictedRevenue90dVersion *string  `parquet:"predicted_revenue_90d_version,optional"`
	PredictedRevenue90dReasons *string  `parquet:"predicted_revenue_90d_reasons,optional"`
	// PAlive, ExpectedPurchases90d, ExpectedOrderValue and CLV365d come
	// from the lifetime-value champion (config models.clv): the probability
	// the customer is still a customer (null when the model's dropout is not
	// identified), the purchases (distinct days) expected over the next 90
	// days, the expected value of one purchase, and the discounted expected
	// value over the next 365 days (12 months), in the reporting currency.
	PAlive               *float64 `parquet:"p_alive,optional"`
	ExpectedPurchases90d *float64 `parquet:"expected_purchases_90d,optional"`
	ExpectedOrderValue   *float64 `parquet:"expected_order_value,optional"`
	CLV365d              *float64 `parquet:"clv_365d,optional"`
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

// AudienceMember is one row of a rule segment's snapshot,
// segments/<segment>/dt=D: every member after suppression, control members
// included and flagged. Only the treated members (Control false) are in the
// segment's export files.
type AudienceMember struct {
	CustomerID string `parquet:"customer_id"`
	Segment    string `parquet:"segment"`
	Purpose    string `parquet:"purpose"`
	// Control is true for a member of the segment's control group or of
	// the global control group (ControlGroup says which).
	Control      bool    `parquet:"control"`
	ControlGroup *string `parquet:"control_group,optional"`
	// EmailSHA256 and PhoneSHA256 are unified/customers' hashes.
	EmailSHA256 *string `parquet:"email_sha256,optional"`
	PhoneSHA256 *string `parquet:"phone_sha256,optional"`
	// MergedFrom are the ids of the previous snapshot's members that
	// identity resolution merged into this person since.
	MergedFrom []string `parquet:"merged_from,list"`
}

// TriggerMember is one row of triggers/<trigger>/dt=D: a customer who
// did tonight what the trigger watches for, and what that was.
type TriggerMember struct {
	CustomerID  string  `parquet:"customer_id"`
	Trigger     string  `parquet:"trigger"`
	Purpose     string  `parquet:"purpose"`
	Reason      string  `parquet:"reason"`
	EmailSHA256 *string `parquet:"email_sha256,optional"`
	PhoneSHA256 *string `parquet:"phone_sha256,optional"`
}

// Measurement is one row of measurements/<segment>/dt=D: one outcome of
// a segment's treated members against its control group over a window
// (segmint measure). Diff is treated - control with its 95% interval;
// Relative is Diff over the control value, null where that does not exist.
type Measurement struct {
	Segment    string   `parquet:"segment"`
	From       string   `parquet:"from"`
	To         string   `parquet:"to"`
	Metric     string   `parquet:"metric"`
	TreatedN   int64    `parquet:"treated_n"`
	ControlN   int64    `parquet:"control_n"`
	Treated    float64  `parquet:"treated"`
	Control    float64  `parquet:"control"`
	Diff       float64  `parquet:"diff"`
	DiffLo     float64  `parquet:"diff_lo"`
	DiffHi     float64  `parquet:"diff_hi"`
	Relative   *float64 `parquet:"relative,optional"`
	RelativeLo *float64 `parquet:"relative_lo,optional"`
	RelativeHi *float64 `parquet:"relative_hi,optional"`
	PValue     float64  `parquet:"p_value"`
	// SRMPValue and SRMFlag are the sample-ratio mismatch test of the
	// groups' sizes against the configured control share: a flagged
	// measurement should not be trusted.
	SRMPValue float64 `parquet:"srm_p_value"`
	SRMFlag   bool    `parquet:"srm_flag"`
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

// ClassifierScore points at the value, percentile and version columns of
// a model's score column (config.Catalogue's Column, or
// predicted_revenue_90d); all nil for an unknown column.
func (s *Score) ClassifierScore(column string) (p, pct **float64, version **string) {
	switch column {
	case "churn_probability_90d":
		return &s.ChurnProbability90d, &s.ChurnProbability90dPct, &s.ChurnProbability90dVersion
	case "purchase_probability_7d":
		return &s.PurchaseProbability7d, &s.PurchaseProbability7dPct, &s.PurchaseProbability7dVersion
	case "purchase_probability_30d":
		return &s.PurchaseProbability30d, &s.PurchaseProbability30dPct, &s.PurchaseProbability30dVersion
	case "purchase_probability_90d":
		return &s.PurchaseProbability90d, &s.PurchaseProbability90dPct, &s.PurchaseProbability90dVersion
	case "predicted_revenue_90d":
		return &s.PredictedRevenue90d, &s.PredictedRevenue90dPct, &s.PredictedRevenue90dVersion
	}
	return nil, nil, nil
}

// ScoreReasons is the field of a score column's reasons text, nil for a
// column without one.
func (s *Score) ScoreReasons(column string) **string {
	switch column {
	case "churn_probability_90d":
		return &s.ChurnProbability90dReasons
	case "purchase_probability_7d":
		return &s.PurchaseProbability7dReasons
	case "purchase_probability_30d":
		return &s.PurchaseProbability30dReasons
	case "purchase_probability_90d":
		return &s.PurchaseProbability90dReasons
	case "predicted_revenue_90d":
		return &s.PredictedRevenue90dReasons
	}
	return nil
}

// Reason is one feature's contribution to one customer's score of a
// gradient-boosted champion (scores/reasons/dt=D), by the path method
// (models/gbdt Contributions): Base plus the contributions of every
// feature of the customer and score is RawScore, the model's score before
// its link and calibration (log-odds for a classifier; for a value model
// with an offset, the offset feature's value is its contribution, and the
// prediction is RawScore floored at 0). Rank 1 is the largest absolute
// contribution; the scores' <column>_reasons text names ranks 1-3.
type Reason struct {
	CustomerID   string  `parquet:"customer_id"`
	Score        string  `parquet:"score"`
	Version      string  `parquet:"version"`
	Rank         int32   `parquet:"rank"`
	Feature      string  `parquet:"feature"`
	FeatureValue string  `parquet:"feature_value"`
	Contribution float64 `parquet:"contribution"`
	Base         float64 `parquet:"base"`
	RawScore     float64 `parquet:"raw_score"`
}

// BackfillRow is one row of runs/backfill: how one step of one date of a
// backfill ended. A date skipped or not run as a whole has one row with
// Step "-".
type BackfillRow struct {
	Date string `parquet:"date"`
	Step string `parquet:"step"`
	// Outcome is done, skipped or failed for a step; skipped (its outputs
	// committed) or not_run (the backfill stopped first) for a whole date.
	Outcome   string `parquet:"outcome"`
	ElapsedMS int64  `parquet:"elapsed_ms"`
	// RunID is the date's run record (runs/<run-id>.json); empty when the
	// date did not run.
	RunID string `parquet:"run_id,optional"`
	Error string `parquet:"error,optional"`
}
