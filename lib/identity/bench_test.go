package identity

import (
	"bufio"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// benchLinks generates n links: people with 1-4 records each, every record
// carrying 2-3 identifiers drawn from its person's e-mail, phone and 1-2
// devices plus a record-own CRM id, customer number or cookie. About 1 in
// 200 device links points at a shared device instead (families of 3 people
// that stay under the value cap, and 2000 kiosks of which a few exceed it),
// and about 1 in 100 e-mail links is a blocked test address. Identical
// strings share memory, as a reader that interns would produce. It returns
// the links and the number of people.
func benchLinks(n int) ([]Link, int) {
	rng := rand.New(rand.NewPCG(42, 42))
	links := make([]Link, 0, n)
	sources := [...]string{"hubspot/contacts/", "retail/customer_number/", "web/visitors/", "app/installs/"}
	kiosks := make([]string, 2000)
	for i := range kiosks {
		kiosks[i] = "kiosk-" + strconv.Itoa(i)
	}
	people := 0
	for p := 0; len(links) < n; p++ {
		people++
		ps := strconv.Itoa(p)
		email := "person" + ps + "@mail.com"
		crm := "crm" + ps
		number := strconv.Itoa(10000000 + p)
		phone := "+4915" + strconv.Itoa(100000000+p)
		devs := []string{"dev-" + ps + "-a", "dev-" + ps + "-b"}
		nrec := 1 + rng.IntN(4)
		for r := range nrec {
			src := rng.IntN(len(sources))
			rec := sources[src] + ps + "-" + strconv.Itoa(r)
			own := Link{rec, Cookie, "ck-" + ps + "-" + strconv.Itoa(r)}
			switch src {
			case 0:
				own = Link{rec, CRMID, crm}
			case 1:
				own = Link{rec, CustomerNumber, number}
			}
			links = append(links, own)
			for range 1 + rng.IntN(2) {
				var l Link
				switch rng.IntN(4) {
				case 0, 1:
					l = Link{rec, Email, email}
					if rng.IntN(100) == 0 {
						l.Value = "test@example.com" // blocked
					}
				case 2:
					l = Link{rec, Phone, phone}
				default:
					d := devs[rng.IntN(2)]
					switch x := rng.IntN(400); {
					case x == 0:
						d = kiosks[rng.IntN(len(kiosks))] // exceeds the device value cap
					case x == 1:
						d = "family-" + strconv.Itoa(p/3) // shared by up to 3 people
					}
					l = Link{rec, Device, d}
				}
				links = append(links, l)
			}
		}
	}
	return links[:n], people
}

// BenchmarkResolve10M resolves 10 million generated links with the default
// config and no previous assignment. Run it alone:
//
//	go test -run '^$' -bench Resolve10M -benchtime 1x ./lib/identity
//
// With the default GC (GOGC=100) the heap may grow to twice the live data,
// and the live data include the ~700 MB of generated links; run it as the
// nightly job should run, with a soft memory limit, to see the working
// peak: GOMEMLIMIT=1600MiB go test ...
//
// Reported: links/s; peak-heap-MiB, the largest runtime HeapInuse sampled
// every 10 ms during Resolve through runtime/metrics (it includes the ~input-heap-MiB the generated
// links occupy, which the benchmark holds throughout); input-heap-MiB,
// HeapInuse after generating the links; and peak-rss-MiB, the process's
// VmHWM from /proc/self/status (Linux; 0 elsewhere), which covers everything;
// cpu-s/op, the process's CPU time (all threads, GC included) spent in
// Resolve, which unlike ns/op does not grow when other processes compete
// for the two cores.
func BenchmarkResolve10M(b *testing.B) { benchmarkResolve(b, 10_000_000) }

// BenchmarkResolve1M is BenchmarkResolve10M at a tenth of the size, for
// profiling.
func BenchmarkResolve1M(b *testing.B) { benchmarkResolve(b, 1_000_000) }

func benchmarkResolve(b *testing.B, n int) {
	links, people := benchLinks(n)
	runtime.GC()
	inputHeap := heapInuse()
	cfg := DefaultConfig()
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	b.ResetTimer()

	var peak uint64
	var res Result
	var cpu time.Duration
	for b.Loop() {
		stop := make(chan struct{})
		done := make(chan uint64)
		go func() {
			var mx uint64
			t := time.NewTicker(10 * time.Millisecond)
			defer t.Stop()
			for {
				mx = max(mx, heapInuse())
				select {
				case <-stop:
					done <- mx
					return
				case <-t.C:
				}
			}
		}()
		var err error
		cpu0 := cpuTime()
		res, err = Resolve(links, nil, day, cfg)
		cpu += cpuTime() - cpu0
		close(stop)
		peak = max(peak, <-done)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "links/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(inputHeap)/(1<<20), "input-heap-MiB")
	b.ReportMetric(float64(vmHWM())/(1<<20), "peak-rss-MiB")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	b.Logf("people %d, records %d, identifiers %d, customers %d, blocked links %d, value-cap refused %d, person-cap refused %d",
		people, res.Stats.Records, res.Stats.Identifiers, res.Stats.Customers, res.Stats.BlockedLinks,
		res.Stats.ValueCapRefused, res.Stats.PersonCapRefused)
}

// heapInuse is runtime.MemStats.HeapInuse read through runtime/metrics,
// which does not stop the world: heap objects plus unused space in in-use
// spans.
func heapInuse() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64() + s[1].Value.Uint64()
}

// cpuTime is the process's user plus system CPU time (all threads, GC
// included), or 0 where getrusage is unavailable.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// vmHWM reads the process's peak resident set size in bytes, or 0.
func vmHWM() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
