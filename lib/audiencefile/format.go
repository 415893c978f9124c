package audiencefile

import (
	"slices"
	"strconv"
)

// Format is the file format of one ad platform. The zero Format is not a
// format: NewEncoder and NewWriter refuse it.
type Format int

// The formats.
const (
	// Google is the Google Ads Customer Match CSV.
	Google Format = iota + 1
	// Meta is the Meta (Facebook) custom audience customer-list CSV.
	Meta
)

// The columns both formats start with, in this order; Stats reads them.
const (
	colEmail = iota
	colPhone
	colFirstName
	colLastName
)

// String is the platform's name, "google" or "meta", or "format(N)".
func (f Format) String() string {
	switch f {
	case Google:
		return "google"
	case Meta:
		return "meta"
	}
	return "format(" + strconv.Itoa(int(f)) + ")"
}

// Header returns the header row of f, the column names exactly as the
// platform documents them (a new slice each call), or nil for a zero or
// unknown Format.
//
//	Google: Email,Phone,First Name,Last Name,Country,Zip
//	Meta:   email,phone,fn,ln,ct,st,zip,country
func (f Format) Header() []string {
	switch f {
	case Google:
		return []string{"Email", "Phone", "First Name", "Last Name", "Country", "Zip"}
	case Meta:
		return []string{"email", "phone", "fn", "ln", "ct", "st", "zip", "country"}
	}
	return nil
}

// valid reports whether f is one of the formats.
func (f Format) valid() bool {
	return slices.Contains([]Format{Google, Meta}, f)
}
