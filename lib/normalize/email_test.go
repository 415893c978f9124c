package normalize

import (
	"strings"
	"testing"
)

func TestEmail(t *testing.T) {
	cases := []struct {
		name, in, want string
		ok             bool
	}{
		{"plain", "ann@example.com", "ann@example.com", true},
		{"trim and lower", "  Ann.Smith@Example.COM\t\n", "ann.smith@example.com", true},
		{"plus tag kept", "Ann+News@example.com", "ann+news@example.com", true},
		{"gmail dots kept", "a.n.n@gmail.com", "a.n.n@gmail.com", true},
		{"subdomain", "x@mail.example.co.uk", "x@mail.example.co.uk", true},
		{"non-breaking space trimmed", "\u00a0bob@example.org\u00a0", "bob@example.org", true},
		{"unicode lowered", "ÉLODIE@exemple.fr", "élodie@exemple.fr", true},
		{"empty", "", "", false},
		{"blank", "   ", "", false},
		{"no at", "ann.example.com", "", false},
		{"two ats", "ann@b@example.com", "", false},
		{"empty local", "@example.com", "", false},
		{"empty domain", "ann@", "", false},
		{"no dot in domain", "ann@localhost", "", false},
		{"space inside", "ann smith@example.com", "", false},
		{"space in domain", "ann@exam ple.com", "", false},
		{"tab inside", "ann\t@example.com", "", false},
		{"display name", "Ann <ann@example.com>", "", false},
		{"brackets", "<ann@example.com>", "", false},
		{"comma list", "ann@example.com,bob@example.com", "", false},
		{"leading dot in domain", "ann@.example.com", "", false},
		{"trailing dot in domain", "ann@example.com.", "", false},
		{"double dot in domain", "ann@example..com", "", false},
		{"control char", "ann\x00@example.com", "", false},
		{"invalid utf-8", "ann\xff@example.com", "", false},
		{"null word", "null", "", false},
		{"too long", strings.Repeat("a", 250) + "@x.com", "", false},
		{"longest", strings.Repeat("a", 248) + "@x.com", strings.Repeat("a", 248) + "@x.com", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Email(tc.in)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("Email(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestHash(t *testing.T) {
	cases := []struct{ in, want string }{
		// sha256sum of the bytes, lower-case hex.
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"test@example.com", "973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b"},
		{"+14155552671", "cb6880e416769253645cb9c6b8989154bf66a56a77fc14c81fb1019663cbb928"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			if got := Hash(tc.in); got != tc.want {
				t.Fatalf("Hash(%q) = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
	t.Run("normalised e-mail", func(t *testing.T) {
		e, ok := Email("  Test@Example.COM ")
		if !ok || Hash(e) != Hash("test@example.com") {
			t.Fatalf("Email then Hash differs from the hash of the normalised address")
		}
	})
}

func FuzzEmail(f *testing.F) {
	for _, s := range []string{"ann@example.com", " Ann+X@Example.COM ", "a@b", "@", "a@b..c", "É@é.fr", "\u212a@x.y", "ǅ@x.y", "\xff", "a\u0130@x.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, ok := Email(in)
		if !ok {
			if out != "" {
				t.Fatalf("Email(%q) = %q with ok=false", in, out)
			}
			return
		}
		again, ok2 := Email(out)
		if !ok2 || again != out {
			t.Fatalf("not idempotent: Email(%q) = %q, Email(%q) = %q, %v", in, out, out, again, ok2)
		}
		if strings.Count(out, "@") != 1 || len(out) > MaxEmailLen || out != strings.ToLower(out) {
			t.Fatalf("Email(%q) = %q breaks its contract", in, out)
		}
	})
}
