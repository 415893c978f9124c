// Package normalize turns identifiers and reference values into the one
// spelling that identity resolution and the customer view compare: e-mail
// addresses, phone numbers in E.164, ISO 3166-1 country codes with their UN
// M49 region, amounts converted between currencies with a configured rates
// table, and local timestamps converted to UTC.
//
// Every function is pure and safe for concurrent use. Values that cannot be
// normalised are reported (ok=false or an error), never guessed: a wrong
// identifier links strangers, a missing one only misses a link.
package normalize
