package audiencefile

import (
	"strings"

	"github.com/segmint/segmint/lib/normalize"
)

// googleRow is Row for format Google: Email, Phone, First Name and Last
// Name hashed, Country and Zip plain (see the package comment for sources).
func (e *Encoder) googleRow(p Person) ([]string, bool) {
	cc := e.country(p.Country)
	email, phone := googleEmail(p.Email), e.phone(p.Phone, cc)
	first, last, zip := fold(p.FirstName, " "), fold(p.LastName, " "), googleZip(p.Zip)
	if email == "" && phone == "" && (first == "" || last == "" || cc == "" || zip == "") {
		return nil, false
	}
	return append(hashed(email, phone, first, last), cc, zip), true
}

// googleEmail normalises an address as Google's Data Manager API documents
// it: all white space removed, lower-cased (normalize.Email, which also
// refuses what is not an address), and for gmail.com and googlemail.com the
// local part's dots and any "+tag" removed. It returns "" for a refused
// address.
func googleEmail(raw string) string {
	e, ok := normalize.Email(strings.Join(strings.Fields(raw), ""))
	if !ok {
		return ""
	}
	local, domain, _ := strings.Cut(e, "@")
	if domain == "gmail.com" || domain == "googlemail.com" {
		return gmailAddress(local, domain)
	}
	return e
}

// gmailAddress drops the dots and any "+tag" of a Gmail local part, or
// returns "" when nothing is left of it.
func gmailAddress(local, domain string) string {
	local, _, _ = strings.Cut(local, "+")
	local = strings.ReplaceAll(local, ".", "")
	if local == "" {
		return ""
	}
	return local + "@" + domain
}

// googleZip is the postal code as written, trimmed, white space runs
// collapsed to one space, and only letters, digits, spaces and hyphens kept:
// no postal code has anything else, and a plain cell must not carry a
// spreadsheet formula ("=...") or stray quotes into the file.
func googleZip(raw string) string {
	return squeeze(raw, " ", isZipRune)
}
