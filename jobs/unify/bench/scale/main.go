// Command scale writes a larger Online Retail II export made of shifted
// copies of the real one (see bench.Scale), gzip-compressed:
//
//	go run ./jobs/unify/bench/scale -copies 20 -in online_retail_ii_2009_2010.csv.gz -out x20.csv.gz
package main

import (
	"bufio"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/segmint/segmint/jobs/unify/bench"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("scale", flag.ContinueOnError)
	copies := fs.Int("copies", 20, "copies of the input, the input itself included")
	in := fs.String("in", "", "the Online Retail II export (CSV, .gz allowed)")
	out := fs.String("out", "", "the file to write (gzip-compressed CSV)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" || *out == "" {
		return errors.New("-in and -out are required")
	}
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = bufio.NewReader(f)
	if gz, err := gzip.NewReader(r); err == nil {
		defer gz.Close()
		r = gz
	} else if _, serr := f.Seek(0, io.SeekStart); serr != nil {
		return serr
	} else {
		r = bufio.NewReader(f)
	}
	return bench.WriteGzip(*out, r, *copies)
}
