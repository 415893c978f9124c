package storetest

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/segmint/segmint/lib/store"
)

// S3 opens the test S3 server (SEGMINT_TEST_S3_ENDPOINT, started by
// .ci/s3-server.sh) under a fresh random prefix that starts with name, or
// skips the test when no server is configured (fails instead in CI or with
// SEGMINT_REQUIRE_S3=1).
func S3(t *testing.T, name string) *store.S3 {
	t.Helper()
	endpoint, bucket := S3Endpoint(t), S3Bucket()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	s, err := store.NewS3(t.Context(), store.S3Config{
		Bucket: bucket, Prefix: name + "-" + hex.EncodeToString(b[:]), Endpoint: endpoint, PathStyle: true,
		AccessKeyID: os.Getenv("SEGMINT_TEST_S3_ACCESS_KEY"), SecretAccessKey: os.Getenv("SEGMINT_TEST_S3_SECRET_KEY"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureBucket(t.Context()); err != nil {
		t.Fatal(err)
	}
	return s
}

// S3Endpoint is the test S3 server's endpoint (SEGMINT_TEST_S3_ENDPOINT,
// set by .ci/s3-server.sh); it skips the test when none is configured, and
// fails it instead in CI or with SEGMINT_REQUIRE_S3=1.
func S3Endpoint(t testing.TB) string {
	t.Helper()
	endpoint := os.Getenv("SEGMINT_TEST_S3_ENDPOINT")
	if endpoint == "" {
		msg := `SEGMINT_TEST_S3_ENDPOINT is unset; start a server with: eval "$(.ci/s3-server.sh start)"`
		if os.Getenv("CI") == "true" || os.Getenv("SEGMINT_REQUIRE_S3") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return endpoint
}

// S3Bucket is the bucket of the S3 tests: SEGMINT_TEST_S3_BUCKET, default
// segmint-test.
func S3Bucket() string {
	if b := os.Getenv("SEGMINT_TEST_S3_BUCKET"); b != "" {
		return b
	}
	return "segmint-test"
}
