package consumer

import (
	"context"
	"fmt"
	"os"
	"strings"

	"go.opentelemetry.io/contrib/exporters/autoexport"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// SetupTracing installs the global OpenTelemetry tracer provider and the
// W3C trace-context propagator from the standard OTEL_* environment:
// OTEL_TRACES_EXPORTER = none (the default here), console (spans as JSON on
// stdout) or otlp (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL
// grpc or http/protobuf, ...); OTEL_SERVICE_NAME and
// OTEL_RESOURCE_ATTRIBUTES name the resource; OTEL_TRACES_SAMPLER and its
// argument choose sampling. It reports whether tracing is on and returns
// the function that flushes and stops the provider.
func SetupTracing(ctx context.Context, defaultService string) (enabled bool, shutdown func(context.Context) error, err error) {
	noop := func(context.Context) error { return nil }
	exp := strings.TrimSpace(os.Getenv("OTEL_TRACES_EXPORTER"))
	if exp == "" || exp == "none" {
		return false, noop, nil
	}
	spanExp, err := autoexport.NewSpanExporter(ctx)
	if err != nil {
		return false, noop, fmt.Errorf("tracing: exporter %q: %w", exp, err)
	}
	if os.Getenv("OTEL_SERVICE_NAME") == "" {
		os.Setenv("OTEL_SERVICE_NAME", defaultService)
	}
	res, err := resource.New(ctx, resource.WithFromEnv(), resource.WithTelemetrySDK(), resource.WithHost())
	if err != nil {
		return false, noop, fmt.Errorf("tracing: resource: %w", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(spanExp), sdktrace.WithResource(res))
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	return true, tp.Shutdown, nil
}
