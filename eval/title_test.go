package eval

import "testing"

func TestNormalizeTitle(t *testing.T) {
	cases := []struct{ in, want string }{
		{"New_York_City", "New York City"},
		{"  new york  city ", "New york city"}, // only the first letter folds
		{"iPhone", "IPhone"},                   // MediaWiki stores it so
		{"NIL", ""},
		{"", ""},
		{"http://dbpedia.org/resource/Caf%C3%A9_de_Flore", "Café de Flore"},
		{"http://dbpedia.org/resource/AT%26T", "AT&T"},
		{"https://en.wikipedia.org/wiki/Tim_Cook", "Tim Cook"},
		{"100% Pure", "100% Pure"}, // plain titles are not URL-decoded
		{"éclair", "Éclair"},
	}
	for _, c := range cases {
		if got := NormalizeTitle(c.in); got != c.want {
			t.Errorf("NormalizeTitle(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestNIFTitle(t *testing.T) {
	cases := []struct {
		in      string
		want    string
		foreign bool
	}{
		{"http://dbpedia.org/resource/Ally_Financial", "Ally Financial", false},
		{"http://aksw.org/notInWiki/Motorola_Inc", "", false},
		{"http://de.dbpedia.org/resource/Cocoa_Producers’_Alliance", "Cocoa Producers’ Alliance", true},
	}
	for _, c := range cases {
		got, f := nifTitle(c.in)
		if got != c.want || f != c.foreign {
			t.Errorf("nifTitle(%q) = %q,%v want %q,%v", c.in, got, f, c.want, c.foreign)
		}
	}
}
