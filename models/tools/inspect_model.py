#!/usr/bin/env python3
"""Print what an ONNX cross-encoder really is: inputs, outputs, op types,
encoder layers, quantisation. List a package's model before relying on it.

Usage: inspect_model.py MODEL.onnx
"""
import collections
import re
import sys

import onnx


def dims(value_info):
    return [d.dim_param or d.dim_value for d in value_info.type.tensor_type.shape.dim]


def main():
    m = onnx.load(sys.argv[1])
    g = m.graph
    print("producer:", m.producer_name, m.producer_version,
          "opsets:", [(o.domain or "ai.onnx", o.version) for o in m.opset_import])
    for i in g.input:
        print("input ", i.name, onnx.TensorProto.DataType.Name(i.type.tensor_type.elem_type), dims(i))
    for o in g.output:
        print("output", o.name, onnx.TensorProto.DataType.Name(o.type.tensor_type.elem_type), dims(o))
    ops = collections.Counter(n.op_type for n in g.node)
    print("ops:", dict(ops.most_common()))
    layers = {int(x) for n in list(g.node) + list(g.initializer)
              for x in re.findall(r"layer\.(\d+)[./]", n.name)}
    print("encoder layers:", len(layers))
    kind = ("dynamic int8 (activation scales per batch: scores depend on batch-mates)"
            if ops.get("DynamicQuantizeLinear") else
            "static QDQ int8 (fixed scales)" if ops.get("QuantizeLinear") else "float")
    print("quantisation:", kind)


if __name__ == "__main__":
    main()
