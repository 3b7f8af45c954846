package kb_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/linkstream/linkstream/kb"
)

// Example builds a KB from a two-page dump, opens it and looks a surface
// up; then it walks the normalised surfaces as a spotter does.
func Example() {
	dir, _ := os.MkdirTemp("", "kb-example-")
	defer os.RemoveAll(dir)
	dump := filepath.Join(dir, "pages.xml")
	os.WriteFile(dump, []byte(`<mediawiki>
<page><title>Ada Lovelace</title><ns>0</ns><id>1</id><revision><text>'''Ada Lovelace''' was an English mathematician who wrote about the [[Analytical Engine]].</text></revision></page>
<page><title>Analytical Engine</title><ns>0</ns><id>2</id><revision><text>The '''Analytical Engine''' was designed by [[Charles Babbage|Babbage]]. [[Ada Lovelace|Lovelace]] wrote its first program.</text></revision></page>
</mediawiki>`), 0o644)

	out := filepath.Join(dir, "kb")
	if _, err := kb.Build(context.Background(), out, kb.Dump(dump)); err != nil {
		fmt.Println(err)
		return
	}
	k, err := kb.Open(out)
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
