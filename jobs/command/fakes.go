package command

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	gadsfake "github.com/segmint/segmint/lib/connector/googleads/fake"
	hubspotfake "github.com/segmint/segmint/lib/connector/hubspot/fake"
	metafake "github.com/segmint/segmint/lib/connector/meta/fake"
	sffake "github.com/segmint/segmint/lib/connector/salesforce/fake"
)

// demoSecrets are the credentials the demo fakes accept, by the variable
// names configs/demo.yaml reads. They are not secrets of any real account.
func demoSecrets() map[string]string {
	return map[string]string{
		"SEGMINT_DEMO_HUBSPOT_TOKEN":      "pat-demo-hubspot",
		"SEGMINT_DEMO_SF_CLIENT_ID":       sffake.DefaultClientID,
		"SEGMINT_DEMO_SF_CLIENT_SECRET":   sffake.DefaultClientSecret,
		"SEGMINT_DEMO_SF_REFRESH_TOKEN":   sffake.DefaultRefreshToken,
		"SEGMINT_DEMO_GADS_DEV_TOKEN":     gadsfake.DefaultDeveloperToken,
		"SEGMINT_DEMO_GADS_CLIENT_ID":     gadsfake.DefaultClientID,
		"SEGMINT_DEMO_GADS_CLIENT_SECRET": gadsfake.DefaultClientSecret,
		"SEGMINT_DEMO_GADS_REFRESH":       gadsfake.DefaultRefreshToken,
		"SEGMINT_DEMO_META_TOKEN":         metafake.DefaultToken,
	}
}

// runFakes serves fakes of the four platform APIs on loopback until ctx
// ends: HubSpot on port base, Salesforce base+1, Google Ads base+2, Meta
// base+3 (configs/demo.yaml points at 18081-18084).
func runFakes(ctx context.Context, args []string, sys System) int {
	stdout, stderr, now := sys.Stdout, sys.Stderr, sys.Now
	fs := flag.NewFlagSet("segmint fakes", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.Int("port", 18081, "first of four loopback ports")
	contacts := fs.Int("contacts", 5000, "CRM contacts per fake")
	seed := fs.Int64("seed", 7, "seed of the generated data")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "segmint fakes: serves fakes of the HubSpot, Salesforce, Google Ads and Meta APIs on loopback")
		fmt.Fprintln(stderr, "for configs/demo.yaml, until interrupted. `make demo` runs them with a full pull.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	handlers := fakeHandlers(*contacts, *seed, now().UTC().Truncate(24*time.Hour))
	servers, err := serveFakes(stdout, *base, handlers)
	if err != nil {
		fmt.Fprintf(stderr, "segmint fakes: %v\n", err)
		return exitFailed
	}
	fmt.Fprintln(stdout, "ready")
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, srv := range servers {
		_ = srv.Shutdown(sctx)
	}
	return exitOK
}

// namedHandler is one platform's fake.
type namedHandler struct {
	name string
	h    http.Handler
}

// fakeHandlers are the fakes of HubSpot, Salesforce, Google Ads and Meta,
// in port order, their data generated from seed up to the day end.
func fakeHandlers(contacts int, seed int64, end time.Time) []namedHandler {
	sec := demoSecrets()
	hs := hubspotfake.New(hubspotfake.Options{Token: sec["SEGMINT_DEMO_HUBSPOT_TOKEN"]})
	hs.Seed(contacts, end, uint64(seed))
	return []namedHandler{
		{"hubspot", hs},
		{"salesforce", sffake.NewHandler(sffake.Options{Seed: uint64(seed), Contacts: contacts, Accounts: contacts / 5,
			Opportunities: contacts / 2, Start: end.AddDate(0, 0, -30)})},
		{"google_ads", gadsfake.NewHandler(gadsfake.Options{Seed: seed})},
		{"meta", metafake.NewHandler(metafake.Options{Seed: seed})},
	}
}

// serveFakes serves each fake on loopback, from port base up, and prints
// where.
func serveFakes(stdout io.Writer, base int, handlers []namedHandler) ([]*http.Server, error) {
	var servers []*http.Server
	for i, h := range handlers {
		addr := fmt.Sprintf("127.0.0.1:%d", base+i)
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("listen %s: %v", addr, err)
		}
		srv := &http.Server{Handler: h.h, ReadHeaderTimeout: 10 * time.Second}
		servers = append(servers, srv)
		go srv.Serve(ln)
		fmt.Fprintf(stdout, "%-10s fake on http://%s\n", h.name, addr)
	}
	return servers, nil
}
