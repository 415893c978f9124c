package command

import (
	"fmt"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/connector"
	"github.com/segmint/segmint/lib/connector/googleads"
	"github.com/segmint/segmint/lib/connector/hubspot"
	"github.com/segmint/segmint/lib/connector/meta"
	"github.com/segmint/segmint/lib/connector/salesforce"
)

// OpenConnectors returns the streams of one API source. The command is the
// one place that names every API connector.
func OpenConnectors(src config.Source, deps connector.Deps) ([]connector.Stream, error) {
	switch src.Kind {
	case config.HubSpot:
		return hubspot.New(src, deps)
	case config.Salesforce:
		return salesforce.New(src, deps)
	case config.GoogleAds:
		return googleads.New(src, deps)
	case config.Meta:
		return meta.New(src, deps)
	default:
		return nil, fmt.Errorf("connector %q is not available", src.Kind)
	}
}
