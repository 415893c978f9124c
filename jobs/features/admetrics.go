package features

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/kpi"
	"github.com/segmint/segmint/lib/money"
	"github.com/segmint/segmint/lib/normalize"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/lib/store"
)

// adStream is one configured stream of ad platform metrics and how its raw
// columns map onto kpi.AdDay.
type adStream struct {
	source, stream string
	// daily: an API stream with one raw partition per day (all committed
	// days up to D are read); otherwise a file drop's snapshot of D.
	daily bool
	// Raw column names.
	day, campaign, impressions, clicks, reach, spend, currency string
	// channel is the channel of every row (API); a file drop names it per
	// row in channel, or by platform.
	channel         string
	defaultCurrency string // the stream's currency, for rows that name none
}

// platformChannels are the touchpoint channels the ad platforms' clicks
// arrive on.
var platformChannels = map[config.Kind]string{config.GoogleAds: "paid_search", config.Meta: "paid_social"}

// adStreams lists the configured ad metric streams: file drops of entity
// ad_metrics, Google Ads campaign_daily and Meta ad_insights. (Google Ads
// ad_group_daily repeats campaign_daily by ad group and is not read.)
func adStreams(c *config.Config) []adStream {
	var out []adStream
	for _, r := range c.Streams(config.AdMetricsStreams) {
		src, st := r.Source, r.Stream
		a := adStream{source: src.Name, stream: st.Name, defaultCurrency: st.Currency}
		switch src.Kind {
		case config.FileDrop:
			a.day, a.campaign, a.impressions, a.clicks, a.reach, a.spend, a.currency =
				"day", "campaign_id", "impressions", "clicks", "reach", "spend", "currency"
		case config.GoogleAds:
			a.daily, a.channel = true, platformChannels[config.GoogleAds]
			a.day, a.campaign, a.impressions, a.clicks, a.spend, a.currency =
				"_day", "campaign_id", "impressions", "clicks", "cost", "currency"
		case config.Meta:
			a.daily, a.channel = true, platformChannels[config.Meta]
			a.day, a.campaign, a.impressions, a.clicks, a.reach, a.spend, a.currency =
				"_day", "campaign_id", "impressions", "clicks", "reach", "spend", "account_currency"
		}
		out = append(out, a)
	}
	return out
}

// readAds reads every configured ad metric stream up to d, spend converted
// into the reporting currency at the rate of the row's day. A currency
// without a rate fails the step: spend is never left out.
func readAds(ctx context.Context, env step.Env, d rundate.Date, rates *normalize.Rates) ([]kpi.AdDay, []*dataset.Manifest, error) {
	var (
		ads    []kpi.AdDay
		inputs []*dataset.Manifest
	)
	for _, a := range adStreams(env.Config) {
		name := contract.Raw(a.source, a.stream)
		days, err := a.days(ctx, env.Store, d)
		if err != nil {
			return nil, nil, err
		}
		for _, day := range days {
			var m *dataset.Manifest
			ads, m, err = a.read(ctx, env, dataset.Partition{Dataset: name, Date: day}, rates, ads)
			if err != nil {
				return nil, nil, err
			}
			inputs = append(inputs, m)
		}
	}
	return ads, inputs, nil
}

// read appends the ad days of raw partition p of the stream to ads.
func (a adStream) read(ctx context.Context, env step.Env, p dataset.Partition, rates *normalize.Rates, ads []kpi.AdDay) ([]kpi.AdDay, *dataset.Manifest, error) {
	m, err := dataset.EachRows(ctx, env.Store, p, func(s *parquet.Schema, rows []parquet.Row) error {
		r, err := a.reader(s)
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		for _, row := range rows {
			ad, err := r.adDay(row, env.Config.Currency, rates)
			if err != nil {
				return fmt.Errorf("ad metrics %s: %w", p, err)
			}
			ads = append(ads, ad)
		}
		return nil
	})
	if err != nil {
		if a.daily {
			return nil, nil, err
		}
		return nil, nil, step.MissingInput(err, p, contract.StepIngest)
	}
	return ads, m, nil
}

// days are the raw partitions of the stream read for d: d for a file drop,
// every committed day up to d for a daily API stream.
func (a adStream) days(ctx context.Context, st store.Store, d rundate.Date) ([]rundate.Date, error) {
	if !a.daily {
		return []rundate.Date{d}, nil
	}
	all, err := dataset.CommittedDates(ctx, st, contract.Raw(a.source, a.stream))
	if err != nil {
		return nil, err
	}
	var days []rundate.Date
	for _, day := range all {
		if !day.Start().After(d.Start()) {
			days = append(days, day)
		}
	}
	return days, nil
}

// adReader reads the rows of one raw schema.
type adReader struct {
	a          adStream
	f          dataset.Fields
	cols       map[string]int
	spendScale int  // decimal scale of spend; -1 for a double
	dayIsDate  bool // a Parquet DATE (days), not a timestamp (micros)
}

func (a adStream) reader(s *parquet.Schema) (*adReader, error) {
	r := &adReader{a: a, f: dataset.FieldsOf(s), cols: map[string]int{}, spendScale: -1}
	for i, c := range s.Columns() {
		r.cols[c[0]] = i
	}
	for _, need := range []string{a.day, a.campaign, a.impressions, a.clicks, a.spend} {
		if _, ok := r.cols[need]; !ok {
			return nil, fmt.Errorf("no column %q", need)
		}
	}
	spend, _ := s.Lookup(a.spend)
	if dec, ok := logicalType(spend).(*format.DecimalType); ok {
		r.spendScale = int(dec.Scale)
	} else if spend.Node.Type().Kind() != parquet.Double {
		return nil, fmt.Errorf("spend column %q is neither a decimal nor a double", a.spend)
	}
	day, _ := s.Lookup(a.day)
	_, r.dayIsDate = logicalType(day).(*format.DateType)
	return r, nil
}

// logicalType is the logical type of a leaf column, nil without one.
func logicalType(leaf parquet.LeafColumn) format.LogicalTypeValue {
	if lt := leaf.Node.Type().LogicalType(); lt != nil {
		return lt.Value
	}
	return nil
}

// adDay converts one raw row.
func (r *adReader) adDay(row parquet.Row, reporting string, rates *normalize.Rates) (kpi.AdDay, error) {
	day := r.day(row)
	ad := kpi.AdDay{Day: int32(day.Unix() / 86400), Campaign: r.f.Text(row, r.a.campaign), Channel: r.channel(row)}
	ad.Impressions, _ = r.f.Int64(row, r.a.impressions)
	ad.Clicks, _ = r.f.Int64(row, r.a.clicks)
	if r.a.reach != "" {
		if v, ok := r.f.Int64(row, r.a.reach); ok {
			ad.Reach = &v
		}
	}
	spend, err := r.spendMicros(row)
	if err != nil {
		return ad, fmt.Errorf("campaign %s on %s: %w", ad.Campaign, day.Format(time.DateOnly), err)
	}
	currency := strings.TrimSpace(r.f.Text(row, r.a.currency))
	if currency == "" {
		currency = r.a.defaultCurrency
	}
	converted, err := rates.Convert(int64(spend), currency, reporting, day)
	ad.Spend = money.Micros(converted)
	if err != nil {
		return ad, fmt.Errorf("campaign %s on %s: spend: %w", ad.Campaign, day.Format(time.DateOnly), err)
	}
	return ad, nil
}

// day is the row's day, from a DATE or a timestamp column.
func (r *adReader) day(row parquet.Row) time.Time {
	at, _ := r.f.Int64(row, r.a.day)
	if r.dayIsDate {
		return time.Unix(at*86400, 0).UTC()
	}
	return time.UnixMicro(at).UTC()
}

// channel is the stream's channel (API), else the row's channel column,
// else the channel of its platform column, else the platform itself.
func (r *adReader) channel(row parquet.Row) string {
	if r.a.channel != "" {
		return r.a.channel
	}
	if ch := r.f.Text(row, "channel"); ch != "" {
		return ch
	}
	platform := r.f.Text(row, "platform")
	if ch := platformChannels[config.Kind(platform)]; ch != "" {
		return ch
	}
	return platform
}

// spendMicros is the row's spend in its currency: a file drop's decimal
// exactly, an API's double (currency units, from micros or a decimal
// string) rounded to the nearest millionth. Null spend is 0.
func (r *adReader) spendMicros(row parquet.Row) (money.Micros, error) {
	v := row[r.cols[r.a.spend]]
	switch {
	case v.IsNull():
		return 0, nil
	case r.spendScale >= 0:
		return money.MicrosOf(v.Int64(), r.spendScale), nil
	}
	f := v.Double()
	if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 9e12 {
		return 0, fmt.Errorf("spend %g is not an amount", f)
	}
	return money.MicrosFromFloat(f), nil
}
