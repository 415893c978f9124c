// Package audiencefile writes the customer-list files ad platforms take for
// upload: a Google Ads Customer Match CSV and a Meta custom audience
// customer-list CSV.
//
// Each person's raw identifiers are normalised as the platform documents,
// hashed with SHA-256 (lower-case hex, normalize.Hash) and written with
// encoding/csv. A value that does not normalise leaves its cell empty: a
// hashed column never holds a raw value, nor the hash of the empty string.
// A person without the identifiers the platform needs to match anybody is
// left out of the file and counted (Stats.LeftOut).
//
// The rules and where they come from:
//
// Google Ads Customer Match (format Google)
//   - Header and columns: "Format your customer data file" and "Formatting
//     guidelines for uploading hashed data" (support.google.com/google-ads/answer/7659867,
//     support.google.com/google-ads/answer/7476159) and the CSV template
//     they link: headers Email, Phone, First Name, Last Name, Country, Zip;
//     "lowercase all characters and remove all extra spaces before, after or
//     in between email addresses and names"; "phone numbers must be
//     formatted as E.164 prior to hashing"; mailing-address matching needs
//     all four of First Name, Last Name, Country and Zip.
//   - Field rules: Data Manager API "Format user data"
//     (developers.google.com/data-manager/api/devguides/concepts/formatting),
//     the upload path Google now recommends for Customer Match: e-mail
//     lower-cased with leading, trailing and intermediate white space
//     removed, and for gmail.com and googlemail.com addresses every "." of
//     the local part removed and a "+" with all that follows it removed
//     ("cloudy.sanfrancisco+shopping@gmail.com" -> "cloudysanfrancisco@gmail.com";
//     other domains keep both: "user.name+NYC@Example.com" ->
//     "user.name+nyc@example.com"); phone in E.164 with the "+" and the
//     country code ("(800)555-0100" in the US -> "+18005550100"); given and
//     family name lower-cased, without punctuation, trimmed (AddressInfo in
//     the same API; the Google Ads API's OfflineUserAddressInfo says the
//     same: "lower case only and no punctuation", "remove any extra spaces
//     before, after, and in between"); region code ISO 3166-1 alpha-2 and
//     postal code sent plain, not hashed.
//
// Meta custom audiences (format Meta)
//   - Column keys (email, phone, fn, ln, ct, st, zip, country): Meta Business
//     Help "How to format a customer list" (facebook.com/business/help/2082575038703844).
//   - Normalisation: Marketing API, Custom Audiences, "Hashing and
//     Normalizing Data" (developers.facebook.com/docs/marketing-api/audiences/guides/custom-audiences):
//     EMAIL trimmed and lower-cased; PHONE "remove symbols, letters, and any
//     leading zeroes", with the country code; FN and LN lower case, no
//     punctuation, special characters in UTF-8; CT lower case without
//     punctuation, special characters or white space; ST "the 2-character
//     ANSI abbreviation code, lowercase" for U.S. states, other states lower
//     case without punctuation, special characters or white space; ZIP lower
//     case without white space, "only the first 5 digits for U.S.";
//     COUNTRY the lower-case ISO 3166-1 alpha-2 code.
//   - Worked examples with their SHA-256 (the tests use them): Conversions
//     API "Customer Information Parameters"
//     (developers.facebook.com/docs/marketing-api/conversions-api/parameters/customer-information-parameters),
//     which Meta documents with the same normalisation: "John_Smith@gmail.com"
//     -> "john_smith@gmail.com", US "(650)555-1212" -> "16505551212",
//     "Mary" -> "mary", "Valéry" -> "valéry", "정" kept, city "newyork",
//     state "ca", zip "m11ae", "United States" -> "us".
//
// Phone numbers and e-mail addresses go through lib/normalize (Phone for
// E.164 with libphonenumber's rules, Email for the syntax check), so a
// value the rest of segmint refuses is not published either.
package audiencefile
