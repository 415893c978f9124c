package segrule

// Parse checks src's syntax only, for a caller without the schema the
// rule will read (every syntax error, as Compile reports them).
func Parse(src string) error {
	if _, errs := parse(src); len(errs) > 0 {
		return positioned(src, errs)
	}
	return nil
}
