package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

var _ Conditional = (*S3)(nil)

// Create puts b with If-None-Match: *, which S3 refuses with 412
// PreconditionFailed when the key exists (409 ConditionalRequestConflict
// while another conditional write of the key is in flight).
func (s *S3) Create(ctx context.Context, key string, b []byte) (string, error) {
	return s.putIf(ctx, "create", key, b, func(in *s3.PutObjectInput) { in.IfNoneMatch = aws.String("*") })
}

// Replace puts b with If-Match: tag, which S3 refuses when the object has
// another ETag (412) or is gone (404).
func (s *S3) Replace(ctx context.Context, key, tag string, b []byte) (string, error) {
	return s.putIf(ctx, "replace", key, b, func(in *s3.PutObjectInput) { in.IfMatch = aws.String(tag) })
}

// putIf puts b under key in one request, on the condition cond sets, and
// returns the new ETag.
func (s *S3) putIf(ctx context.Context, op, key string, b []byte, cond func(*s3.PutObjectInput)) (string, error) {
	if err := ValidKey(key); err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	in := &s3.PutObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.objectKey(key)), Body: bytes.NewReader(b)}
	cond(in)
	out, err := s.client.PutObject(ctx, in)
	if err != nil {
		if isS3Precondition(err) || isS3NotFound(err) {
			return "", fmt.Errorf("%s %s: %w", op, key, ErrPrecondition)
		}
		return "", fmt.Errorf("%s %s: %w", op, key, err)
	}
	return aws.ToString(out.ETag), nil
}

// Read gets the object with its ETag.
func (s *S3) Read(ctx context.Context, key string) ([]byte, string, error) {
	if err := ValidKey(key); err != nil {
		return nil, "", fmt.Errorf("read: %w", err)
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.objectKey(key))})
	if err != nil {
		if isS3NotFound(err) {
			return nil, "", fmt.Errorf("read %s: %w", key, ErrNotFound)
		}
		return nil, "", fmt.Errorf("read %s: %w", key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		return nil, "", fmt.Errorf("read %s: %w", key, err)
	}
	return b, aws.ToString(out.ETag), nil
}

// Remove deletes the object with If-Match: tag. A server that ignores the
// header on DELETE would delete any version: Remove checks the ETag with a
// HEAD request first, so only a change between the two goes unnoticed.
func (s *S3) Remove(ctx context.Context, key, tag string) error {
	if err := ValidKey(key); err != nil {
		return fmt.Errorf("remove: %w", err)
	}
	head, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.objectKey(key))})
	switch {
	case err != nil && isS3NotFound(err):
		return nil
	case err != nil:
		return fmt.Errorf("remove %s: %w", key, err)
	case aws.ToString(head.ETag) != tag:
		return fmt.Errorf("remove %s: %w", key, ErrPrecondition)
	}
	_, err = s.client.DeleteObject(ctx, &s3.DeleteObjectInput{
		Bucket: aws.String(s.bucket), Key: aws.String(s.objectKey(key)), IfMatch: aws.String(tag),
	})
	switch {
	case err == nil, isS3NotFound(err):
		return nil
	case isS3Precondition(err):
		return fmt.Errorf("remove %s: %w", key, ErrPrecondition)
	default:
		return fmt.Errorf("remove %s: %w", key, err)
	}
}

// isS3Precondition reports whether S3 refused a conditional request: 412
// PreconditionFailed, or 409 ConditionalRequestConflict.
func isS3Precondition(err error) bool {
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "PreconditionFailed", "ConditionalRequestConflict":
			return true
		}
	}
	var re *smithyhttp.ResponseError
	return errors.As(err, &re) && (re.HTTPStatusCode() == 412 || re.HTTPStatusCode() == 409)
}
