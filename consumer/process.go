package consumer

import (
	"context"
	"errors"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/linkstream/linkstream/producer"
	"github.com/linkstream/linkstream/schemas"
)

// process decodes, links and encodes one record.
func (s *Service) process(ctx context.Context, r *kgo.Record) outcome {
	start := time.Now()
	var span trace.Span = trace.SpanFromContext(ctx)
	if s.ktracer != nil {
		_, span = s.ktracer.WithProcessSpan(r)
		defer span.End()
		// The span's parent is the record's receive span; cancellation
		// still comes from the cycle.
		ctx = trace.ContextWithSpan(ctx, span)
	}
	o := s.processDoc(ctx, r, start)
	if o.err == nil {
		if o.reason == "" {
			span.SetAttributes(attribute.String("linkstream.outcome", "linked"))
		} else {
			span.SetAttributes(attribute.String("linkstream.outcome", "dead_letter"),
				attribute.String("linkstream.dead_letter.reason", string(o.reason)))
			span.SetStatus(codes.Error, string(o.reason))
		}
		o.rec.Context = ctx
	}
	return o
}

func (s *Service) processDoc(ctx context.Context, r *kgo.Record, start time.Time) outcome {
	doc, err := s.decodeRetrying(ctx, r)
	s.m.addPhase(phaseDecode, time.Since(start))
	var de *decodeError
	switch {
	case errors.As(err, &de):
		return s.deadLetter(r, de.reason, de.err, 0)
	case err != nil:
		return outcome{err: err}
	}
	trace.SpanFromContext(ctx).SetAttributes(attribute.String("linkstream.document.id", doc.ID))

	t1 := time.Now()
	res, ver, attempts, err := s.link(ctx, doc)
	s.m.addPhase(phaseLink, time.Since(t1))
	if err != nil {
		if ctx.Err() != nil {
			return outcome{err: ctx.Err()}
		}
		reason := producer.ReasonRetries
		if permanent(err) {
			reason = producer.ReasonPermanent
		}
		return s.deadLetter(r, reason, err, attempts)
	}

	t2 := time.Now()
	if res.ID == "" {
		res.ID = doc.ID
	}
	ld := schemas.NewLinkedDocument(res,
		schemas.Source{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset},
		ver.kb, ver.model, time.Now())
	val, err := s.enc.Encode(&ld)
	s.m.addPhase(phaseEncode, time.Since(t2))
	if err != nil {
		return s.deadLetter(r, producer.ReasonEncode, err, attempts)
	}
	s.m.docSeconds.Observe(time.Since(start).Seconds())
	return outcome{rec: &kgo.Record{Topic: s.cfg.outputTopic, Key: []byte(doc.ID), Value: val}}
}
