package nightly_test

import (
	"maps"
	"testing"
	"time"

	"github.com/segmint/segmint/lib/store"
	"github.com/segmint/segmint/lib/store/faultproxy"
)

// TestNightlyOnS3ThroughFaults runs the sample nightly on S3 through a
// proxy that answers 10% of the requests with 500 and 2% with 503
// SlowDown: the store's retry budget carries the run through, and the
// committed parts equal those of a run on a local folder.
func TestNightlyOnS3ThroughFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("a whole nightly on S3")
	}
	var proxy *faultproxy.Proxy
	s3 := newTestS3(t, func(c *store.S3Config) {
		p, err := faultproxy.Start(c.Endpoint, faultproxy.Faults{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(p.Close)
		proxy = p
		c.Endpoint, c.MaxBackoff = p.URL, 50*time.Millisecond
	})
	proxy.SetFaults(faultproxy.Faults{Error500: 0.10, SlowDown: 0.02, Seed: 7})
	cfg := sampleConfig(t)
	runNightly(t, testEnv(t, s3, cfg), sampleDate, false)
	c := proxy.Counts()
	t.Logf("proxy: %+v", c)
	if c.Error500 < c.Requests/20 {
		t.Errorf("only %d of %d requests failed: the faults were not injected", c.Error500, c.Requests)
	}
	local := newLocal(t)
	runNightly(t, testEnv(t, local, cfg), sampleDate, false)
	if got, want := dataParts(t, s3, cfg, sampleDate), dataParts(t, local, cfg, sampleDate); !maps.Equal(got, want) {
		t.Fatalf("parts on S3 through faults differ from local:\nS3    %v\nlocal %v", got, want)
	}
}
