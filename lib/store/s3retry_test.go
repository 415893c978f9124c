package store_test

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/segmint/segmint/lib/store"
	"github.com/segmint/segmint/lib/store/faultproxy"
	"github.com/segmint/segmint/lib/store/storetest"
)

// startProxy starts a fault proxy in front of the test S3 server, without
// faults yet, and stops it when the test ends.
func startProxy(t *testing.T) *faultproxy.Proxy {
	t.Helper()
	p, err := faultproxy.Start(storetest.S3Endpoint(t), faultproxy.Faults{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// proxiedS3 is a test S3 store reached through p, with the retry budget
// attempts (0: the default) and a short backoff, so that tests do not wait
// for the production one.
func proxiedS3(t *testing.T, p *faultproxy.Proxy, attempts int) *store.S3 {
	t.Helper()
	s, _ := newTestS3With(t, func(c *store.S3Config) {
		c.Endpoint, c.MaxAttempts, c.MaxBackoff = p.URL, attempts, 20*time.Millisecond
	})
	return s
}

func TestS3RetryDefaults(t *testing.T) {
	ctx := t.Context()
	for _, tt := range []struct{ set, want int }{{0, store.DefaultMaxAttempts}, {1, 1}, {4, 4}} {
		s, err := store.NewS3(ctx, store.S3Config{Bucket: "b", AccessKeyID: "k", SecretAccessKey: "s", MaxAttempts: tt.set})
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Client().Options().Retryer.MaxAttempts(); got != tt.want {
			t.Errorf("MaxAttempts %d: the client makes %d attempts, want %d", tt.set, got, tt.want)
		}
	}
	if store.DefaultMaxAttempts < 10 || store.DefaultMaxBackoff < 10*time.Second {
		t.Errorf("default budget %d attempts, %v backoff: below what rides out a 10%% error rate", store.DefaultMaxAttempts, store.DefaultMaxBackoff)
	}
}

// TestS3RetryBudget: every request fails four times (500, 503 SlowDown or
// a dropped connection), then succeeds. The SDK's old default of 3
// attempts fails with a transient error; the default budget gets through.
func TestS3RetryBudget(t *testing.T) {
	for name, fault := range map[string]faultproxy.Fault{
		"500": faultproxy.Error500, "SlowDown": faultproxy.SlowDown, "drop": faultproxy.Drop,
	} {
		t.Run(name, func(t *testing.T) {
			p := startProxy(t)
			three, dflt := proxiedS3(t, p, 3), proxiedS3(t, p, 0)
			p.SetFaults(faultproxy.Faults{FailFirst: 4, FailFirstAs: fault})
			ctx := t.Context()

			err := store.PutBytes(ctx, three, "budget/a", []byte("x"))
			if err == nil {
				t.Fatal("put with 3 attempts against 4 failures succeeded")
			}
			if !errors.Is(err, store.ErrUnavailable) {
				t.Errorf("put error %v does not wrap ErrUnavailable", err)
			}

			if err := store.PutBytes(ctx, dflt, "budget/a", []byte("hello")); err != nil {
				t.Fatalf("put with the default budget: %v", err)
			}
			got, err := store.GetBytes(ctx, dflt, "budget/a")
			if err != nil || string(got) != "hello" {
				t.Fatalf("get with the default budget = %q, %v", got, err)
			}
			c := p.Counts()
			if n := c.Error500 + c.SlowDown + c.Dropped; n < 11 {
				t.Errorf("proxy failed %d requests, want 3 + 4 + 4: %+v", n, c)
			}
		})
	}
}

// TestS3ThroughFaults runs the store's whole conformance suite (a 10 MiB
// multipart object included) through 10% 500s, 3% SlowDown and 2%
// dropped connections, delayed.
func TestS3ThroughFaults(t *testing.T) {
	p := startProxy(t)
	s := proxiedS3(t, p, 0)
	p.SetFaults(faultproxy.Faults{Error500: 0.10, SlowDown: 0.03, Drop: 0.02, Delay: time.Millisecond, Seed: 12})
	storetest.Run(t, s)
	// The draws follow the order of requests, which concurrent parts
	// vary; TestS3RetryBudget covers each fault deterministically.
	c := p.Counts()
	t.Logf("proxy: %+v", c)
	if c.Error500+c.SlowDown+c.Dropped < c.Requests/20 {
		t.Errorf("too few faults injected: %+v", c)
	}
}

// TestS3StoppedIsUnavailable: with the server gone every operation fails
// within its budget with an error that wraps ErrUnavailable (the command
// maps it to "retry later"); a missing key is no such error.
func TestS3StoppedIsUnavailable(t *testing.T) {
	p := startProxy(t)
	s := proxiedS3(t, p, 3)
	ctx := t.Context()
	if _, err := s.Stat(ctx, "stopped/missing"); !errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("stat of a missing key = %v, want ErrNotFound only", err)
	}
	if err := store.PutBytes(ctx, s, "stopped/a", []byte("x")); err != nil {
		t.Fatal(err)
	}
	p.Close()
	ops := map[string]func() error{
		"put":    func() error { return store.PutBytes(ctx, s, "stopped/a", []byte("y")) },
		"get":    func() error { _, err := s.Get(ctx, "stopped/a"); return err },
		"stat":   func() error { _, err := s.Stat(ctx, "stopped/a"); return err },
		"list":   func() error { _, err := s.List(ctx, "stopped/"); return err },
		"delete": func() error { return s.Delete(ctx, "stopped/a") },
	}
	for name, op := range ops {
		err := op()
		if !errors.Is(err, store.ErrUnavailable) || errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s against a stopped server = %v, want ErrUnavailable", name, err)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Stat(cctx, "stopped/a"); errors.Is(err, store.ErrUnavailable) {
		t.Errorf("a cancelled context is reported as unavailable: %v", err)
	}
}

// TestS3DroppedBodyIsUnavailable: a connection lost while an object's body
// streams fails the read with ErrUnavailable.
func TestS3DroppedBodyIsUnavailable(t *testing.T) {
	p := startProxy(t)
	s := proxiedS3(t, p, 3)
	ctx := t.Context()
	if err := s.Put(ctx, "body/big", io.LimitReader(zeros{}, 8<<20)); err != nil {
		t.Fatal(err)
	}
	rc, err := s.Get(ctx, "body/big")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if _, err := io.ReadFull(rc, make([]byte, 1024)); err != nil {
		t.Fatal(err)
	}
	p.CloseConnections()
	_, err = io.Copy(io.Discard, rc)
	if !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("read after the connection dropped = %v, want ErrUnavailable", err)
	}
}
