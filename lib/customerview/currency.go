package customerview

import (
	"fmt"
	"strings"

	"github.com/segmint/segmint/lib/normalize"
)

// ConvertLines converts every line whose currency is not to into to: the
// line's value (quantity x unit price, exact) is converted at the rate in
// force on the line's UTC day and rounded once, half away from zero, to a
// millionth; UnitPrice keeps the source's price. Lines already in to are
// left alone. A currency without a rate that day is an error naming the
// line: money is never left out or kept in the wrong currency.
func ConvertLines(lines []Line, to string, rates *normalize.Rates) error {
	to = strings.ToUpper(to)
	for i := range lines {
		l := &lines[i]
		if l.converted || strings.EqualFold(l.Currency, to) {
			continue
		}
		v, err := rates.Convert(l.Quantity*l.UnitPrice, l.Currency, to, l.OrderedAt)
		if err != nil {
			return fmt.Errorf("order %s of %s (%s line %d): %w", l.OrderID, l.Source, l.SourceFile, l.SourceLine, err)
		}
		l.value, l.converted, l.Currency = v, true, to
	}
	return nil
}
