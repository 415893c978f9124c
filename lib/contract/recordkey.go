package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/segmint/segmint/lib/config"
)

// RecordKey is the identity record of a row of an identity entity, the
// record_key of unified/identity_map. A CRM contact is its own record
// ("crm/contacts/1042"). Touchpoints and ad clicks are events: the events
// of a stream that carry the same identifiers are one record
// ("web/touchpoints/ids:<16 hex>"), so that the identity caps count how
// many different identifier sets share a cookie or a device, not how many
// page views one person made. "" for a row without a key or identifiers.
func RecordKey(source, stream string, entity config.Entity, spec config.IdentitySpec, get func(string) string) string {
	if entity == config.EntityContacts {
		if key := get(spec.Key()); key != "" {
			return source + "/" + stream + "/" + key
		}
		return ""
	}
	h := sha256.New()
	found := false
	for _, field := range spec.Identifiers() {
		v := strings.TrimSpace(get(field))
		if v != "" {
			found = true
		}
		h.Write([]byte(field + "\x00" + strings.ToLower(v) + "\x00"))
	}
	if !found {
		return ""
	}
	return source + "/" + stream + "/ids:" + hex.EncodeToString(h.Sum(nil))[:16]
}
