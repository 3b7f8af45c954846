package main

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
	"go.opentelemetry.io/otel/trace"
)

// setupTracing builds a tracer provider from the standard OTEL_*
// environment: OTEL_TRACES_EXPORTER = none (the default here), console
// (spans as JSON on stdout) or otlp (OTEL_EXPORTER_OTLP_ENDPOINT,
// OTEL_EXPORTER_OTLP_PROTOCOL grpc or http/protobuf, ...);
// OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES name the resource;
// OTEL_TRACES_SAMPLER and its argument choose sampling. The process-wide
// state is the command's to set, not a library's: it installs the provider
// as the global one (the pipeline's spans go there) with the W3C
// trace-context propagator, and returns it for consumer.Tracing (nil when
// tracing is off) with the function that flushes and stops it.
func setupTracing(ctx context.Context, defaultService string) (trace.TracerProvider, func(context.Context) error, error) {
	noop := func(context.Context) error { return nil }
	exp := strings.TrimSpace(os.Getenv("OTEL_TRACES_EXPORTER"))
	if exp == "" || exp == "none" {
		return nil, noop, nil
	}
	spanExp, err := autoexport.NewSpanExporter(ctx)
	if err != nil {
		return nil, noop, fmt.Errorf("tracing: exporter %q: %w", exp, err)
	}
	if os.Getenv("OTEL_SERVICE_NAME") == "" {
		os.Setenv("OTEL_SERVICE_NAME", defaultService)
	}
	res, err := resource.New(ctx, resource.WithFromEnv(), resource.WithTelemetrySDK(), resource.WithHost())
	if err != nil {
		return nil, noop, fmt.Errorf("tracing: resource: %w", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(spanExp), sdktrace.WithResource(res))
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	return tp, tp.Shutdown, nil
}
