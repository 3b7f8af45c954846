// Package bench measures the Linker: the cheap path alone, the
// cross-encoder through the micro-batcher against ONNX Runtime in a tight
// loop, and whole documents per cross-encoder mode. `linkstream bench` prints
// its figures as a table; BENCHMARKS.md records them with the command.
//
// Every figure is a throughput over a measured wall-clock interval of at
// least the requested duration, and comparisons are taken in one run, one
// after the other, on the same inputs: these machines are noisy, so only
// ratios within a run mean much.
package bench
