// Package consumer is the Kafka side of `linkstream run`: it joins a
// consumer group on the input topic (cooperative-sticky balancing), gives
// every assigned partition an ordered lane, feeds all lanes' documents to
// one shared Linker (so its micro-batcher batches across partitions), and
// produces one output record per document, in input order per partition,
// with the input offsets committed in the same Kafka transaction
// (exactly-once, the default) or after the output is acknowledged
// (at-least-once).
//
// Work runs in cycles: poll a batch of records, link them, produce their
// outputs and dead letters, then commit or abort the cycle as a whole (one
// transaction in exactly-once mode). The batch size adapts to the linking
// rate so that a cycle lasts about CycleTarget (a slow cross-encoder gets
// small cycles that finish well inside the transaction timeout) and never
// exceeds MaxInFlight. While a full cycle is in flight, fetching is paused
// (backpressure), so memory is bounded by MaxInFlight documents plus one
// fetch response.
//
// At start-up a session creates the topics that are missing (CreateTopics).
// The instance id is the static group membership id, so a restarted
// instance gets its partitions back without a rebalance; a deliberate stop
// leaves the group. The lag of every owned partition and of the whole
// group is asked of the broker every second and after every commit.
//
// A Service takes seed brokers and raw franz-go options (ClientOpts), so
// the demo and the tests run it against an in-process kfake cluster
// exactly as `linkstream run` runs it against a real one (see
// Example_inProcess).
//
// Records that cannot be decoded, are empty, too large, not UTF-8, or fail
// permanently in the Linker go to the dead-letter topic with their original
// key, value and headers plus producer.Header* headers; processing goes on.
// See linker.go for how a Linker tells a permanent failure from a transient
// one.
//
// It owns no flags or environment: cmd/linkstream maps those onto Opts.
//
// Where things are: service.go (New, Run, the session loop), session.go
// (the Kafka client per delivery mode, partition assignment), topics.go
// (missing topics created at start-up), cycle.go (one
// poll-link-produce-commit unit), cycle_size.go (adaptive cycle size),
// fairness.go (a fair share of each backlogged partition per cycle),
// backpressure.go (fetch pause), lane.go (one partition's ordered lane),
// process.go (decode, link and encode one record), decode.go, retry.go
// (transient failures), deadletter.go (and its rate-limited log),
// assignment.go (the partitions this instance owns), lag.go (lag from the
// broker), hints.go (what a failure's likely cause is), shutdown.go
// (draining, leaving the group), config.go (options), metrics.go, http.go,
// tracing.go.
package consumer
