package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// ErrUnavailable is wrapped by the error of a store operation that failed
// for a reason worth retrying later, once the store's own retries are
// spent: the server unreachable, connections dropped, 5xx answers,
// throttling (S3 SlowDown). A missing key, a denied request or a bad
// configuration does not wrap it, nor does a cancelled context.
var ErrUnavailable = errors.New("store unavailable")

// The retry budget of one S3 request when S3Config leaves it unset: the
// SDK's default of 3 attempts fails a nightly run at a 10% rate of 500s,
// 10 attempts with backoff up to 20 s ride out a few minutes of trouble.
const (
	DefaultMaxAttempts = 10
	DefaultMaxBackoff  = 20 * time.Second
)

// retryer is the SDK's standard retryer with cfg's budget: the one retry
// layer of the S3 store. Each request gets the whole budget: the SDK's
// client-wide retry quota (a token bucket that stops all retries after a
// burst of failures, meant for long-lived services) is off, since a batch
// run would rather wait its backoff than fail its remaining requests.
func (cfg S3Config) retryer() func() aws.Retryer {
	attempts, backoff := cfg.MaxAttempts, cfg.MaxBackoff
	if attempts <= 0 {
		attempts = DefaultMaxAttempts
	}
	if backoff <= 0 {
		backoff = DefaultMaxBackoff
	}
	return func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = attempts
			o.MaxBackoff = backoff
			o.RateLimiter = ratelimit.None
		})
	}
}

// s3Error wraps the error of S3 operation op on key ("put raw/x"), adding
// ErrUnavailable when the failure is transient.
func s3Error(op string, err error) error {
	if transient(err) {
		return fmt.Errorf("%s: %w: %w", op, ErrUnavailable, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// transient reports whether err, an S3 request's error after the SDK's
// retries, is one the SDK itself retries (connection errors, 500, 502,
// 503, 504, throttling codes) or its retries running out on such errors.
func transient(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var quota ratelimit.QuotaExceededError
	if errors.As(err, &quota) {
		return true
	}
	return retry.IsErrorRetryables(retry.DefaultRetryables).IsErrorRetryable(err) == aws.TrueTernary
}

// s3Body is the body of a Get. The SDK retries a request until its answer
// starts; a connection lost while the body streams fails the read, which
// then wraps ErrUnavailable too.
type s3Body struct {
	io.ReadCloser
	key string
}

func (b *s3Body) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == nil || err == io.EOF {
		return n, err
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return n, fmt.Errorf("read %s: %w: %w", b.key, ErrUnavailable, err)
	}
	return n, s3Error("read "+b.key, err)
}
