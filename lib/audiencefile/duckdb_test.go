package audiencefile_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/segmint/segmint/lib/audiencefile"
	"github.com/segmint/segmint/lib/duckdbtest"
)

// TestDuckDBReadsFiles: DuckDB, as an analyst would open the files, reads
// each with the platform's column names, and its own sha256() of the
// platforms' documented normalised values equals the cells: Google's Data
// Manager e-mail and phone examples, Meta's Customer Information
// Parameters examples.
func TestDuckDBReadsFiles(t *testing.T) {
	db := duckdbtest.Open(t)
	google := writeFile(t, audiencefile.Google, audiencefile.Person{
		Email: "cloudy.sanfrancisco+shopping@gmail.com", Phone: "(800)555-0100",
		FirstName: "Zoë", LastName: "Pérez", Country: "USA", Zip: "94016",
	})
	meta := writeFile(t, audiencefile.Meta, audiencefile.Person{
		Email: "John_Smith@gmail.com", Phone: "(650)555-1212", FirstName: "Mary", LastName: "Valéry",
		City: "New York", State: "California", Zip: "94035-1234", Country: "United States",
	})
	checks := []string{
		`SELECT count(*) = 1 AND bool_and("Email" = sha256('cloudysanfrancisco@gmail.com')
			AND "Phone" = sha256('+18005550100') AND "First Name" = sha256('zoë')
			AND "Last Name" = sha256('pérez') AND "Country" = 'US' AND "Zip" = '94016')
			FROM read_csv('` + google + `', header = true, all_varchar = true)`,
		`SELECT count(*) = 1 AND bool_and(email = sha256('john_smith@gmail.com')
			AND phone = sha256('16505551212') AND fn = sha256('mary') AND ln = sha256('valéry')
			AND ct = sha256('newyork') AND st = sha256('ca') AND zip = sha256('94035')
			AND country = sha256('us'))
			FROM read_csv('` + meta + `', header = true, all_varchar = true)`,
	}
	for _, q := range checks {
		var ok bool
		if err := db.QueryRowContext(t.Context(), q).Scan(&ok); err != nil || !ok {
			t.Errorf("%s: %v, %v", q, ok, err)
		}
	}
}

// writeFile writes ps as an audience file of format f in a test directory.
func writeFile(t *testing.T, f audiencefile.Format, ps ...audiencefile.Person) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), f.String()+".csv")
	out, _ := writeAll(t, f, ps)
	if err := os.WriteFile(path, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
