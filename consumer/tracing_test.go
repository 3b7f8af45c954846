package consumer

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/linkstream/linkstream/producer"
)

// TestTracingPropagates: with tracing on, a document produced under a
// trace is processed in a span of that trace, and its output record
// carries a W3C traceparent of the same trace.
func TestTracingPropagates(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	// The provider is handed in, not made global: the service must not
	// need process-wide state.
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))

	ctx := context.Background()
	seeds := newFake(t, 2)
	cl := newClient(t, seeds)
	pctx, parent := tp.Tracer("test").Start(ctx, "upstream")
	enc, _ := producer.NewDocumentEncoder(ctx, nil, "")
	r, _ := enc.Record("in", newsDoc("traced", 1))
	propagation.TraceContext{}.Inject(pctx, carrier{r})
	parent.End()
	if err := cl.ProduceSync(ctx, r).FirstErr(); err != nil {
		t.Fatal(err)
	}
	startService(t, &capsLinker{}, Brokers(seeds...), InstanceID("a"), Tracing(tp))
	outs := readOutputs(ctx, t, seeds, "out", 1, 20*time.Second, nil)
	if len(outs) != 1 {
		t.Fatalf("%d outputs", len(outs))
	}
	tpHeader, ok := producer.Header(outs[0].rec, "traceparent")
	want := parent.SpanContext().TraceID().String()
	if !ok || !strings.Contains(tpHeader, want) {
		t.Fatalf("output traceparent %q, want trace %s", tpHeader, want)
	}
	var names []string
	var processed bool
	for _, s := range rec.Ended() {
		names = append(names, s.Name())
		if s.Name() == "in process" && s.SpanContext().TraceID() == parent.SpanContext().TraceID() {
			processed = true
		}
	}
	if !processed {
		t.Fatalf("no processing span in the upstream trace; spans: %v", names)
	}
}

// carrier lets the propagator write into a record's headers.
type carrier struct{ r *kgo.Record }

func (c carrier) Get(k string) string {
	v, _ := producer.Header(c.r, k)
	return v
}
func (c carrier) Set(k, v string) {
	c.r.Headers = append(c.r.Headers, kgo.RecordHeader{Key: k, Value: []byte(v)})
}
func (c carrier) Keys() []string { return nil }
