package command

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"syscall"

	"github.com/segmint/segmint/lib/connector/hubspot"
	"github.com/segmint/segmint/lib/connector/meta"
	"github.com/segmint/segmint/lib/connector/salesforce"
	"github.com/segmint/segmint/lib/httpclient"
	"github.com/segmint/segmint/lib/step"
)

// Exit codes, for a scheduler to act on.
const (
	// exitOK: done.
	exitOK = 0
	// exitFailed: the run failed and a person must look (a bad export, a
	// quality gate, a currency without a rate, a missing input).
	exitFailed = 1
	// exitUsage: bad usage or configuration (unknown command or flag, bad
	// or future date, every problem of the configuration at once).
	exitUsage = 2
	// exitLocked: another run holds the lock of the date.
	exitLocked = 3
	// exitRetry: a transient failure worth retrying later (the store or an
	// API unreachable, a timeout, throttling or server errors beyond the
	// retry budget).
	exitRetry = 4
)

// exitCodesText is how segmint help and each --help name the exit codes.
const exitCodesText = `exit codes: 0 done, 1 the run failed (a person must look), 2 bad usage or
configuration, 3 another run holds the date's lock, 4 a transient failure
(store or API unreachable, timeouts, throttling): retry later.`

// exitCoder is an error that decides its own exit code. The first one in
// an error's chain wins over every class below.
type exitCoder interface{ ExitCode() int }

// errorClass is one class of errors with its exit code.
type errorClass struct {
	code int
	is   func(error) bool
}

// errorClasses are the classes exitCode tries, in order, after an
// exitCoder; an error of none of them is exitFailed. Add a class here.
func errorClasses() []errorClass {
	return []errorClass{
		{exitUsage, step.IsUsage},
		{exitRetry, isTransient},
	}
}

// exitCode is the exit code of a command that ended with err.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var ec exitCoder
	if errors.As(err, &ec) {
		return ec.ExitCode()
	}
	for _, c := range errorClasses() {
		if c.is(err) {
			return c.code
		}
	}
	return exitFailed
}

// transientErrors are the errors (system errors of a connection, a
// remote call past its deadline, a connection cut mid-body, the platforms'
// spent request limits) that may well go away later.
func transientErrors() []error {
	return []error{syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.ECONNABORTED, syscall.EPIPE,
		syscall.ETIMEDOUT, syscall.EHOSTUNREACH, syscall.ENETUNREACH, syscall.ENETDOWN,
		context.DeadlineExceeded, io.ErrUnexpectedEOF,
		hubspot.ErrDailyLimit, salesforce.ErrRequestLimit, meta.ErrThrottled, meta.ErrReportTimeout}
}

// isTransient reports whether err is a failure worth retrying later: one
// of transientErrors, a network timeout, or an HTTP 429 or 5xx that
// outlasted the retries (of lib/httpclient, or of the S3 SDK, whose
// response errors have an HTTPStatusCode method).
func isTransient(err error) bool {
	for _, target := range transientErrors() {
		if errors.Is(err, target) {
			return true
		}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	var he *httpclient.HTTPError
	if errors.As(err, &he) && retryLater(he.StatusCode) {
		return true
	}
	var sc interface{ HTTPStatusCode() int }
	return errors.As(err, &sc) && retryLater(sc.HTTPStatusCode())
}

// retryLater reports whether an HTTP status says "not now": throttled or a
// server error.
func retryLater(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500
}
