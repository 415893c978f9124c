// Package audience holds what decides who leaves segmint in a published
// segment file: suppression (deletion requests, denied consent, a
// suppression list), stable control groups, and the changes between two
// nights' snapshots of a segment, exact across identity merges.
//
// Purposes. Every segment names what its files are for (lib/config):
// email and ads are marketing contact; analytics feeds BI only.
//
// Suppression, checked in this order (the first reason wins):
//
//	deletion_requested  the person asked to be erased: in no file of any purpose
//	consent_denied      email_consent is denied: in no email or ads file
//	suppression_list    on the configured suppression list: in no email or ads file
//
// Control groups. A person is in a segment's control group when
// Bucket(salt, segment, id) < share, and in the global control group when
// Bucket(salt, GlobalScope, id) < the global share. Bucket is a SHA-256 of
// the salt, the scope and the customer id, so the assignment is the same
// on every night, in every run and on every machine; a person keeps it
// while their customer id stays. When identity resolution merges persons,
// the surviving id is kept, and so is the survivor's assignment. Control
// members stay in the segment's snapshot (flagged) and are left out of
// every export.
package audience

import (
	"crypto/sha256"
	"encoding/binary"

	"github.com/segmint/segmint/lib/config"
)

// Marketing reports whether a purpose contacts the person (e-mail or ads).
func Marketing(purpose string) bool {
	return purpose == config.PurposeEmail || purpose == config.PurposeAds
}

// GlobalScope is the scope of the global control group in Bucket.
const GlobalScope = "*global*"

// Bucket is a number in [0, 1) drawn from the SHA-256 of salt, scope and
// id (each length-prefixed, so no two triples collide by concatenation):
// the top 53 bits of the digest over 2^53.
func Bucket(salt, scope, id string) float64 {
	h := sha256.New()
	for _, s := range []string{salt, scope, id} {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	sum := h.Sum(nil)
	return float64(binary.BigEndian.Uint64(sum[:8])>>11) / (1 << 53)
}

// InControl reports whether id is in scope's control group of the given
// share (0 to 1).
func InControl(salt, scope, id string, share float64) bool {
	return Bucket(salt, scope, id) < share
}
