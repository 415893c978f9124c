// Package connectortest holds what the connectors' tests share.
package connectortest

import (
	"bytes"
	"net/http"
	"net/url"
	"sync"
)

// SyncBuffer is a goroutine-safe buffer for capturing logs, so that tests
// can check that no secret was ever written.
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

// Response is an answer with status and header to a request of method for
// rawURL, as a Policy classifies it.
func Response(method, rawURL string, status int, header map[string]string) *http.Response {
	h := http.Header{}
	for k, v := range header {
		h.Set(k, v)
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		panic(err)
	}
	return &http.Response{StatusCode: status, Header: h, Request: &http.Request{Method: method, URL: u}}
}
