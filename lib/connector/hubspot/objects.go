package hubspot

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/segmint/segmint/lib/connector"
)

// property is one HubSpot property a stream asks for, with the type its
// string value is parsed into.
type property struct {
	name string
	typ  connector.Type
}

// defaultProperties are the properties each supported object type asks for
// when the configuration names no others. HubSpot spells the last-modified
// property of contacts lastmodifieddate and of the other objects
// hs_lastmodifieddate.
var defaultProperties = map[string][]property{
	"contacts": {
		{"email", connector.String},
		{"firstname", connector.String},
		{"lastname", connector.String},
		{"phone", connector.String},
		{"lifecyclestage", connector.String},
		{"hs_object_id", connector.String},
		{"createdate", connector.Timestamp},
		{"lastmodifieddate", connector.Timestamp},
	},
	"companies": {
		{"name", connector.String},
		{"domain", connector.String},
		{"industry", connector.String},
		{"phone", connector.String},
		{"city", connector.String},
		{"country", connector.String},
		{"lifecyclestage", connector.String},
		{"numberofemployees", connector.Int},
		{"annualrevenue", connector.Float},
		{"hs_object_id", connector.String},
		{"createdate", connector.Timestamp},
		{"hs_lastmodifieddate", connector.Timestamp},
	},
	"deals": {
		{"dealname", connector.String},
		{"amount", connector.Float},
		{"deal_currency_code", connector.String},
		{"dealstage", connector.String},
		{"pipeline", connector.String},
		{"closedate", connector.Timestamp},
		{"hs_object_id", connector.String},
		{"createdate", connector.Timestamp},
		{"hs_lastmodifieddate", connector.Timestamp},
	},
}

// fieldArchivedAt is the one field that is not a property: when a
// tombstone's record was archived.
const fieldArchivedAt = "archived_at"

// propertyName is what a HubSpot internal property name looks like; it
// also keeps commas and other URL syntax out of the properties parameter
// and leading underscores (segmint's own columns) out of the schema.
var propertyName = regexp.MustCompile(`^[a-z0-9][a-z0-9_]*$`)

// properties returns the properties of object type obj: its defaults, then
// the extra names (as strings: their HubSpot types are not known without a
// call to the properties API), each once.
func properties(obj string, extra []string) ([]property, error) {
	defaults, ok := defaultProperties[obj]
	if !ok {
		return nil, fmt.Errorf("stream %q: not a supported HubSpot object (%s)", obj, strings.Join(supportedObjects(), ", "))
	}
	props := slices.Clone(defaults)
	var errs []error
	for _, name := range extra {
		switch {
		case !propertyName.MatchString(name):
			errs = append(errs, fmt.Errorf("stream %q: field %q is not a HubSpot property name (lower-case letters, digits, _)", obj, name))
		case name == fieldArchivedAt:
			errs = append(errs, fmt.Errorf("stream %q: field %q is reserved for the archive time", obj, name))
		case !slices.ContainsFunc(props, func(p property) bool { return p.name == name }):
			props = append(props, property{name, connector.String})
		}
	}
	return props, errors.Join(errs...)
}

func supportedObjects() []string {
	names := make([]string, 0, len(defaultProperties))
	for name := range defaultProperties {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// parseValue turns a property's string value into a value of type t. An
// empty value is a null; ok is false when s does not parse as t.
func parseValue(t connector.Type, s string) (v any, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, true
	}
	switch t {
	case connector.Int:
		return parseInt(s)
	case connector.Float:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, false
		}
		return f, true
	case connector.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return nil, false
		}
		return b, true
	case connector.Timestamp:
		return parseTime(s)
	default:
		return s, true
	}
}

// parseInt reads a whole number, which HubSpot number properties may write
// as "25.0".
func parseInt(s string) (any, bool) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<63 {
		return int64(f), true
	}
	return nil, false
}

// parseTime reads HubSpot's datetime values: ISO 8601 in the v3 API
// ("2024-05-01T09:30:00.123Z"), a bare date for date properties, or epoch
// milliseconds as older properties and imports still carry.
func parseTime(s string) (any, bool) {
	if t, ok := parseRFC3339(s); ok {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), true
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, true
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.UnixMilli(ms).UTC(), true
	}
	return nil, false
}
