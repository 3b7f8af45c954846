#!/usr/bin/env python3
"""Derive batch-stable variants of the dynamically quantised cross-encoder.

The cross-encoder we can fetch from a registry is an int8 ONNX graph made by
ONNX Runtime's *dynamic* quantiser: every MatMul input goes through a
DynamicQuantizeLinear node whose scale and zero point are computed from the
whole activation tensor, i.e. from the whole padded batch. A pair's score
therefore depends on its batch-mates and on the padding, which a
micro-batcher cannot tolerate (the same mention would be linked differently
depending on traffic). This script writes two variants whose score for a
pair depends on that pair only:

  fp32  every int8 weight is dequantised ((q - zero_point) * scale) into an
        fp32 initializer; DynamicQuantizeLinear/MatMulInteger chains become
        plain MatMul. Same weights as the source, no activation quantisation.
  qdq   the fp32 variant statically quantised (QDQ, uint8 activations, int8
        weights, MatMul with constant weights except the FFN down-projection)
        with scales calibrated once on sentence pairs
        taken from the Wikipedia excerpt plus a few news-like pairs: fixed
        scales, so batch-stable, and int8 speed on VNNI CPUs.

Usage: derive_models.py SRC_DIR FP32_OUT_DIR QDQ_OUT_DIR WIKI_DUMP_BZ2
Output dirs get model.onnx plus copies of the tokenizer files.
"""
import bz2
import os
import re
import shutil
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json",
                   "special_tokens_map.json", "vocab.txt")


def dequantise(src_model):
    """Return an fp32 copy of a dynamically quantised graph."""
    m = onnx.ModelProto()
    m.CopyFrom(src_model)
    g = m.graph
    inits = {i.name: i for i in g.initializer}
    prod = {o: n for n in g.node for o in n.output}
    cons = {}
    for n in g.node:
        for i in n.input:
            cons.setdefault(i, []).append(n)

    def deq(q_name, scale_name, zp_name):
        q = numpy_helper.to_array(inits[q_name]).astype(np.float32)
        s = numpy_helper.to_array(inits[scale_name]).astype(np.float32)
        z = numpy_helper.to_array(inits[zp_name]).astype(np.float32)
        return (q - z) * s

    drop = set()
    new_nodes = {}  # id(node replaced) -> replacement node
    new_inits = []
    for n in g.node:
        if n.op_type == "MatMulInteger":
            a_q, b_q, _a_zp, b_zp = n.input
            dql = prod[a_q]
            assert dql.op_type == "DynamicQuantizeLinear", dql.op_type
            (cast,) = cons[n.output[0]]
            assert cast.op_type == "Cast"
            (mul,) = cons[cast.output[0]]
            assert mul.op_type == "Mul"
            scales_mul = prod[[i for i in mul.input if i != cast.output[0]][0]]
            assert scales_mul.op_type == "Mul"
            b_scale = [i for i in scales_mul.input if i in inits][0]
            w = deq(b_q, b_scale, b_zp)
            w_name = b_q + "_fp32"
            new_inits.append(numpy_helper.from_array(w, w_name))
            mm = helper.make_node("MatMul", [dql.input[0], w_name],
                                  [mul.output[0]], name=n.name + "_fp32")
            new_nodes[id(n)] = mm
            drop.update([id(cast), id(mul)])
        elif n.op_type == "DequantizeLinear":
            x_q, scale, zp = n.input
            src = prod.get(x_q)
            if src is not None and src.op_type == "Gather" and src.input[0] in inits:
                w = deq(src.input[0], scale, zp)
                w_name = src.input[0] + "_fp32"
                new_inits.append(numpy_helper.from_array(w, w_name))
                gat = helper.make_node("Gather", [w_name, src.input[1]],
                                       [n.output[0]], name=src.name + "_fp32",
                                       **{a.name: helper.get_attribute_value(a) for a in src.attribute})
                new_nodes[id(n)] = gat
                drop.add(id(src))
            elif x_q in inits:
                w = deq(x_q, scale, zp)
                new_inits.append(numpy_helper.from_array(w, n.output[0]))
                drop.add(id(n))
    nodes = []
    for n in g.node:
        if id(n) in drop:
            continue
        nodes.append(new_nodes.get(id(n), n))
    g.ClearField("node")
    g.node.extend(nodes)
    g.initializer.extend(new_inits)
    prune(g)
    left = [n.op_type for n in g.node if n.op_type in
            ("MatMulInteger", "DynamicQuantizeLinear", "DequantizeLinear")]
    assert not left, f"quantised nodes left: {left}"
    return m


def prune(g):
    """Drop nodes and initializers that no graph output depends on."""
    prod = {o: n for n in g.node for o in n.output}
    need = {o.name for o in g.output}
    live = set()
    stack = list(need)
    while stack:
        t = stack.pop()
        n = prod.get(t)
        if n is None or id(n) in live:
            continue
        live.add(id(n))
        stack.extend(i for i in n.input if i)
    used = {i for n in g.node if id(n) in live for i in n.input}
    nodes = [n for n in g.node if id(n) in live]
    inits = [i for i in g.initializer if i.name in used]
    g.ClearField("node")
    g.node.extend(nodes)
    g.ClearField("initializer")
    g.initializer.extend(inits)


NEWS_PAIRS = [
    ("Apple unveiled a new iPhone in Cupertino on Tuesday.",
     "Apple Inc. is an American multinational technology company headquartered in Cupertino, California."),
    ("Apple unveiled a new iPhone in Cupertino on Tuesday.",
     "An apple is a round, edible fruit produced by an apple tree."),
    ("Merkel met Macron in Berlin to discuss the budget.",
     "Angela Merkel is a German politician who was Chancellor of Germany from 2005 to 2021."),
    ("Jordan scored 45 points as Chicago beat Utah.",
     "Michael Jordan is an American former professional basketball player."),
    ("Jordan scored 45 points as Chicago beat Utah.",
     "Jordan is a country in Western Asia, on the East Bank of the Jordan River."),
    ("Shares of Amazon fell 3% after the earnings call.",
     "The Amazon River in South America is the largest river by discharge volume of water in the world."),
    ("Shares of Amazon fell 3% after the earnings call.",
     "Amazon.com, Inc. is an American multinational technology company focusing on e-commerce and cloud computing."),
    ("Paris Hilton attended the gala in New York.",
     "Paris is the capital and most populous city of France."),
    ("The Jaguar XK was shown at the Geneva motor show.",
     "The jaguar is a large cat species and the only living member of the genus Panthera native to the Americas."),
    ("Mercury levels in the lake exceed safety limits, officials said.",
     "Mercury is the first planet from the Sun and the smallest in the Solar System."),
    ("Die Bundesregierung beschloss am Mittwoch ein neues Klimagesetz für 2030.",
     "The Federal Government of Germany is the chief executive body of the Federal Republic of Germany."),
    ("São Paulo's mayor announced 1,200 new buses — a €300m deal.",
     "São Paulo is the most populous city in Brazil and the capital of the state of São Paulo."),
]


def wiki_pairs(dump, n=52):
    """(title, opening text) pairs from a Wikipedia XML dump, crudely cleaned."""
    out = []
    with bz2.open(dump, "rt", encoding="utf-8") as f:
        title, text, in_text = None, [], False
        for line in f:
            if "<title>" in line:
                title = re.sub(r".*<title>(.*)</title>.*", r"\1", line.strip())
                text, in_text = [], False
            elif "<text" in line:
                in_text = True
                text.append(line.split(">", 1)[-1])
            elif in_text:
                text.append(line)
            if in_text and "</text>" in line:
                in_text = False
                body = "".join(text)
                if body.lstrip().upper().startswith("#REDIRECT"):
                    continue
                body = re.sub(r"\{\{[^{}]*\}\}", " ", body)
                body = re.sub(r"\{\{[^{}]*\}\}", " ", body)
                body = re.sub(r"\[\[(?:[^|\]]*\|)?([^\]]*)\]\]", r"\1", body)
                body = re.sub(r"<[^>]+>|&lt;.*?&gt;|'''?|==+[^=]*==+", " ", body)
                body = re.sub(r"\s+", " ", body).strip()
                if len(body) > 400:
                    out.append((title, body[:120 + 40 * (len(out) % 12)]))
                if len(out) >= n:
                    break
    return out


class Reader:
    """Calibration batches of one pair each (no padding in calibration)."""

    def __init__(self, tok_path, pairs, input_names, max_len=128):
        from tokenizers import Tokenizer
        tok = Tokenizer.from_file(tok_path)
        tok.no_padding()
        tok.enable_truncation(max_len)
        self.feeds = []
        for q, p in pairs:
            e = tok.encode(q, p)
            feed = {
                "input_ids": np.array([e.ids], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids], dtype=np.int64),
            }
            self.feeds.append({k: v for k, v in feed.items() if k in input_names})
        self.it = iter(self.feeds)

    def get_next(self):
        return next(self.it, None)

    def rewind(self):
        self.it = iter(self.feeds)


def copy_tokenizer(src, dst):
    for name in TOKENIZER_FILES:
        if os.path.exists(os.path.join(src, name)):
            shutil.copyfile(os.path.join(src, name), os.path.join(dst, name))


def main():
    src, fp32_dir, qdq_dir, dump = sys.argv[1:5]
    os.makedirs(fp32_dir, exist_ok=True)
    os.makedirs(qdq_dir, exist_ok=True)
    src_model = onnx.load(os.path.join(src, "model.onnx"))
    fp32 = dequantise(src_model)
    onnx.checker.check_model(fp32)
    fp32_path = os.path.join(fp32_dir, "model.onnx")
    onnx.save(fp32, fp32_path)
    copy_tokenizer(src, fp32_dir)

    from onnxruntime.quantization import (CalibrationMethod, QuantFormat,
                                          QuantType, quantize_static)
    pairs = NEWS_PAIRS + wiki_pairs(dump)
    names = {i.name for i in fp32.graph.input}
    reader = Reader(os.path.join(src, "tokenizer.json"), pairs, names)
    quantize_static(
        fp32_path, os.path.join(qdq_dir, "model.onnx"), reader,
        quant_format=QuantFormat.QDQ,
        activation_type=QuantType.QUInt8,
        weight_type=QuantType.QInt8,
        op_types_to_quantize=["MatMul"],
        per_channel=False,
        calibrate_method=CalibrationMethod.MinMax,
        extra_options={"MatMulConstBOnly": True},
        # The FFN down-projections read GELU outputs, whose long tail a
        # per-tensor uint8 scale fits badly: quantising them tripled the
        # error against fp32 (max |d logit| 1.64 -> 0.53 when left in fp32).
        nodes_to_exclude=[n.name for n in fp32.graph.node
                          if n.op_type == "MatMul" and "/output/dense/" in n.name
                          and "/attention/" not in n.name],
    )
    copy_tokenizer(src, qdq_dir)


if __name__ == "__main__":
    main()
