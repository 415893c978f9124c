package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
)

// stages are the lifecycle stages in the order of a customer's life.
var stages = []string{customerview.StageProspect, customerview.StageNew, customerview.StageActive,
	customerview.StageDormant, customerview.StageChurned}

// notThere is the "from" of a customer the previous run did not have.
const notThere = "(not yet a customer)"

// previousCustomers reads unified/customers of the newest run before D,
// when there is one.
func previousCustomers(ctx context.Context, env step.Env, w *dataset.Writer, page *Page, d rundate.Date) error {
	prev, err := dataset.NewestBefore(ctx, env.Store, contract.Customers, d)
	if err != nil || prev.IsZero() {
		return err
	}
	rows, m, err := dataset.ReadParquet[customerview.Customer](ctx, env.Store, dataset.Partition{Dataset: contract.Customers, Date: prev})
	if err != nil {
		return err
	}
	page.addInput(w, m)
	page.in.prevCustomers, page.in.prevDate = rows, prev
	return nil
}

// lifecycle fills the customers per stage, tonight and at the previous
// run, and the flows between stages since.
func lifecycle(page *Page, d rundate.Date) error {
	now := stageCounts(page.in.customers)
	before := stageCounts(page.in.prevCustomers)
	series := []Series{{Name: d.String()}}
	t := Table{Head: []string{"Stage", "Customers " + d.String()}}
	hasPrev := !page.in.prevDate.IsZero()
	if hasPrev {
		series = append(series, Series{Name: page.in.prevDate.String()})
		t.Head = append(t.Head, "Customers "+page.in.prevDate.String(), "Change")
	} else {
		page.LifecycleNote = "This is the first run in the store: flows between stages appear from the next run on."
	}
	for _, s := range stages {
		series[0].Y = append(series[0].Y, float64(now[s]))
		row := []string{s, intText(now[s])}
		if hasPrev {
			series[1].Y = append(series[1].Y, float64(before[s]))
			row = append(row, intText(before[s]), changeText(float64(now[s]), float64(before[s])))
		}
		t.Rows = append(t.Rows, row)
	}
	title := "Customers per lifecycle stage"
	svg, err := barChart(title, "stage", "customers", stages, series)
	if err != nil {
		return err
	}
	page.Lifecycle = append(page.Lifecycle, Chart{Title: title, SVG: svg, Table: t})
	if !hasPrev {
		return nil
	}
	return flows(page, d)
}

// stageCounts counts customers by lifecycle stage.
func stageCounts(cs []customerview.Customer) map[string]int64 {
	out := map[string]int64{}
	for _, c := range cs {
		out[c.LifecycleStage]++
	}
	return out
}

// flow is a number of customers who moved from one stage to another.
type flow struct {
	from, to string
	n        int64
}

// flows adds the moves between stages since the previous run, largest
// first (customers who stayed in their stage are left out of the chart).
func flows(page *Page, d rundate.Date) error {
	before := map[string]string{}
	for _, c := range page.in.prevCustomers {
		before[c.CustomerID] = c.LifecycleStage
	}
	by := map[[2]string]int64{}
	stayed := int64(0)
	for _, c := range page.in.customers {
		from, ok := before[c.CustomerID]
		if !ok {
			from = notThere
		}
		if from == c.LifecycleStage {
			stayed++
			continue
		}
		by[[2]string{from, c.LifecycleStage}]++
	}
	var fs []flow
	for k, n := range by {
		fs = append(fs, flow{k[0], k[1], n})
	}
	slices.SortFunc(fs, func(a, b flow) int {
		if a.n != b.n {
			return int(b.n - a.n)
		}
		return cmp.Compare(a.from+a.to, b.from+b.to)
	})
	page.in.flows = fs
	t := Table{Head: []string{"From", "To", "Customers"}}
	var names []string
	var ys []float64
	for _, f := range fs {
		t.Rows = append(t.Rows, []string{f.from, f.to, intText(f.n)})
		names = append(names, f.from+" → "+f.to)
		ys = append(ys, float64(f.n))
	}
	t.Rows = append(t.Rows, []string{"(same stage)", "(same stage)", intText(stayed)})
	title := fmt.Sprintf("Moves between lifecycle stages, %s to %s", page.in.prevDate, d)
	if len(fs) == 0 {
		page.Lifecycle = append(page.Lifecycle, Chart{Title: title, Empty: "No customer changed stage.", Table: t})
		return nil
	}
	svg, err := barChart(title, "move", "customers", names, []Series{{"customers", ys}})
	if err != nil {
		return err
	}
	page.Lifecycle = append(page.Lifecycle, Chart{Title: title, SVG: svg, Table: t})
	return nil
}
