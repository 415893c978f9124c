package config

import "github.com/segmint/segmint/lib/quality"

// Kind is a source's connector.
type Kind string

// The connectors a source can name.
const (
	FileDrop   Kind = "filedrop"
	HubSpot    Kind = "hubspot"
	Salesforce Kind = "salesforce"
	GoogleAds  Kind = "google_ads"
	Meta       Kind = "meta"
)

// IsCRM reports whether the connector pulls CRM records (HubSpot,
// Salesforce).
func (k Kind) IsCRM() bool { return k == HubSpot || k == Salesforce }

// IsAdPlatform reports whether the connector pulls an ad platform's daily
// metrics (Google Ads, Meta).
func (k Kind) IsAdPlatform() bool { return k == GoogleAds || k == Meta }

// Entity is what a file-drop stream's rows are to segmint.
type Entity string

// The entities a file-drop stream can carry.
const (
	EntityOrders           Entity = "orders"
	EntityConsent          Entity = "consent"
	EntityDeletionRequests Entity = "deletion_requests"
	EntityContacts         Entity = "contacts"
	EntityTouchpoints      Entity = "touchpoints"
	EntityAdClicks         Entity = "ad_clicks"
	EntityAdMetrics        Entity = "ad_metrics"
	EntityProducts         Entity = "products"
	// EntitySuppressions is a suppression list: people no e-mail or ads
	// file may hold (README: Segments).
	EntitySuppressions Entity = "suppressions"
)

// StreamRef is one configured stream and the source it belongs to.
type StreamRef struct {
	Source Source
	Stream Stream
}

// Streams returns the configured streams that match, in config order.
func (c *Config) Streams(match func(Source, Stream) bool) []StreamRef {
	var out []StreamRef
	for _, src := range c.Sources {
		for _, st := range src.Streams {
			if match(src, st) {
				out = append(out, StreamRef{src, st})
			}
		}
	}
	return out
}

// AllStreams matches every stream.
func AllStreams(Source, Stream) bool { return true }

// FileDropStreams matches the streams of file-drop sources.
func FileDropStreams(src Source, _ Stream) bool { return src.Kind == FileDrop }

// FileDropsOf matches the file-drop streams that carry entity e.
func FileDropsOf(e Entity) func(Source, Stream) bool {
	return func(src Source, st Stream) bool { return src.Kind == FileDrop && st.Entity == e }
}

// OrdersStreams matches the streams of orders, whatever their source.
func OrdersStreams(_ Source, st Stream) bool { return st.Entity == EntityOrders }

// IdentityStreams matches the file-drop streams whose rows carry
// identifiers for identity resolution (contacts, touchpoints, ad clicks).
func IdentityStreams(src Source, st Stream) bool {
	_, ok := IdentityEntity(st.Entity)
	return ok && src.Kind == FileDrop
}

// CRMSources are the configured sources that pull CRM records (HubSpot,
// Salesforce), in config order.
func (c *Config) CRMSources() []Source {
	var out []Source
	for _, src := range c.Sources {
		if src.Kind.IsCRM() {
			out = append(out, src)
		}
	}
	return out
}

// AdMetricsStreams matches the streams of ad platforms' daily metrics: file
// drops of entity ad_metrics, Google Ads campaign_daily and Meta
// ad_insights. (Google Ads ad_group_daily repeats campaign_daily by ad
// group.)
func AdMetricsStreams(src Source, st Stream) bool {
	switch src.Kind {
	case FileDrop:
		return st.Entity == EntityAdMetrics
	case GoogleAds:
		return st.Name == "campaign_daily"
	case Meta:
		return st.Name == "ad_insights"
	}
	return false
}

// QualityRules finds the quality rules configured for a dataset.
func (c *Config) QualityRules(name string) (quality.Dataset, bool) {
	for _, d := range c.Quality.Datasets {
		if d.Name == name {
			return d, true
		}
	}
	return quality.Dataset{}, false
}
