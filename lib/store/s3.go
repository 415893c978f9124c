package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// S3Config says where an S3 store lives and how to reach it.
type S3Config struct {
	// Bucket is the bucket name; required.
	Bucket string
	// Prefix is an optional key prefix inside the bucket, without leading
	// or trailing slash ("segmint/prod"). Store keys live under Prefix+"/".
	Prefix string
	// Endpoint is an optional endpoint URL for S3-compatible servers
	// ("http://127.0.0.1:9000"); empty means AWS (or AWS_ENDPOINT_URL).
	Endpoint string
	// Region is the signing region. Empty means the SDK's own setting
	// (AWS_REGION, shared config), and "us-east-1" if that is empty too.
	Region string
	// PathStyle addresses buckets as ENDPOINT/BUCKET/KEY instead of
	// BUCKET.ENDPOINT/KEY; most self-hosted servers need it.
	PathStyle bool
	// AccessKeyID, SecretAccessKey and SessionToken are optional static
	// credentials. When AccessKeyID is empty the SDK's default credential
	// chain is used (AWS_ACCESS_KEY_ID etc., shared files, instance roles).
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	// MaxAttempts bounds the attempts of one request, the first included
	// (1 = no retry); 0 means DefaultMaxAttempts.
	MaxAttempts int
	// MaxBackoff caps the wait before a retry (exponential with jitter);
	// 0 means DefaultMaxBackoff.
	MaxBackoff time.Duration
}

// partSize is the size of one part of a multipart upload, and the size
// above which Put uploads in parts: 5 MiB, S3's smallest part and the
// default of the SDK's former upload manager, which Put used before the
// transfer manager (whose defaults, 8 MiB parts above 16 MiB, would upload
// objects of 5 to 16 MiB in one request).
const partSize = 5 << 20

// S3 is a Store in an S3 (or S3-compatible) bucket. Put streams through the
// SDK's transfer manager, which switches to a multipart upload for large
// objects; S3 itself makes the new object visible only once complete.
type S3 struct {
	client   *s3.Client
	uploader *transfermanager.Client
	bucket   string
	prefix   string // "" or "some/prefix/" (with the trailing slash)
}

var _ Store = (*S3)(nil)

// NewS3 builds an S3 store from cfg. It does not contact the server.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	awsCfg, err := loadAWSConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("new s3 store: load aws config: %w", err)
	}
	client := newS3Client(awsCfg, cfg)
	s := &S3{client: client, uploader: newUploader(client, awsCfg), bucket: cfg.Bucket}
	if cfg.Prefix != "" {
		s.prefix = cfg.Prefix + "/"
	}
	return s, nil
}

// check reports a configuration without a bucket or with a prefix that is
// no valid key.
func (cfg S3Config) check() error {
	if cfg.Bucket == "" {
		return errors.New("new s3 store: empty bucket")
	}
	if cfg.Prefix != "" {
		if err := ValidKey(cfg.Prefix); err != nil {
			return fmt.Errorf("new s3 store: prefix: %w", err)
		}
	}
	return nil
}

// newUploader makes the transfer manager that Put streams through, in
// parts of partSize.
func newUploader(client *s3.Client, awsCfg aws.Config) *transfermanager.Client {
	return transfermanager.New(client, func(o *transfermanager.Options) {
		o.PartSizeBytes = partSize
		o.MultipartUploadThreshold = partSize
		// The transfer manager's own checksum setting overrides the
		// client's; follow the configured one (AWS_REQUEST_CHECKSUM_CALCULATION),
		// which S3-compatible servers without CRC32 support need.
		o.RequestChecksumCalculation = awsCfg.RequestChecksumCalculation
		// Abort a failed multipart upload on a context of its own, so that
		// an interrupted run does not leave its parts in the bucket.
		o.FailTimeout = 30 * time.Second
	})
}

// loadAWSConfig loads the AWS configuration with the region, static
// credentials and retry budget cfg sets, in us-east-1 when no region is
// set anywhere.
// The SDK's retryer is the only retry layer: nothing in segmint wraps S3
// calls in a loop of its own.
func loadAWSConfig(ctx context.Context, cfg S3Config) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if cfg.Region != "" {
		opts = append(opts, config.WithRegion(cfg.Region))
	}
	if cfg.AccessKeyID != "" {
		opts = append(opts, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(cfg.AccessKeyID, cfg.SecretAccessKey, cfg.SessionToken)))
	}
	opts = append(opts, config.WithRetryer(cfg.retryer()))
	awsCfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, err
	}
	if awsCfg.Region == "" {
		awsCfg.Region = "us-east-1"
	}
	return awsCfg, nil
}

// newS3Client makes the S3 client, at cfg's endpoint and addressing style.
func newS3Client(awsCfg aws.Config, cfg S3Config) *s3.Client {
	return s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
		o.UsePathStyle = cfg.PathStyle
		// A multipart object carries a checksum of checksums that the SDK
		// cannot check on Get; it then logs a warning to stderr on every
		// read. Single-part objects are still validated.
		o.DisableLogOutputChecksumValidationSkipped = true
	})
}

// String names the store as "s3://bucket/prefix" (or "s3://bucket").
func (s *S3) String() string {
	if s.prefix == "" {
		return "s3://" + s.bucket
	}
	return "s3://" + s.bucket + "/" + strings.TrimSuffix(s.prefix, "/")
}

// Client returns the underlying SDK client, for callers that need more.
func (s *S3) Client() *s3.Client { return s.client }

func (s *S3) objectKey(key string) string { return s.prefix + key }

// Put uploads r under key; large objects go up as a multipart upload.
func (s *S3) Put(ctx context.Context, key string, r io.Reader) error {
	if err := ValidKey(key); err != nil {
		return fmt.Errorf("put: %w", err)
	}
	_, err := s.uploader.UploadObject(ctx, &transfermanager.UploadObjectInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(s.objectKey(key)),
		Body:   r,
	})
	if err != nil {
		return s3Error("put "+key, err)
	}
	return nil
}

// Get opens the object for reading; close the reader when done.
func (s *S3) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := ValidKey(key); err != nil {
		return nil, fmt.Errorf("get: %w", err)
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(s.objectKey(key)),
	})
	if err != nil {
		if isS3NotFound(err) {
			return nil, fmt.Errorf("get %s: %w", key, ErrNotFound)
		}
		return nil, s3Error("get "+key, err)
	}
	return &s3Body{ReadCloser: out.Body, key: key}, nil
}

// Stat describes one object with a HEAD request.
func (s *S3) Stat(ctx context.Context, key string) (Info, error) {
	if err := ValidKey(key); err != nil {
		return Info{}, fmt.Errorf("stat: %w", err)
	}
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(s.objectKey(key)),
	})
	if err != nil {
		if isS3NotFound(err) {
			return Info{}, fmt.Errorf("stat %s: %w", key, ErrNotFound)
		}
		return Info{}, s3Error("stat "+key, err)
	}
	return Info{Key: key, Size: aws.ToInt64(out.ContentLength), ModTime: aws.ToTime(out.LastModified)}, nil
}

// List returns every object whose key starts with prefix (a plain string
// prefix, as S3 itself does it), with the store's Prefix stripped, sorted
// by key. Bucket entries that are no valid key (such as "folder/" markers
// made by other tools) are skipped.
func (s *S3) List(ctx context.Context, prefix string) ([]Info, error) {
	p := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{
		Bucket: aws.String(s.bucket),
		Prefix: aws.String(s.objectKey(prefix)),
	})
	out := []Info{}
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, s3Error("list "+prefix, err)
		}
		for _, o := range page.Contents {
			key, ok := strings.CutPrefix(aws.ToString(o.Key), s.prefix)
			if !ok || ValidKey(key) != nil {
				continue
			}
			out = append(out, Info{Key: key, Size: aws.ToInt64(o.Size), ModTime: aws.ToTime(o.LastModified)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// Delete removes the object; S3 treats a missing key as success.
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := ValidKey(key); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(s.objectKey(key)),
	})
	if err != nil && !isS3NotFound(err) {
		return s3Error("delete "+key, err)
	}
	return nil
}

// EnsureBucket creates the bucket when it does not exist yet (for tests and
// first-run setup).
func (s *S3) EnsureBucket(ctx context.Context) error {
	_, err := s.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(s.bucket)})
	if err == nil {
		return nil
	}
	var nf *types.NotFound
	var nb *types.NoSuchBucket
	if !errors.As(err, &nf) && !errors.As(err, &nb) {
		return s3Error("check bucket "+s.bucket, err)
	}
	return s.createBucket(ctx)
}

// createBucket creates the bucket in the client's region; one that we
// already own (created concurrently by us) counts as created.
func (s *S3) createBucket(ctx context.Context) error {
	in := &s3.CreateBucketInput{Bucket: aws.String(s.bucket)}
	if region := s.client.Options().Region; region != "us-east-1" {
		in.CreateBucketConfiguration = &types.CreateBucketConfiguration{
			LocationConstraint: types.BucketLocationConstraint(region),
		}
	}
	if _, err := s.client.CreateBucket(ctx, in); err != nil {
		var owned *types.BucketAlreadyOwnedByYou
		if errors.As(err, &owned) {
			return nil
		}
		return s3Error("create bucket "+s.bucket, err)
	}
	return nil
}

// isS3NotFound reports whether err says the object does not exist:
// NoSuchKey (GetObject), NotFound (HeadObject), or a bare 404 — but not a
// missing bucket, which is a configuration error rather than a missing key.
func isS3NotFound(err error) bool {
	var nsk *types.NoSuchKey
	var nf *types.NotFound
	if errors.As(err, &nsk) || errors.As(err, &nf) {
		return true
	}
	var nb *types.NoSuchBucket
	if errors.As(err, &nb) {
		return false
	}
	var api smithy.APIError
	if errors.As(err, &api) && api.ErrorCode() == "NoSuchBucket" {
		return false
	}
	var re *smithyhttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() == 404
}
