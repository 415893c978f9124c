package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/segmint/segmint/lib/audience"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/money"
)

// Uplift plants a known effect of a segment's exports, for segmint
// measure. SYNTHETIC: nothing here comes from real data.
//
// People join the segment on one of the nights; publish's assignment
// (audience.InControl with Salt and the segment name) puts a share of them
// in its control group, unless AssignShare is set, which plants a
// sample-ratio mismatch by assigning at another share than the
// configuration says. After the end of their first night each person
// converts with probability TreatedRate or ControlRate, with one to three
// orders of lognormal value.
type Uplift struct {
	Seed         uint64
	Segment      string
	Salt         string
	People       int
	Nights       []time.Time // the nights' starts, UTC
	ControlShare float64
	// AssignShare, when not zero, replaces ControlShare in the assignment.
	AssignShare              float64
	TreatedRate, ControlRate float64
	// End is the end of the measurement window (the last night's end).
	End time.Time
}

// Planted is an Uplift's snapshots (by night) and orders.
type Planted struct {
	Snapshots map[time.Time][]contract.AudienceMember
	Orders    []customerview.Order
}

// Plant generates the scenario.
func (u Uplift) Plant() Planted {
	rng := rand.New(rand.NewPCG(u.Seed, 0x5e9))
	p := Planted{Snapshots: map[time.Time][]contract.AudienceMember{}}
	share := u.ControlShare
	if u.AssignShare != 0 {
		share = u.AssignShare
	}
	for i := 0; i < u.People; i++ {
		id := fmt.Sprintf("cus_%016x", rng.Uint64())
		first := rng.IntN(len(u.Nights))
		control := audience.InControl(u.Salt, u.Segment, id, share)
		for _, night := range u.Nights[first:] {
			p.Snapshots[night] = append(p.Snapshots[night], contract.AudienceMember{CustomerID: id, Segment: u.Segment,
				Purpose: "email", Control: control, MergedFrom: []string{}})
		}
		rate := u.TreatedRate
		if control {
			rate = u.ControlRate
		}
		if rng.Float64() < rate {
			p.Orders = append(p.Orders, u.orders(rng, id, u.Nights[first].AddDate(0, 0, 1))...)
		}
	}
	return p
}

// orders are one converted person's one to three orders between from and
// the window's end.
func (u Uplift) orders(rng *rand.Rand, id string, from time.Time) []customerview.Order {
	n := 1 + rng.IntN(3)
	span := u.End.Sub(from)
	out := make([]customerview.Order, n)
	for k := range out {
		at := from.Add(time.Duration(rng.Int64N(int64(span)))).Truncate(time.Second)
		value := math.Round(math.Exp(3.5+0.6*rng.NormFloat64())*100) / 100
		cid := id
		out[k] = customerview.Order{OrderID: fmt.Sprintf("U%s-%d", id[4:12], k), Source: "shop", CustomerID: &cid,
			OrderedAt: at, LineCount: 1, Units: 1, Value: money.MicrosFromFloat(value), Currency: "GBP"}
	}
	return out
}
