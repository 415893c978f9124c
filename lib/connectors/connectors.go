// Package connectors opens the API connectors a configuration names.
package connectors

import (
	"fmt"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/connector"
)

// Open returns the streams of one API source.
func Open(src config.Source, deps connector.Deps) ([]connector.Stream, error) {
	switch src.Kind {
	default:
		return nil, fmt.Errorf("connector %q is not available", src.Kind)
	}
}
