package pipeline

import (
	"context"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// tracer comes from the global provider, so the process that embeds the
// Linker decides where spans go (cmd/linkstream configures it from OTEL_*).
var tracer = otel.Tracer("github.com/linkstream/linkstream/pipeline")

// startBatchSpan opens the span of one cross-encoder batch. A batch serves
// several documents, so instead of a parent it links every document span
// whose pairs it carries.
func startBatchSpan(batch []*pairItem) (context.Context, trace.Span) {
	links := make([]trace.Link, 0, len(batch))
	var last trace.SpanContext
	for _, item := range batch {
		if item.span.IsValid() && !item.span.Equal(last) {
			links = append(links, trace.Link{SpanContext: item.span})
			last = item.span
		}
	}
	return tracer.Start(context.Background(), "crossencoder.batch",
		trace.WithLinks(links...),
		trace.WithAttributes(attribute.Int("batch.size", len(batch))))
}
