// Package faultproxy is a reverse proxy on loopback that injects faults in
// front of an S3 server, for tests of the store's retry budget: S3 error
// answers (500 InternalError, 503 SlowDown) at configured rates or for the
// first attempts of each request, delays, and dropped connections.
package faultproxy

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"time"
)

// Faults say what the proxy does to the requests it forwards. Rates are
// shares of the requests (0 to 1), drawn independently per request from a
// generator seeded by Seed, in the order drop, 500, 503.
type Faults struct {
	// Error500 is the share of requests answered 500 InternalError.
	Error500 float64
	// SlowDown is the share answered 503 SlowDown (S3's throttling).
	SlowDown float64
	// Drop is the share whose connection is closed without an answer.
	Drop float64
	// Delay is added before every request is forwarded or failed.
	Delay time.Duration
	// FailFirst fails the first FailFirst attempts of every request (by
	// method, path and query) with FailFirstAs, whatever the rates.
	FailFirst int
	// FailFirstAs is the fault of those attempts; zero means Error500.
	FailFirstAs Fault
	// Seed seeds the draws, so that a run can be repeated.
	Seed uint64
	// After lets the first After requests (counted from SetFaults)
	// through untouched: the faults start in the middle of a run.
	After int
	// Stop, with After, stops the proxy at request After+1, as a killed
	// server: that request's connection is closed without an answer, the
	// listener closes and every later request is refused.
	Stop bool
}

// Counts are what the proxy did so far.
type Counts struct {
	Requests, Forwarded, Error500, SlowDown, Dropped int
	// Stopped tells whether the proxy stopped (Faults.Stop).
	Stopped bool
}

// Proxy is a running fault-injecting proxy.
type Proxy struct {
	// URL is the proxy's endpoint, http://127.0.0.1:PORT.
	URL string

	srv     *httptest.Server
	forward http.Handler
	faults  Faults

	mu       sync.Mutex
	rng      *rand.Rand
	attempts map[string]int
	counts   Counts
	since    int // counts.Requests at the last SetFaults
}

// Start starts a proxy to target (an http:// URL) with faults f.
func Start(target string, f Faults) (*Proxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("fault proxy target: %w", err)
	}
	p := &Proxy{forward: httputil.NewSingleHostReverseProxy(u), attempts: map[string]int{}}
	p.SetFaults(f)
	p.srv = httptest.NewServer(p)
	p.URL = p.srv.URL
	return p, nil
}

// SetFaults replaces the faults, for the requests that follow.
func (p *Proxy) SetFaults(f Faults) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults = f
	p.since = p.counts.Requests
	p.rng = rand.New(rand.NewPCG(f.Seed, f.Seed^0x9e3779b97f4a7c15))
}

// CloseConnections closes every open client connection, cutting off any
// answer still streaming.
func (p *Proxy) CloseConnections() { p.srv.CloseClientConnections() }

// Close stops the proxy; requests then fail with connection refused, as
// against a stopped server.
func (p *Proxy) Close() { p.srv.Close() }

// Counts returns what the proxy did so far.
func (p *Proxy) Counts() Counts {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.counts
}

// Fault is what the proxy does to one request.
type Fault int

// The faults.
const (
	pass     Fault = iota
	Drop           // close the connection without an answer
	Error500       // answer 500 InternalError
	SlowDown       // answer 503 SlowDown
	stop           // drop the connection and stop the proxy
)

// decide draws the fault of request r, counts it, and returns it with the
// delay before it.
func (p *Proxy) decide(r *http.Request) (Fault, time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.counts.Requests++
	key := r.Method + " " + r.URL.RequestURI()
	p.attempts[key]++
	f := pass
	switch {
	case p.counts.Requests-p.since <= p.faults.After:
	case p.faults.Stop:
		f = stop
	case p.attempts[key] <= p.faults.FailFirst:
		f = cmp.Or(p.faults.FailFirstAs, Error500)
	case p.rng.Float64() < p.faults.Drop:
		f = Drop
	case p.rng.Float64() < p.faults.Error500:
		f = Error500
	case p.rng.Float64() < p.faults.SlowDown:
		f = SlowDown
	}
	switch f {
	case pass:
		p.counts.Forwarded++
	case Drop:
		p.counts.Dropped++
	case stop:
		p.counts.Dropped++
		p.counts.Stopped = true
	case Error500:
		p.counts.Error500++
	case SlowDown:
		p.counts.SlowDown++
	}
	return f, p.faults.Delay
}

// ServeHTTP forwards r or fails it.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, delay := p.decide(r)
	time.Sleep(delay)
	switch f {
	case pass:
		p.forward.ServeHTTP(w, r)
	case Drop:
		dropConnection(w)
	case stop:
		dropConnection(w)
		go p.srv.Close() // waits for the requests in flight, this one included
	case Error500:
		s3ErrorAnswer(w, http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
	case SlowDown:
		s3ErrorAnswer(w, http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate.")
	}
}

// dropConnection closes the client's connection without an answer.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		http.Error(w, "fault proxy: cannot drop the connection", http.StatusBadGateway)
		return
	}
	conn.Close()
}

// s3ErrorAnswer writes an S3 error document.
func s3ErrorAnswer(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Connection", "close")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<Error><Code>%s</Code><Message>%s</Message><RequestId>faultproxy</RequestId></Error>`, code, msg)
}
