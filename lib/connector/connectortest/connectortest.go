// Package connectortest holds what the connectors' tests share.
package connectortest

import (
	"net/http"
	"net/url"
)

// Response is an answer with status and header to a request of method for
// rawURL, as a Policy classifies it.
func Response(method, rawURL string, status int, header map[string]string) *http.Response {
	h := http.Header{}
	for k, v := range header {
		h.Set(k, v)
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		panic(err)
	}
	return &http.Response{StatusCode: status, Header: h, Request: &http.Request{Method: method, URL: u}}
}
