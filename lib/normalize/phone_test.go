package normalize

import (
	"strings"
	"testing"
)

func TestPhone(t *testing.T) {
	cases := []struct {
		name, in, region, want string
	}{
		{"GB plus and (0)", "+44 (0) 20 7946 0018", "GB", "+442079460018"},
		{"GB national", "020 7946 0018", "GB", "+442079460018"},
		{"GB leading 00", "0044 20 7946 0018", "GB", "+442079460018"},
		{"GB parentheses dash", "(020) 7946-0018", "GB", "+442079460018"},
		{"GB dots", "020.7946.0018", "GB", "+442079460018"},
		{"GB en dashes", "020\u20137946\u20130018", "GB", "+442079460018"},
		{"GB mobile", "07911 123456", "GB", "+447911123456"},
		{"GB region lower case", "07911 123456", "gb", "+447911123456"},
		{"GB already E.164", "+447911123456", "GB", "+447911123456"},
		{"GB number, US default", "+44 7911 123456", "US", "+447911123456"},
		{"plus number, no region", "+44 20 7946 0018", "", "+442079460018"},
		{"US national", "(415) 555-2671", "US", "+14155552671"},
		{"US with 1", "1-415-555-2671", "US", "+14155552671"},
		{"US dots", "415.555.2671", "US", "+14155552671"},
		{"US IDD 011", "011 44 20 7946 0018", "US", "+442079460018"},
		{"CA", "(416) 979-1234", "CA", "+14169791234"},
		{"DE trunk 0", "030 1234567", "DE", "+49301234567"},
		{"DE plus (0)", "+49 (0)30 1234567", "GB", "+49301234567"},
		{"DE leading 00 slash", "0049 30/1234567", "DE", "+49301234567"},
		{"FR fixed", "01 23 45 67 89", "FR", "+33123456789"},
		{"FR mobile", "06.12.34.56.78", "FR", "+33612345678"},
		{"NL fixed", "020-1234567", "NL", "+31201234567"},
		{"NL mobile", "06-12345678", "NL", "+31612345678"},
		{"ES", "912 34 56 78", "ES", "+34912345678"},
		{"IT keeps its 0", "06 1234 5678", "IT", "+390612345678"},
		{"IT mobile", "347 123 4567", "IT", "+393471234567"},
		{"PT", "212 345 678", "PT", "+351212345678"},
		{"BR mobile", "(11) 91234-5678", "BR", "+5511912345678"},
		{"AU fixed", "(02) 9374 4000", "AU", "+61293744000"},
		{"AU mobile", "0412 345 678", "AU", "+61412345678"},
		{"IE", "087 123 4567", "IE", "+353871234567"},
		{"BE fixed", "02 512 34 56", "BE", "+3225123456"},
		{"BE mobile", "0470 12 34 56", "BE", "+32470123456"},
		{"CH", "044 668 18 00", "CH", "+41446681800"},
		{"SE", "08-123 456 78", "SE", "+46812345678"},
		{"NO", "22 12 34 56", "NO", "+4722123456"},
		{"DK", "32 12 34 56", "DK", "+4532123456"},
		{"PL", "12 345 67 89", "PL", "+48123456789"},
		{"surrounding space", "  020 7946 0018\t", "GB", "+442079460018"},
		// invalid
		{"empty", "", "GB", ""},
		{"blank", "   ", "GB", ""},
		{"zero", "0", "GB", ""},
		{"too short", "12345", "GB", ""},
		{"truncated", "+44 20 7946", "GB", ""},
		{"too long", "+44 20 7946 0018 0000", "GB", ""},
		{"over 15 digits (fuzz)", "21000000000000", "DE", ""},
		{"GB fiction range", "07700 900123", "GB", ""},
		{"US number read as GB", "415.555.2671", "GB", ""},
		{"unknown country code", "+999 123 456", "GB", ""},
		{"no region for national", "(415) 555-2671", "", ""},
		{"unknown region", "(415) 555-2671", "ZZ", ""},
		{"extension", "020 7946 0018 ext 12", "GB", ""},
		{"extension x", "+1 415 555 2671 x12", "US", ""},
		{"vanity letters", "+1 800 FLOWERS", "US", ""},
		{"tel uri", "tel:+442079460018", "GB", ""},
		{"plus inside", "44+2079460018", "GB", ""},
		{"two plus", "++442079460018", "GB", ""},
		{"text", "unknown", "GB", ""},
		{"full-width digits", "０２０ ７９４６ ００１８", "GB", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Phone(tc.in, tc.region)
			if got != tc.want || ok != (tc.want != "") {
				t.Fatalf("Phone(%q, %q) = %q, %v; want %q", tc.in, tc.region, got, ok, tc.want)
			}
		})
	}
}

func TestPhoneRegionSupported(t *testing.T) {
	for _, r := range []string{"GB", "US", "CA", "DE", "FR", "NL", "ES", "IT", "PT", "BR", "AU", "IE", "BE", "CH", "SE", "NO", "DK", "PL", "gb"} {
		if !PhoneRegionSupported(r) {
			t.Errorf("PhoneRegionSupported(%q) = false", r)
		}
	}
	for _, r := range []string{"", "ZZ", "UK", "GBR", "XX"} {
		if PhoneRegionSupported(r) {
			t.Errorf("PhoneRegionSupported(%q) = true", r)
		}
	}
}

func FuzzPhone(f *testing.F) {
	seeds := []struct{ in, region string }{
		{"+44 (0) 20 7946 0018", "GB"}, {"020 7946 0018", "GB"}, {"(415) 555-2671", "US"},
		{"0049 30 1234567", "DE"}, {"06 1234 5678", "IT"}, {"+", "GB"}, {"00", "US"},
		{"011 44 20 7946 0018", "US"}, {"((((1", "ZZ"}, {"+1 800 FLOWERS", "US"},
	}
	for _, s := range seeds {
		f.Add(s.in, s.region)
	}
	f.Fuzz(func(t *testing.T, in, region string) {
		out, ok := Phone(in, region)
		if !ok {
			if out != "" {
				t.Fatalf("Phone(%q, %q) = %q with ok=false", in, region, out)
			}
			return
		}
		if !strings.HasPrefix(out, "+") || len(out) > MaxE164Len || strings.Trim(out[1:], "0123456789") != "" {
			t.Fatalf("Phone(%q, %q) = %q is not E.164", in, region, out)
		}
		for _, r := range []string{region, "", "US", "GB"} {
			if again, ok := Phone(out, r); !ok || again != out {
				t.Fatalf("not idempotent: Phone(%q, %q) = %q, Phone(%q, %q) = %q, %v", in, region, out, out, r, again, ok)
			}
		}
	})
}
