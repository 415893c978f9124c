package synth

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/segmint/segmint/lib/money"
)

// File names WriteFiles writes, in the order it writes them.
const (
	ContactsFile    = "crm_contacts.csv"
	TouchpointsFile = "touchpoints.jsonl.gz"
	AdClicksFile    = "ad_clicks.csv"
	CampaignsFile   = "campaigns.csv"
	TruthFile       = "truth.csv"
	AdMetricsFile   = "ad_metrics.csv"
	ConsentFile     = "consent_events.csv"
	DeletionsFile   = "deletion_requests.csv"
	ManifestFile    = "MANIFEST.json"
)

// Time layouts of the files: HubSpot's millisecond UTC form for CRM times,
// RFC 3339 UTC seconds elsewhere.
const (
	crmLayout   = "2006-01-02T15:04:05.000Z"
	eventLayout = "2006-01-02T15:04:05Z"
)

// Manifest describes the files of one WriteFiles call.
type Manifest struct {
	Synthetic bool                `json:"synthetic"`
	Generator string              `json:"generator"`
	Seed      uint64              `json:"seed"`
	Source    string              `json:"source"`
	Start     string              `json:"start"`
	End       string              `json:"end"`
	Persons   int                 `json:"persons"`
	Customers int                 `json:"customers"`
	Files     []ManifestFileEntry `json:"files"`
}

// ManifestFileEntry is one file: its name, data rows (header excluded),
// size in bytes and SHA-256 of its bytes.
type ManifestFileEntry struct {
	Name   string `json:"name"`
	Rows   int    `json:"rows"`
	Bytes  int    `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// WriteFiles writes the dataset into dir (created if missing): the files
// named by the *File constants, replacing any earlier ones. The bytes
// depend on the dataset only (gzip without name or time).
func (d *Dataset) WriteFiles(ctx context.Context, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	files := []struct {
		name   string
		encode func() ([]byte, int, error)
	}{
		{ContactsFile, d.contactsCSV},
		{TouchpointsFile, d.touchpointsJSONL},
		{AdClicksFile, d.adClicksCSV},
		{CampaignsFile, d.campaignsCSV},
		{TruthFile, d.truthCSV},
		{AdMetricsFile, d.adMetricsCSV},
		{ConsentFile, d.consentCSV},
		{DeletionsFile, d.deletionsCSV},
	}
	m := d.newManifest()
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("write %s: %w", f.name, err)
		}
		entry, err := writeFile(dir, f.name, f.encode)
		if err != nil {
			return err
		}
		m.Files = append(m.Files, entry)
	}
	return writeManifest(dir, m)
}

// newManifest is the manifest of the dataset, without its files.
func (d *Dataset) newManifest() Manifest {
	m := Manifest{Synthetic: true, Generator: "github.com/segmint/segmint/testdata/synth", Seed: d.Seed, Source: d.Source,
		Start: d.Start.Format(eventLayout), End: d.End.Format(eventLayout), Persons: len(d.Persons)}
	for _, p := range d.Persons {
		if p.CustomerNumber != "" {
			m.Customers++
		}
	}
	return m
}

// writeFile writes the file name that encode makes into dir: its manifest
// entry.
func writeFile(dir, name string, encode func() ([]byte, int, error)) (ManifestFileEntry, error) {
	b, rows, err := encode()
	if err != nil {
		return ManifestFileEntry{}, fmt.Errorf("encode %s: %w", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		return ManifestFileEntry{}, fmt.Errorf("write %s: %w", name, err)
	}
	sum := sha256.Sum256(b)
	return ManifestFileEntry{name, rows, len(b), hex.EncodeToString(sum[:])}, nil
}

// writeManifest writes the manifest into dir as indented JSON.
func writeManifest(dir string, m Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode manifest: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ManifestFile), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	return nil
}

func writeCSV(head []string, rows [][]string) ([]byte, int, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(head); err != nil {
		return nil, 0, fmt.Errorf("write header: %w", err)
	}
	if err := w.WriteAll(rows); err != nil {
		return nil, 0, fmt.Errorf("write rows: %w", err)
	}
	return buf.Bytes(), len(rows), nil
}

func gz(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, fmt.Errorf("start gzip: %w", err)
	}
	if _, err := zw.Write(b); err != nil {
		return nil, fmt.Errorf("compress: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("finish gzip: %w", err)
	}
	return buf.Bytes(), nil
}

func (d *Dataset) contactsCSV() ([]byte, int, error) {
	rows := make([][]string, len(d.Contacts))
	for i, c := range d.Contacts {
		rows[i] = []string{c.ContactID, c.Email, c.Phone, c.FirstName, c.LastName, c.Country, c.CustomerNumber,
			c.LifecycleStage, c.CreatedAt.UTC().Format(crmLayout), c.UpdatedAt.UTC().Format(crmLayout)}
	}
	return writeCSV([]string{"contact_id", "email", "phone", "firstname", "lastname", "country", "customer_number",
		"lifecyclestage", "createdate", "lastmodifieddate"}, rows)
}

// touchpointJSON fixes the written form of a Touchpoint's time.
type touchpointJSON struct {
	EventID        string `json:"event_id"`
	SessionID      string `json:"session_id"`
	Timestamp      string `json:"timestamp"`
	Source         string `json:"source"`
	EventType      string `json:"event_type"`
	Channel        string `json:"channel"`
	CampaignID     string `json:"campaign_id,omitempty"`
	ClickID        string `json:"click_id,omitempty"`
	CookieID       string `json:"cookie_id,omitempty"`
	DeviceID       string `json:"device_id,omitempty"`
	Email          string `json:"email,omitempty"`
	CustomerNumber string `json:"customer_number,omitempty"`
	OrderID        string `json:"order_id,omitempty"`
}

func (d *Dataset) touchpointsJSONL() ([]byte, int, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, t := range d.Touchpoints {
		if err := enc.Encode(touchpointJSON{t.EventID, t.SessionID, t.Time.UTC().Format(eventLayout), t.Source, t.EventType,
			t.Channel, t.CampaignID, t.ClickID, t.CookieID, t.DeviceID, t.Email, t.CustomerNumber, t.OrderID}); err != nil {
			return nil, 0, fmt.Errorf("encode event %s: %w", t.EventID, err)
		}
	}
	b, err := gz(buf.Bytes())
	return b, len(d.Touchpoints), err
}

func (d *Dataset) adClicksCSV() ([]byte, int, error) {
	rows := make([][]string, len(d.AdClicks))
	for i, a := range d.AdClicks {
		rows[i] = []string{a.ClickID, a.Platform, a.CampaignID, a.CookieID, a.Time.UTC().Format(eventLayout)}
	}
	return writeCSV([]string{"click_id", "platform", "campaign_id", "cookie_id", "clicked_at"}, rows)
}

func (d *Dataset) campaignsCSV() ([]byte, int, error) {
	date := func(t time.Time) string {
		if t.Year() <= 2000 || t.Year() >= 2100 {
			return ""
		}
		return t.Format(time.DateOnly)
	}
	rows := make([][]string, len(d.Campaigns))
	for i, c := range d.Campaigns {
		rows[i] = []string{c.ID, c.Platform, c.Channel, c.Name, date(c.Start), date(c.End)}
	}
	return writeCSV([]string{"campaign_id", "platform", "channel", "name", "start_date", "end_date"}, rows)
}

func (d *Dataset) truthCSV() ([]byte, int, error) {
	truth := d.Truth()
	rows := make([][]string, len(truth))
	for i, t := range truth {
		rows[i] = []string{t.Kind, t.ID, t.PersonID}
	}
	return writeCSV([]string{"record_kind", "record_id", "person_id"}, rows)
}

func (d *Dataset) adMetricsCSV() ([]byte, int, error) {
	rows := make([][]string, len(d.AdMetrics))
	for i, m := range d.AdMetrics {
		reach := ""
		if m.Reach >= 0 {
			reach = strconv.FormatInt(m.Reach, 10)
		}
		rows[i] = []string{m.Day.Format(time.DateOnly), m.Platform, m.CampaignID, strconv.FormatInt(m.Impressions, 10), reach,
			strconv.FormatInt(m.Clicks, 10), money.Format(m.Spend, 2), m.Currency}
	}
	return writeCSV([]string{"day", "platform", "campaign_id", "impressions", "reach", "clicks", "spend", "currency"}, rows)
}

func (d *Dataset) consentCSV() ([]byte, int, error) {
	rows := make([][]string, len(d.ConsentEvents))
	for i, e := range d.ConsentEvents {
		rows[i] = []string{e.EventID, e.Time.UTC().Format(eventLayout), e.Status, e.Source, e.Email, e.CustomerNumber}
	}
	return writeCSV([]string{"event_id", "changed_at", "status", "source", "email", "customer_number"}, rows)
}

func (d *Dataset) deletionsCSV() ([]byte, int, error) {
	rows := make([][]string, len(d.DeletionRequests))
	for i, r := range d.DeletionRequests {
		rows[i] = []string{r.RequestID, r.Time.UTC().Format(eventLayout), r.Email, r.CustomerNumber}
	}
	return writeCSV([]string{"request_id", "requested_at", "email", "customer_number"}, rows)
}
