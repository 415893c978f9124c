package frame

import (
	"fmt"
	"slices"
)

// Concat stacks frames with the same columns (names, kinds and order) into
// one: rows of the first, then of the second, and so on. A categorical
// column's levels become the sorted union of the frames' levels.
func Concat(frames ...*Frame) (*Frame, error) {
	if len(frames) == 0 {
		return nil, fmt.Errorf("concat: no frame")
	}
	feats := frames[0].Features()
	for j := range feats {
		var levels []string
		for k, f := range frames {
			if len(f.Cols) != len(feats) || f.Cols[j].Name != feats[j].Name || f.Cols[j].Kind.String() != feats[j].Kind {
				return nil, fmt.Errorf("concat: frame %d's columns differ from the first frame's", k)
			}
			levels = append(levels, f.Cols[j].Levels...)
		}
		slices.Sort(levels)
		feats[j].Levels = slices.Compact(levels)
	}
	out := &Frame{Cols: make([]*Column, len(feats))}
	for _, f := range frames {
		out.Rows += f.Rows
	}
	for j, ft := range feats {
		out.Cols[j] = &Column{Name: ft.Name, Kind: frames[0].Cols[j].Kind, Date: ft.Date}
		if out.Cols[j].Kind == Categorical {
			out.Cols[j].Levels = ft.Levels
		}
	}
	for _, f := range frames {
		c, err := f.Conform(feats)
		if err != nil {
			return nil, fmt.Errorf("concat: %w", err)
		}
		for j, col := range c.Cols {
			out.Cols[j].Num = append(out.Cols[j].Num, col.Num...)
			out.Cols[j].Codes = append(out.Cols[j].Codes, col.Codes...)
		}
	}
	return out, nil
}
