package logging

// Field names of segmint's log lines, kept as rudder-server's logfield
// package keeps them: every key a log call writes is one of these constants,
// so that a field means one thing under one spelling whichever package logs
// it. The only other keys are values that name data (segment names, quality
// dimensions) and FieldQuarantinedPrefix followed by a rule's name.

// Context: fields a child logger carries, added once where that logger is
// derived (the run, the step, the source, the stream), not on each line.
const (
	// FieldRunID is the run's id (runs/<run-id>.json).
	FieldRunID = "run_id"
	// FieldJob is the step running (ingest, unify, ...), or the command on
	// the lines of the command itself.
	FieldJob = "job"
	// FieldDate is the run date, YYYY-MM-DD.
	FieldDate = "date"
	// FieldSource is the configured source's name.
	FieldSource = "source"
	// FieldStream is the stream of the source.
	FieldStream = "stream"
	// FieldPlatform is the API platform a client or connector talks to.
	FieldPlatform = "platform"
)

// What a line is about.
const (
	FieldDataset = "dataset"
	FieldKey     = "key" // a store key
	FieldStore   = "store"
	FieldModel   = "model"
	FieldVersion = "version" // a model version
	FieldKind    = "kind"    // a model's learner (gbdt, logreg, ...)
)

// Counts and durations shared by several steps.
const (
	FieldRows        = "rows"
	FieldFiles       = "files"
	FieldElapsed     = "elapsed_ms"
	FieldPages       = "pages"
	FieldPage        = "page" // the number of one page
	FieldRecords     = "records"
	FieldRecordsSeen = "records_seen" // records a pull read, before any filter
	FieldRowsWritten = "rows_written"
	FieldTombstones  = "tombstones"
	FieldCustomers   = "customers"
	FieldOrders      = "orders"
	FieldLines       = "lines" // order lines
)

// Ingest: file drops and API pulls.
const (
	FieldRowsRead        = "rows_read"
	FieldRowsQuarantined = "rows_quarantined"
	FieldRowsAfterDate   = "rows_after_date"
	// FieldQuarantinedPrefix precedes a rule's name in the count of the
	// rows that rule quarantined (quarantined_<rule>).
	FieldQuarantinedPrefix = "quarantined_"
	// FieldSince, FieldUpper and FieldCursor are an incremental pull's
	// window and the cursor saved after it; FieldRerun marks the rerun of
	// a saved window.
	FieldSince  = "since"
	FieldUpper  = "upper"
	FieldCursor = "cursor"
	FieldRerun  = "rerun"
	// FieldFrom and FieldTo bound a daily pull's look-back window of
	// FieldLookbackDays days; FieldDays is the span of one request
	// (from..to).
	FieldFrom         = "from"
	FieldTo           = "to"
	FieldLookbackDays = "lookback_days"
	FieldDaysWritten  = "days_written"
	FieldDays         = "days"
	// FieldNewFields are the fields a schema drift added.
	FieldNewFields = "new_fields"
	// FieldInvalidValues counts, by property, the values that did not parse.
	FieldInvalidValues = "invalid_values"
)

// HTTP: the requests and retries of lib/httpclient.
const (
	FieldMethod  = "method"
	FieldURL     = "url" // always redacted
	FieldAttempt = "attempt"
	FieldStatus  = "status"
	// FieldPause is a slow-down for high usage; FieldHint is the wait a
	// retryable response asked for.
	FieldPause = "pause"
	FieldHint  = "hint"
)

// Unify: quality checks, unified tables, identities.
const (
	FieldPassed                = "passed"
	FieldRefusedLines          = "refused_lines"
	FieldDuplicateLinesRemoved = "duplicate_lines_removed"
	FieldLinesWithoutCustomer  = "lines_without_customer"
	FieldCRMRecords            = "crm_records"
	FieldMerges                = "merges"
	FieldBlockedLinks          = "blocked_links"
	FieldValueCapRefused       = "value_cap_refused"
	FieldPersonCapRefused      = "person_cap_refused"
)

// Features and scores.
const (
	FieldCohorts      = "cohorts"
	FieldKPIDailyRows = "kpi_daily_rows"
	FieldScored       = "scored"
	FieldNotScored    = "not_scored"
)

// Models: training and the registry's champion-challenger decisions.
const (
	FieldModels              = "models"
	FieldTrainRows           = "train_rows"
	FieldHoldoutRows         = "holdout_rows"
	FieldHoldoutAUC          = "holdout_auc"
	FieldHoldoutMAEPurchases = "holdout_mae_purchases"
	FieldHoldoutMAE          = "holdout_mae"
	FieldBaselineMAE         = "baseline_mae"
	FieldHoldoutPredicted    = "holdout_predicted"
	FieldHoldoutActual       = "holdout_actual"
	FieldMetric              = "metric"
	FieldChampion            = "champion"
	FieldChampionValue       = "champion_value"
	FieldChallenger          = "challenger"
	FieldChallengerValue     = "challenger_value"
	FieldTolerance           = "tolerance"
	FieldPromote             = "promote"
	FieldReason              = "reason"
)

// Publish.
const (
	FieldMembers = "members"
	// FieldSegment names a published segment ("rfm" for the RFM family).
	FieldSegment = "segment"
	// FieldTreated counts a segment's members outside the control groups.
	FieldTreated = "treated"
	// FieldAdds and FieldRemoves count the changes since the previous
	// committed snapshot.
	FieldAdds    = "adds"
	FieldRemoves = "removes"
	// FieldLatest is the date segments/<name>/latest.json names.
	FieldLatest = "latest"
)

// Runs and backfills.
const (
	// FieldNewestInput is the newest event time the sources hold for a
	// run date ("none" without a row).
	FieldNewestInput = "newest_input"
	// FieldOutcome is how one date of a backfill ended.
	FieldOutcome = "outcome"
	// FieldDone and FieldTotal count the dates of a backfill, FieldETA is
	// the time it expects to take still, FieldSteps names steps.
	FieldDone  = "done"
	FieldTotal = "total"
	FieldETA   = "eta_ms"
	FieldSteps = "steps"
)

// Run lock.
const (
	// FieldHolderRunID, FieldHolderHost and FieldHolderPID name the run
	// that holds (or held) a date's run lock.
	FieldHolderRunID = "holder_run_id"
	FieldHolderHost  = "holder_host"
	FieldHolderPID   = "holder_pid"
	// FieldHeartbeatAge is the age of a lock's last heartbeat.
	FieldHeartbeatAge = "heartbeat_age_ms"
)
