#!/usr/bin/env python3
"""Read Linkstream's output from Python: confluent-kafka for Kafka, fastavro
for the Avro records (schemas/linked_document.avsc).

    python3 read_output.py --brokers 127.0.0.1:19092 --topic news-linked
    python3 read_output.py --decode value.bin        # one record value from a file
    python3 read_output.py --registry http://127.0.0.1:19481/apis/ccompat/v7 ...

Prints one JSON object per linked document. Without --registry, the service
writes each value as a bare Avro datum: no container-file header and no
schema id, so fastavro.schemaless_reader reads it and fastavro.reader (which
expects an Avro object container file, magic b"Obj\\x01") does not. With
--registry, the value is in the Confluent wire format: byte 0, the schema id
in 4 big-endian bytes, then the same datum; with --registry here too, the
writer schema is fetched by that id and the record resolved to the local one.
"""
import argparse
import datetime
import io
import json
import pathlib
import sys
import urllib.request

import fastavro
from confluent_kafka import Consumer

SCHEMA_FILE = pathlib.Path(__file__).resolve().parents[2] / "schemas" / "linked_document.avsc"
schema = fastavro.parse_schema(json.loads(SCHEMA_FILE.read_text()))


_writer_schemas = {}


def writer_schema(registry: str, schema_id: int):
    """The schema a wire-format record was written with, from the registry's
    Confluent API (GET /schemas/ids/{id}), fetched once per id."""
    if schema_id not in _writer_schemas:
        with urllib.request.urlopen(f"{registry.rstrip('/')}/schemas/ids/{schema_id}", timeout=10) as r:
            _writer_schemas[schema_id] = fastavro.parse_schema(json.loads(json.load(r)["schema"]))
    return _writer_schemas[schema_id]


def decode(value: bytes, registry: str = "") -> dict:
    # A plain datum starts with the length of the (non-empty) document id,
    # never 0; the Confluent wire format starts with 0 and a 4-byte schema id.
    if value[:1] == b"\x00":
        schema_id = int.from_bytes(value[1:5], "big")
        value = value[5:]
        if registry:
            return fastavro.schemaless_reader(io.BytesIO(value), writer_schema(registry, schema_id), schema)
    return fastavro.schemaless_reader(io.BytesIO(value), schema)


def to_json(doc: dict) -> str:
    # processed_at is a timestamp-millis: fastavro gives a datetime.
    def default(v):
        if isinstance(v, datetime.datetime):
            return int(v.timestamp() * 1000)
        raise TypeError(type(v))

    return json.dumps(doc, default=default, ensure_ascii=False, sort_keys=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--brokers", default="127.0.0.1:19092")
    ap.add_argument("--topic", default="news-linked")
    ap.add_argument("--group", default="linkstream-python-reader")
    ap.add_argument("--count", type=int, default=0, help="stop after this many documents (0: run until interrupted)")
    ap.add_argument("--timeout", type=float, default=0, help="give up after this many seconds without --count documents")
    ap.add_argument("--registry", default="", help="Schema Registry (Confluent API) URL: decode wire-format records with their writer schema")
    ap.add_argument("--decode", metavar="FILE", help="decode one record value from FILE and exit")
    args = ap.parse_args()

    if args.decode:
        print(to_json(decode(pathlib.Path(args.decode).read_bytes(), args.registry)))
        return 0

    consumer = Consumer({
        "bootstrap.servers": args.brokers,
        "group.id": args.group,
        "auto.offset.reset": "earliest",
        # Exactly-once output: read only committed transactions.
        "isolation.level": "read_committed",
    })
    consumer.subscribe([args.topic])
    seen = 0
    started = datetime.datetime.now()
    try:
        while not args.count or seen < args.count:
            if args.timeout and (datetime.datetime.now() - started).total_seconds() > args.timeout:
                print(f"read_output: {seen} of {args.count} documents within {args.timeout}s", file=sys.stderr)
                return 1
            msg = consumer.poll(1.0)
            if msg is None:
                continue
            if msg.error():
                print(f"read_output: {msg.error()}", file=sys.stderr)
                continue
            print(to_json(decode(msg.value(), args.registry)), flush=True)
            seen += 1
    finally:
        consumer.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
