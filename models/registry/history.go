package registry

import (
	"context"
	"time"
)

// The actions of the changes in a champion history.
const (
	// ActionCheck is a promotion by the champion/challenger check (Record).
	ActionCheck = "check"
	// ActionPromote is a promotion by hand (Promote).
	ActionPromote = "promote"
	// ActionRollback is a rollback by hand (Rollback).
	ActionRollback = "rollback"
	// ActionEarlier stands for a champion promoted before segmint kept the
	// history: the first entry of a history begun on an older pointer.
	ActionEarlier = "earlier"
)

// Change is one change of a model's champion, as its history keeps it.
//
// The history lives in champion.json itself, beside the pointer, so that
// the pointer and its history are written in one atomic Put: whatever a
// crash interrupts, the last entry of the history is the change to the
// version the pointer names. Entries are only ever appended.
type Change struct {
	// At is when the change was made, RFC 3339 in UTC.
	At     string `json:"at,omitempty"`
	Action string `json:"action"`
	// Version became the champion; Previous was the champion before.
	Version  string `json:"version"`
	Previous string `json:"previous,omitempty"`
	// By names the person who made a change by hand.
	By     string `json:"by,omitempty"`
	Reason string `json:"reason"`
}

// moveChampion points champion.json of model name at d.Challenger with the
// decision d, appending the change c to the history of cur, the champion
// it replaces (nil for none). It is the last write of every change of
// champion.
func (r *Registry) moveChampion(ctx context.Context, name string, cur *Pointer, d Decision, c Change) (*Pointer, error) {
	c.Version, c.At = d.Challenger, r.now().UTC().Format(time.RFC3339)
	if cur != nil {
		c.Previous = cur.Version
	}
	p := &Pointer{Name: name, Version: d.Challenger, Decision: d, History: append(cur.Changes(), c)}
	if err := putJSON(ctx, r.st, ChampionKey(name), p); err != nil {
		return nil, err
	}
	return p, nil
}

// Changes is a copy of p's history, oldest first; nil for a nil p. A
// pointer written before segmint kept the history gets one entry for its
// champion, of action ActionEarlier.
func (p *Pointer) Changes() []Change {
	switch {
	case p == nil:
		return nil
	case len(p.History) == 0:
		return []Change{{Action: ActionEarlier, Version: p.Version, Reason: p.Decision.Reason}}
	}
	return append([]Change(nil), p.History...)
}

// Lineage is the stack of champions p's history has built, oldest first,
// ending with p's version: each promotion pushes its version (unless it
// is already on top) and each rollback pops the version it undid. The
// version under the top is the one Rollback returns to.
func Lineage(p *Pointer) []string {
	var stack []string
	for _, c := range p.Changes() {
		if c.Action == ActionRollback && len(stack) > 0 {
			stack = stack[:len(stack)-1]
		}
		stack = push(stack, c.Version)
	}
	return push(stack, p.Version)
}

// push puts v on top of stack unless it is there already.
func push(stack []string, v string) []string {
	if len(stack) > 0 && stack[len(stack)-1] == v {
		return stack
	}
	return append(stack, v)
}
