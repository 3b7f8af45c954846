#!/usr/bin/env python3
"""Measure batch stability, agreement and speed of cross-encoder variants.

Usage: measure_variants.py REF_DIR DIR [DIR ...]
REF_DIR is the model the others are compared with (the source int8 model).
For each model it prints:
  batch_drift  max |score(pair alone) - score(pair inside a padded batch of
               32 mixed-length pairs)|, over the 32 pairs;
  vs_ref       max and mean |score - score of REF_DIR|, each pair run alone;
  pairs/s      at batch 1 and batch 32, every pair padded to 128 tokens,
               one intra-op thread per core.
"""
import sys
import time

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

QUERIES = [
    "Apple unveiled a new iPhone in Cupertino",
    "Jordan scored 45 points as Chicago beat Utah in game six of the finals",
    "Merkel said Germany would not block the deal",
    "Mercury levels rose in the lake",
    "Paris approved the new metro line after a long debate in the council, the mayor's office said on Friday",
    "The Jaguar XK was shown in Geneva",
    "Amazon shares fell 3%",
    "Washington signed the bill",
]
PASSAGES = [
    "Apple Inc. is an American multinational technology company headquartered in Cupertino, California.",
    "An apple is a round, edible fruit produced by an apple tree.",
    "Michael Jordan is an American former professional basketball player and businessman.",
    "Jordan is a country in Western Asia.",
    "Angela Merkel is a German politician who served as Chancellor of Germany from 2005 to 2021, "
    "the first woman to hold the office, and led the Christian Democratic Union from 2000 to 2018.",
    "Mercury is a chemical element with the symbol Hg and atomic number 80. It is a heavy, silvery "
    "d-block element, the only metallic element that is known to be liquid at standard temperature.",
    "Paris is the capital and largest city of France.",
    "Washington, D.C. is the capital city and federal district of the United States.",
]


def encode(tok, pairs, pad_to=None):
    encs = [tok.encode(q, p) for q, p in pairs]
    n = pad_to or max(len(e.ids) for e in encs)
    ids = np.zeros((len(encs), n), np.int64)
    mask = np.zeros_like(ids)
    tt = np.zeros_like(ids)
    for i, e in enumerate(encs):
        ids[i, :len(e.ids)] = e.ids
        mask[i, :len(e.ids)] = 1
        tt[i, :len(e.ids)] = e.type_ids
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": tt}


def run(sess, feed):
    names = {i.name for i in sess.get_inputs()}
    return sess.run(None, {k: v for k, v in feed.items() if k in names})[0][:, 0]


def main():
    ref_dir, dirs = sys.argv[1], sys.argv[1:]
    tok = Tokenizer.from_file(ref_dir + "/tokenizer.json")
    tok.no_padding()
    tok.enable_truncation(128)
    pairs = [(q, p) for q in QUERIES for p in PASSAGES][:32]
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    ref_alone = None
    for d in dirs:
        sess = ort.InferenceSession(d + "/model.onnx", opts, providers=["CPUExecutionProvider"])
        alone = np.array([run(sess, encode(tok, [p]))[0] for p in pairs])
        batch = run(sess, encode(tok, pairs))
        drift = np.abs(alone - batch).max()
        if ref_alone is None:
            ref_alone = alone
        diff = np.abs(alone - ref_alone)
        f1 = encode(tok, pairs[:1], pad_to=128)
        f32 = encode(tok, pairs, pad_to=128)
        rates = []
        for feed, bs, reps in ((f1, 1, 40), (f32, 32, 4)):
            run(sess, feed)
            t = time.perf_counter()
            for _ in range(reps):
                run(sess, feed)
            rates.append(bs * reps / (time.perf_counter() - t))
        print(f"{d}: batch_drift={drift:.5f} vs_ref max={diff.max():.4f} mean={diff.mean():.4f} "
              f"pairs/s b1={rates[0]:.1f} b32={rates[1]:.1f} "
              f"apple_inc={alone[0]:.3f} apple_fruit={alone[1]:.3f}")


if __name__ == "__main__":
    main()
