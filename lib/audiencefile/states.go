package audiencefile

// stateName is a state or province name folded as fold(name, "") folds it,
// its lower-case two-letter code, and its country's ISO alpha-2 code.
type stateName struct{ name, code, country string }

// stateNames lists the 50 U.S. states and the District of Columbia with
// their ANSI (USPS) codes, which Meta asks for, and the 13 Canadian
// provinces and territories with their Canada Post codes.
func stateNames() []stateName {
	return []stateName{
		{"alabama", "al", "US"}, {"alaska", "ak", "US"}, {"arizona", "az", "US"},
		{"arkansas", "ar", "US"}, {"california", "ca", "US"}, {"colorado", "co", "US"},
		{"connecticut", "ct", "US"}, {"delaware", "de", "US"}, {"districtofcolumbia", "dc", "US"},
		{"florida", "fl", "US"}, {"georgia", "ga", "US"}, {"hawaii", "hi", "US"},
		{"idaho", "id", "US"}, {"illinois", "il", "US"}, {"indiana", "in", "US"},
		{"iowa", "ia", "US"}, {"kansas", "ks", "US"}, {"kentucky", "ky", "US"},
		{"louisiana", "la", "US"}, {"maine", "me", "US"}, {"maryland", "md", "US"},
		{"massachusetts", "ma", "US"}, {"michigan", "mi", "US"}, {"minnesota", "mn", "US"},
		{"mississippi", "ms", "US"}, {"missouri", "mo", "US"}, {"montana", "mt", "US"},
		{"nebraska", "ne", "US"}, {"nevada", "nv", "US"}, {"newhampshire", "nh", "US"},
		{"newjersey", "nj", "US"}, {"newmexico", "nm", "US"}, {"newyork", "ny", "US"},
		{"northcarolina", "nc", "US"}, {"northdakota", "nd", "US"}, {"ohio", "oh", "US"},
		{"oklahoma", "ok", "US"}, {"oregon", "or", "US"}, {"pennsylvania", "pa", "US"},
		{"rhodeisland", "ri", "US"}, {"southcarolina", "sc", "US"}, {"southdakota", "sd", "US"},
		{"tennessee", "tn", "US"}, {"texas", "tx", "US"}, {"utah", "ut", "US"},
		{"vermont", "vt", "US"}, {"virginia", "va", "US"}, {"washington", "wa", "US"},
		{"westvirginia", "wv", "US"}, {"wisconsin", "wi", "US"}, {"wyoming", "wy", "US"},
		{"alberta", "ab", "CA"}, {"britishcolumbia", "bc", "CA"}, {"manitoba", "mb", "CA"},
		{"newbrunswick", "nb", "CA"}, {"newfoundlandandlabrador", "nl", "CA"},
		{"northwestterritories", "nt", "CA"}, {"novascotia", "ns", "CA"}, {"nunavut", "nu", "CA"},
		{"ontario", "on", "CA"}, {"princeedwardisland", "pe", "CA"}, {"quebec", "qc", "CA"},
		{"québec", "qc", "CA"}, {"saskatchewan", "sk", "CA"}, {"yukon", "yt", "CA"},
	}
}

// stateIndex is stateNames by name.
func stateIndex() map[string]stateName {
	m := make(map[string]stateName)
	for _, st := range stateNames() {
		m[st.name] = st
	}
	return m
}
