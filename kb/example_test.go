package kb_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/linkstream/linkstream/kb"
)

// buildExampleKB builds a KB from a two-page dump into a temporary
// directory and returns that directory; remove dir's parent when done.
func buildExampleKB() (dir string, err error) {
	tmp, err := os.MkdirTemp("", "kb-example-")
	if err != nil {
		return "", err
	}
	dump := filepath.Join(tmp, "pages.xml")
	err = os.WriteFile(dump, []byte(`<mediawiki>
<page><title>Ada Lovelace</title><ns>0</ns><id>1</id><revision><text>'''Ada Lovelace''' was an English mathematician who wrote about the [[Analytical Engine]].</text></revision></page>
<page><title>Analytical Engine</title><ns>0</ns><id>2</id><revision><text>The '''Analytical Engine''' was designed by [[Charles Babbage|Babbage]]. [[Ada Lovelace|Lovelace]] wrote its first program.</text></revision></page>
</mediawiki>`), 0o644)
	if err != nil {
		return "", err
	}
	dir = filepath.Join(tmp, "kb")
	_, err = kb.Build(context.Background(), dir, kb.Dump(dump))
	return dir, err
}

// Example builds a KB from a two-page dump, opens it and looks a surface
// up; then it walks the normalised surfaces as a spotter does.
func Example() {
	dir, err := buildExampleKB()
	defer os.RemoveAll(filepath.Dir(dir))
	var k *kb.KB
	if err == nil {
		k, err = kb.Open(dir)
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	defer k.Close()

	for _, c := range k.Lookup("lovelace") { // normalised fallback: case
		e := k.Entity(c.Entity)
		fmt.Printf("%s prior=%.2f desc=%q\n", e.Title, c.Prior, e.Description)
	}

	w := k.Walker()
	w.Step(kb.Normalize("Analytical"))
	w.Step(" ")
	w.Step(kb.Normalize("Engine"))
	if key, ok := w.Match(); ok {
		fmt.Println("spotted:", k.Entity(k.CandidatesOf(key)[0].Entity).Title)
	}
	// Output:
	// Ada Lovelace prior=1.00 desc="Ada Lovelace was an English mathematician who wrote about the Analytical Engine."
	// spotted: Analytical Engine
}

// ExampleOpen opens a KB directory that Build wrote (`linkstream kb build`
// on the command line) and reads what format.json says of it, then
// resolves a title and follows it to the entity's record. A directory
// that is not a KB is an error, not a panic.
func ExampleOpen() {
	dir, err := buildExampleKB()
	defer os.RemoveAll(filepath.Dir(dir))
	if err != nil {
		fmt.Println(err)
		return
	}
	k, err := kb.Open(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer k.Close()
	info := k.Info()
	fmt.Printf("current format: %v, %d articles\n", info.FormatVersion == kb.FormatVersion, info.Counts.Articles)
	if id, ok := k.EntityByTitle("Analytical Engine"); ok {
		fmt.Printf("%s: %d inlinks, type %s\n", k.Entity(id).Title, k.Inlinks(id), k.TypeOf(id))
	}

	if _, err := kb.Open(filepath.Dir(dir)); err != nil {
		fmt.Println("not a KB: error")
	}
	// Output:
	// current format: true, 2 articles
	// Analytical Engine: 1 inlinks, type MISC
	// not a KB: error
}
