// Package logtest holds what tests that read their code's logs share.
// Tests import it; the product does not.
package logtest

import (
	"bytes"
	"sync"
)

// SyncBuffer is a goroutine-safe buffer for capturing logs, so that tests
// can read what a logger wrote, from goroutines too (a heartbeat, an HTTP
// client's retries), and check that no secret was ever written.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
