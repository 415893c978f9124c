package registry

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// Prefix is the folder of the store that holds the models.
const Prefix = "models/"

// Keys lists the keys of the objects whose keys start with prefix, as
// lib/store's Store.List does. The registry takes listing as a function
// so that it need not import lib/store.
type Keys func(ctx context.Context, prefix string) ([]string, error)

// Summary is one saved version of a model, as segmint models lists it.
type Summary struct {
	Version string
	// File is the model file, nil when it does not load (Problem says why).
	File    *File
	Problem string
	// Metrics is the metrics.json beside it, nil when there is none.
	Metrics  *Metrics
	Champion bool
}

// Window is the version's training window, from its file or else its
// metrics.json; nil when neither has one.
func (s *Summary) Window() *Window {
	if s.File != nil && s.File.Window != nil {
		return s.File.Window
	}
	if s.Metrics != nil {
		return s.Metrics.Window
	}
	return nil
}

// Models names the models with at least one saved version, sorted.
func Models(ctx context.Context, keys Keys) ([]string, error) {
	all, err := keys(ctx, Prefix)
	if err != nil {
		return nil, fmt.Errorf("list models: %w", err)
	}
	seen := map[string]bool{}
	var names []string
	for _, k := range all {
		if name, _, ok := parseModelKey(k); ok && !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names, nil
}

// parseModelKey reads models/<name>/<version>/model.json.
func parseModelKey(key string) (name, version string, ok bool) {
	parts := strings.Split(key, "/")
	if len(parts) != 4 || parts[0]+"/" != Prefix || parts[3] != "model.json" {
		return "", "", false
	}
	return parts[1], parts[2], true
}

// Versions lists the saved versions of model name, the newest training
// window first (then by version), marking the champion. A model without
// any is refused.
func (r *Registry) Versions(ctx context.Context, keys Keys, name string) ([]*Summary, error) {
	versions, err := versionsOf(ctx, keys, name)
	if err != nil {
		return nil, err
	}
	cur, err := r.currentChampion(ctx, name)
	if err != nil {
		return nil, err
	}
	out := make([]*Summary, len(versions))
	for i, v := range versions {
		if out[i], err = r.summarize(ctx, name, v); err != nil {
			return nil, err
		}
		out[i].Champion = cur != nil && cur.Version == v
	}
	sort.SliceStable(out, func(i, j int) bool { return newer(out[i], out[j]) })
	return out, nil
}

// versionsOf lists the versions of model name that have a model file.
func versionsOf(ctx context.Context, keys Keys, name string) ([]string, error) {
	if !element(name) {
		return nil, fmt.Errorf("%w: %q is not a model name", ErrRefused, name)
	}
	all, err := keys(ctx, Prefix+name+"/")
	if err != nil {
		return nil, fmt.Errorf("list model %s: %w", name, err)
	}
	out := versionsIn(all, name)
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no model %s in the store", ErrRefused, name)
	}
	return out, nil
}

// versionsIn are the versions of model name that keys hold a model file of.
func versionsIn(keys []string, name string) []string {
	var out []string
	for _, k := range keys {
		if n, v, ok := parseModelKey(k); ok && n == name {
			out = append(out, v)
		}
	}
	return out
}

// newer orders summaries newest first: by the end of the training window,
// then its start, then by version.
func newer(a, b *Summary) bool {
	wa, wb := a.Window(), b.Window()
	if ka, kb := windowKey(wa), windowKey(wb); ka != kb {
		return ka > kb
	}
	return a.Version < b.Version
}

// windowKey sorts windows by their end, then their start ("" for none).
func windowKey(w *Window) string {
	if w == nil {
		return ""
	}
	return w.To + "/" + w.From
}

// Summarize reads one version of model name: its file (or why it does
// not load), its metrics.json and whether it is the champion. A missing
// version is refused.
func (r *Registry) Summarize(ctx context.Context, name, version string) (*Summary, error) {
	s, err := r.summarize(ctx, name, version)
	if err != nil {
		return nil, err
	}
	cur, err := r.currentChampion(ctx, name)
	s.Champion = cur != nil && cur.Version == version
	return s, err
}

// summarize reads one version of model name, all but whether it is the
// champion.
func (r *Registry) summarize(ctx context.Context, name, version string) (*Summary, error) {
	b, err := r.read(ctx, modelKey, name, version)
	if err != nil {
		return nil, err
	}
	s := &Summary{Version: version}
	if s.File, err = decode(name, version, b); err != nil {
		s.Problem = err.Error()
	}
	s.Metrics, err = r.ReadMetrics(ctx, name, version)
	return s, err
}
