package server

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/linkstream/linkstream/hotswap"
	"github.com/linkstream/linkstream/internal/kbtest"
	"github.com/linkstream/linkstream/pipeline"
)

func TestMain(m *testing.M) {
	code := m.Run()
	kbtest.RemoveAll()
	os.Exit(code)
}

// fixed hands out one generation: the server's view of a Swapper that
// never swaps.
type fixed struct{ g *hotswap.Generation }

func (f fixed) Acquire() (*hotswap.Generation, func(), error) { return f.g, func() {}, nil }

// newServer serves a cheap Linker (no cross-encoder) over the DBpedia
// minidump KB.
func newServer(t testing.TB, opts ...Opt) (*Server, *httptest.Server) {
	t.Helper()
	// The hand-set scorer: the embedded fit belongs to the Wikipedia-scale KB.
	l, err := pipeline.New(kbtest.Mini(t), pipeline.CrossEncoderMode(pipeline.Never), pipeline.WithFit(pipeline.HandSetFit))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	s, err := New(fixed{&hotswap.Generation{Linker: l, KBVersion: "kb-test", ModelID: "none"}}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return s, ts
}

const merkel = "Angela Merkel met IBM managers in Berlin."

func post(t *testing.T, u, contentType, body string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Post(u, contentType, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func decode[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("response %q: %v", b, err)
	}
	return v
}

func TestLinkOneDocument(t *testing.T) {
	_, ts := newServer(t)
	resp, b := post(t, ts.URL+"/v1/link", "application/json", `{"id":"d1","text":"`+merkel+`"}`)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	if resp.Header.Get(HeaderKBVersion) != "kb-test" || resp.Header.Get(HeaderModelID) != "none" {
		t.Fatalf("version headers %v", resp.Header)
	}
	got := decode[linkResponse](t, b)
	if got.ID != "d1" || got.KBVersion != "kb-test" || got.ModelID != "none" || got.Mentions != nil {
		t.Fatalf("response %s", b)
	}
	titles := map[string]string{}
	for _, l := range got.Links {
		titles[l.Mention] = l.Title
	}
	if titles["Angela Merkel"] != "Angela Merkel" || titles["IBM"] != "IBM" {
		t.Fatalf("links %+v", got.Links)
	}
}

func TestLinkOptions(t *testing.T) {
	_, ts := newServer(t)
	doc := `{"id":"d1","text":"` + merkel + `"}`
	_, b := post(t, ts.URL+"/v1/link", "application/json", doc)
	base := decode[linkResponse](t, b)
	below := 0
	for _, l := range base.Links {
		if l.Score < 1 {
			below++
		}
	}
	if below == 0 {
		t.Fatalf("no link scored under 1, the threshold cannot show: %s", b)
	}
	_, b = post(t, ts.URL+"/v1/link?nil_threshold=1&candidates=true", "application/json", doc)
	strict := decode[linkResponse](t, b)
	if len(strict.Links) != len(base.Links)-below || len(strict.NIL) != len(base.NIL)+below {
		t.Fatalf("nil_threshold=1: %d links %d NIL, want %d and %d", len(strict.Links), len(strict.NIL), len(base.Links)-below, len(base.NIL)+below)
	}
	if len(strict.Mentions) != len(strict.Links)+len(strict.NIL) || strings.Contains(string(b), `"prior":`) {
		t.Fatalf("candidates=true: want every mention's candidates without features: %s", b)
	}
	for _, m := range strict.Mentions {
		for i := 1; i < len(m.Candidates); i++ {
			if m.Candidates[i].Probability > m.Candidates[i-1].Probability {
				t.Fatalf("candidates of %q not best first: %+v", m.Mention, m.Candidates)
			}
		}
	}
	_, b = post(t, ts.URL+"/v1/link?features=true", "application/json", doc)
	if !strings.Contains(string(b), `"prior":`) || !strings.Contains(string(b), `"inlinks":`) {
		t.Fatalf("features=true: no features in %s", b)
	}
	resp, b := post(t, ts.URL+"/v1/link?mode=always", "application/json", doc)
	if resp.StatusCode != http.StatusBadRequest || decode[apiError](t, b).Code != codeNoModel {
		t.Fatalf("mode=always without a model: %d %s", resp.StatusCode, b)
	}
}

// TestBadInputIsA4xxWithAReason holds every refusal to its status, its
// code and a JSON body that says why.
func TestBadInputIsA4xxWithAReason(t *testing.T) {
	_, ts := newServer(t, MaxBodyBytes(4096), MaxDocumentBytes(1000))
	long := strings.Repeat("word ", 300)
	cases := []struct {
		name, path, contentType, body string
		status                        int
		code                          string
	}{
		{"invalid UTF-8", "/v1/link", "application/json", "{\"id\":\"x\",\"text\":\"caf\xe9\"}", 400, codeInvalidUTF8},
		{"malformed JSON", "/v1/link", "application/json", `{"id":"x","text":`, 400, codeBadJSON},
		{"trailing garbage", "/v1/link", "application/json", `{"id":"x","text":"a"} {}`, 400, codeBadJSON},
		{"not an object", "/v1/link", "application/json", `["Angela Merkel"]`, 400, codeBadJSON},
		{"wrong field type", "/v1/link", "application/json", `{"id":"x","text":42}`, 400, codeBadJSON},
		{"empty body", "/v1/link", "application/json", ``, 400, codeBadJSON},
		{"document too large", "/v1/link", "application/json", `{"id":"x","text":"` + long + `"}`, 413, codeDocTooLarge},
		{"body too large", "/v1/link", "application/json", `{"id":"x","text":"` + strings.Repeat("a", 5000) + `"}`, 413, codeBodyTooLarge},
		{"media type", "/v1/link", "text/csv", `id,text`, 415, codeMediaType},
		{"unparsable media type", "/v1/link", "application/json; =", `{"text":"a"}`, 415, codeMediaType},
		{"bad mode", "/v1/link?mode=sometimes", "application/json", `{"text":"a"}`, 400, codeBadOption},
		{"threshold out of range", "/v1/link?nil_threshold=2", "application/json", `{"text":"a"}`, 400, codeBadOption},
		{"threshold not a number", "/v1/link?nil_threshold=NaN", "application/json", `{"text":"a"}`, 400, codeBadOption},
		{"unknown parameter", "/v1/link?candidate=true", "application/json", `{"text":"a"}`, 400, codeBadOption},
		{"annotate without text", "/rest/annotate", "application/x-www-form-urlencoded", `confidence=0.5`, 400, codeMissingText},
		{"annotate invalid UTF-8", "/rest/annotate", "application/x-www-form-urlencoded", `text=caf%E9`, 400, codeInvalidUTF8},
		{"annotate bad confidence", "/rest/annotate", "application/x-www-form-urlencoded", `text=a&confidence=high`, 400, codeBadOption},
		{"annotate url", "/rest/annotate", "application/x-www-form-urlencoded", `url=http://example.org/`, 400, codeBadOption},
		{"annotate text too large", "/rest/annotate", "application/x-www-form-urlencoded", `text=` + url.QueryEscape(long), 413, codeDocTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, b := post(t, ts.URL+c.path, c.contentType, c.body)
			e := decode[apiError](t, b)
			if resp.StatusCode != c.status || e.Code != c.code || e.Reason == "" {
				t.Fatalf("status %d code %q reason %q, want %d %q and a reason", resp.StatusCode, e.Code, e.Reason, c.status, c.code)
			}
			if resp.Header.Get(HeaderKBVersion) != "kb-test" {
				t.Fatalf("no KB version on an error response: %v", resp.Header)
			}
		})
	}
}

// FuzzLink throws arbitrary bodies at /v1/link, one document and NDJSON:
// every answer is a 2xx or a 4xx, never a 5xx or a panic.
func FuzzLink(f *testing.F) {
	for _, seed := range []string{`{"id":"a","text":"Angela Merkel"}`, "{\"text\":\"\xff\xfe\"}", `{"text":"\u0000 \ud800"}`, `[]`, `null`, `{"text":""}`, "{}\n{\"text\":\"IBM\"}\n\n{", `{"id":1}`} {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	_, ts := newServer(f, MaxBodyBytes(1<<16), MaxDocumentBytes(1<<12), MaxBatchDocuments(8))
	f.Fuzz(func(t *testing.T, body string, ndjson bool) {
		ct := "application/json"
		if ndjson {
			ct = "application/x-ndjson"
		}
		resp, b := post(t, ts.URL+"/v1/link?candidates=true", ct, body)
		if resp.StatusCode >= 500 {
			t.Fatalf("status %d for %q: %s", resp.StatusCode, body, b)
		}
		if ndjson {
			for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
				if line != "" && decode[linkResponse](t, []byte(line)).Code == codeInternal {
					t.Fatalf("internal error line for %q: %s", body, line)
				}
			}
		}
	})
}

func ndjsonLines(t *testing.T, b []byte) []linkResponse {
	t.Helper()
	var out []linkResponse
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		out = append(out, decode[linkResponse](t, sc.Bytes()))
	}
	return out
}

func TestBatchStreamsResultsInOrder(t *testing.T) {
	_, ts := newServer(t)
	var body strings.Builder
	for i, text := range []string{merkel, "IBM hired engineers.", "", "Paris and Berlin."} {
		if text == "" {
			body.WriteString("{\"id\":\"bad\",\"text\":\"caf\xe9\"}\n\n{not json}\n")
			continue
		}
		body.WriteString(`{"id":"d` + string(rune('0'+i)) + `","text":"` + text + `"}` + "\n")
	}
	resp, b := post(t, ts.URL+"/v1/link", "application/x-ndjson", body.String())
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/x-ndjson" {
		t.Fatalf("status %d %q: %s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	lines := ndjsonLines(t, b)
	want := []struct{ id, code string }{{"d0", ""}, {"d1", ""}, {"", codeInvalidUTF8}, {"", codeBadJSON}, {"d3", ""}}
	if len(lines) != len(want) {
		t.Fatalf("%d result lines, want %d: %s", len(lines), len(want), b)
	}
	for i, w := range want {
		if lines[i].ID != w.id || lines[i].Code != w.code {
			t.Fatalf("line %d: id %q code %q, want %q %q: %s", i, lines[i].ID, lines[i].Code, w.id, w.code, b)
		}
		if w.code == "" && (len(lines[i].Links) == 0 || lines[i].KBVersion != "kb-test") {
			t.Fatalf("line %d linked nothing or names no KB: %+v", i, lines[i])
		}
	}
	if lines[2].Line != 3 || lines[3].Line != 5 {
		t.Fatalf("error lines name input lines %d and %d, want 3 and 5", lines[2].Line, lines[3].Line)
	}
}

func TestBatchLimits(t *testing.T) {
	_, ts := newServer(t, MaxBatchDocuments(2), MaxBodyBytes(300))
	doc := `{"id":"d","text":"IBM."}` + "\n"
	_, b := post(t, ts.URL+"/v1/link", "application/x-ndjson", doc+doc+doc+doc)
	lines := ndjsonLines(t, b)
	if len(lines) != 3 || lines[0].Code != "" || lines[1].Code != "" || lines[2].Code != codeBatchTooLarge {
		t.Fatalf("batch of 4 over a limit of 2: %s", b)
	}
	_, b = post(t, ts.URL+"/v1/link", "application/x-ndjson", doc+`{"id":"big","text":"`+strings.Repeat("a", 400)+`"}`+"\n")
	lines = ndjsonLines(t, b)
	if len(lines) != 2 || lines[0].Code != "" || lines[1].Code != codeBodyTooLarge {
		t.Fatalf("body over the limit: %s", b)
	}
}

// slowBody starts a request whose body stays open, and returns once the
// server is reading it (so the request holds its slot), with the function
// that finishes it.
func slowBody(t *testing.T, u, contentType string) (finish func() (*http.Response, error)) {
	t.Helper()
	pr, pw := io.Pipe()
	done := make(chan struct{})
	var resp *http.Response
	var err error
	go func() {
		defer close(done)
		req, _ := http.NewRequest(http.MethodPost, u, pr)
		req.Header.Set("Content-Type", contentType)
		resp, err = http.DefaultClient.Do(req)
		if err == nil {
			_, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
	}()
	// The body stays open until finish: the handler waits on it.
	if _, werr := pw.Write([]byte(`{"id":"slow",`)); werr != nil {
		t.Fatal(werr)
	}
	return func() (*http.Response, error) {
		pw.Write([]byte(`"text":"IBM."}`))
		pw.Close()
		<-done
		return resp, err
	}
}

func TestConcurrencyLimitAnswers429(t *testing.T) {
	s, ts := newServer(t, MaxConcurrent(1))
	finish := slowBody(t, ts.URL+"/v1/link", "application/json")
	// The pipe hands the first bytes to the client's transport, not to the
	// handler: wait until the first request holds the only slot.
	for deadline := time.Now().Add(5 * time.Second); len(s.slots) == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the first request never took its slot")
		}
	}
	resp, b := post(t, ts.URL+"/v1/link", "application/json", `{"text":"IBM."}`)
	if resp.StatusCode != http.StatusTooManyRequests || decode[apiError](t, b).Code != codeBusy || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("second request over a limit of 1: %d %v %s", resp.StatusCode, resp.Header, b)
	}
	if first, err := finish(); err != nil || first.StatusCode != http.StatusOK {
		t.Fatalf("first request: %v %v", first, err)
	}
	if resp, b := post(t, ts.URL+"/v1/link", "application/json", `{"text":"IBM."}`); resp.StatusCode != http.StatusOK {
		t.Fatalf("after the first finished: %d %s", resp.StatusCode, b)
	}
}

func TestSlowBodyTimesOut(t *testing.T) {
	_, ts := newServer(t, RequestTimeout(50*time.Millisecond))
	pr, pw := io.Pipe()
	defer pw.Close()
	go pw.Write([]byte(`{"id":"slow",`)) // and nothing more
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/v1/link", pr)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestTimeout || decode[apiError](t, b).Code != codeTimeout {
		t.Fatalf("a body that never ends: %d %s", resp.StatusCode, b)
	}
}

func TestAnnotateAnswersLikeSpotlight(t *testing.T) {
	_, ts := newServer(t)
	text := "😀 Angela Merkel met IBM managers in Berlin."
	q := url.Values{"text": {text}, "confidence": {"0.2"}}
	resp, err := http.Get(ts.URL + "/rest/annotate?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get(HeaderKBVersion) != "kb-test" {
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	// Spotlight writes every value as a string.
	raw := decode[map[string]any](t, b)
	for _, k := range []string{"@text", "@confidence", "@support", "@types", "@sparql", "@policy"} {
		if _, ok := raw[k].(string); !ok {
			t.Fatalf("%s is not a string in %s", k, b)
		}
	}
	res := raw["Resources"].([]any)
	byForm := map[string]map[string]any{}
	for _, r := range res {
		m := r.(map[string]any)
		for _, k := range []string{"@URI", "@support", "@types", "@surfaceForm", "@offset", "@similarityScore", "@percentageOfSecondRank"} {
			if _, ok := m[k].(string); !ok {
				t.Fatalf("resource key %s is not a string: %v", k, m)
			}
		}
		byForm[m["@surfaceForm"].(string)] = m
	}
	am := byForm["Angela Merkel"]
	if am == nil || am["@URI"] != "http://dbpedia.org/resource/Angela_Merkel" || am["@offset"] != "3" ||
		!strings.Contains(am["@types"].(string), "DBpedia:Person") {
		t.Fatalf("Angela Merkel (UTF-16 offset 3 after the emoji): %v", am)
	}
	// @support is the chosen entity's inlinks, as /v1/link reports them.
	_, lb := post(t, ts.URL+"/v1/link?features=true", "application/json", `{"text":"`+text+`"}`)
	type withInlinks struct {
		Mentions []struct {
			Mention, Chosen string
			Candidates      []struct {
				Title   string
				Inlinks uint32
			}
		}
	}
	var inlinks string
	for _, m := range decode[withInlinks](t, lb).Mentions {
		for _, c := range m.Candidates {
			if m.Mention == "Angela Merkel" && c.Title == m.Chosen {
				inlinks = strconv.FormatUint(uint64(c.Inlinks), 10)
			}
		}
	}
	if am["@support"] != inlinks {
		t.Fatalf("@support %v, the entity's inlinks %s", am["@support"], inlinks)
	}

	post := func(form url.Values) map[string]any {
		resp, err := http.PostForm(ts.URL+"/rest/annotate/", form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("POST %v: %d %s", form, resp.StatusCode, b)
		}
		return decode[map[string]any](t, b)
	}
	people := post(url.Values{"text": {text}, "types": {"DBpedia:Person"}})["Resources"].([]any)
	if len(people) != 1 || people[0].(map[string]any)["@surfaceForm"] != "Angela Merkel" {
		t.Fatalf("types=DBpedia:Person: %v", people)
	}
	rest := post(url.Values{"text": {text}, "types": {"DBpedia:Person"}, "policy": {"blacklist"}})["Resources"].([]any)
	if len(rest) != len(res)-1 {
		t.Fatalf("blacklist of DBpedia:Person kept %d of %d", len(rest), len(res))
	}
	n, _ := strconv.Atoi(inlinks)
	for support, want := range map[int]bool{n: true, n + 1: false} {
		found := false
		kept, _ := post(url.Values{"text": {text}, "support": {strconv.Itoa(support)}})["Resources"].([]any)
		for _, r := range kept {
			found = found || r.(map[string]any)["@surfaceForm"] == "Angela Merkel"
		}
		if found != want {
			t.Fatalf("support=%d (Angela Merkel has %d inlinks): kept %v", support, n, found)
		}
	}
	if none := post(url.Values{"text": {"nothing to see here"}}); none["Resources"] != nil || none["@confidence"] != "0.5" || none["@support"] != "0" {
		t.Fatalf("no links and no parameters: Spotlight leaves Resources out and echoes its defaults, got %v", none)
	}

	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/rest/annotate?text=IBM", nil)
	req.Header.Set("Accept", "text/xml")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotAcceptable {
		t.Fatalf("Accept text/xml: %d, want 406", resp.StatusCode)
	}
}

func TestHealthReadyMetricsAndPage(t *testing.T) {
	s, ts := newServer(t)
	get := func(path string) (int, string) {
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.Header.Get(HeaderKBVersion) != "kb-test" {
			t.Fatalf("%s: no KB version header", path)
		}
		return resp.StatusCode, string(b)
	}
	post(t, ts.URL+"/v1/link", "application/json", `{"text":"IBM."}`)
	for _, p := range []string{"/healthz", "/readyz"} {
		if code, _ := get(p); code != http.StatusOK {
			t.Fatalf("%s: %d", p, code)
		}
	}
	if code, body := get("/metrics"); code != http.StatusOK || !strings.Contains(body, `linkstream_http_requests_total{route="link",status="200"} 1`) ||
		!strings.Contains(body, "linkstream_http_documents_total 1") {
		t.Fatalf("/metrics: %d\n%s", code, body)
	}
	if code, body := get("/"); code != http.StatusOK || !strings.Contains(body, `<textarea id="text"`) {
		t.Fatalf("/: %d", code)
	}
	s.Drain()
	if code, _ := get("/readyz"); code != http.StatusServiceUnavailable {
		t.Fatalf("/readyz while draining: %d", code)
	}
	if code, _ := get("/healthz"); code != http.StatusOK {
		t.Fatalf("/healthz while draining: %d", code)
	}
}

func TestBatchThatOutlivesTheTimeoutEndsWithATimeoutLine(t *testing.T) {
	_, ts := newServer(t, RequestTimeout(100*time.Millisecond))
	pr, pw := io.Pipe()
	defer pw.Close()
	go pw.Write([]byte(`{"id":"first","text":"IBM."}` + "\n" + `{"id":"never",`)) // and nothing more
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/v1/link", pr)
	req.Header.Set("Content-Type", "application/x-ndjson")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	lines := ndjsonLines(t, b)
	if len(lines) != 2 || lines[0].ID != "first" || lines[0].Code != "" || lines[1].Code != codeTimeout || lines[1].Line != 2 {
		t.Fatalf("a batch whose body stalls: %s", b)
	}
}
