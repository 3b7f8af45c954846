#!/usr/bin/env python3
"""Write models/testdata/pairs_golden.json: HuggingFace reference encodings.

Usage: golden_pairs.py TOKENIZER_JSON OUT_JSON
Run with the venv make deps builds ($LINKSTREAM_CACHE/pyenv/...), which pins
tokenizers 0.22.0 (models/tools/requirements.txt). The Go test
(TestEncodeMatchesHuggingFace) must produce the same ids and type ids.

tokenizers >= 0.23 was reported to change pair truncation (0.23.3 split our
pairs identically when we compared), so the version that made the file is
written into it and the Go test refuses a file from another minor.
"""
import hashlib
import json
import sys

import tokenizers
from tokenizers import Tokenizer

# 128 is the default; 32 makes most pairs truncate, with an odd budget
# (32 - 3 special tokens) to exercise the split of the remainder.
MAX_LENGTHS = (128, 32)

LONG_PASSAGE = (
    "Apple Inc. is an American multinational corporation and technology company "
    "headquartered in Cupertino, California, in Silicon Valley. It is best known for "
    "its consumer electronics, software, and services. Founded in 1976 as Apple Computer "
    "Company by Steve Jobs, Steve Wozniak and Ronald Wayne, the company was incorporated "
    "by Jobs and Wozniak as Apple Computer, Inc. the following year. It was renamed Apple "
    "Inc. in 2007 as the company had expanded its focus from computers to consumer "
    "electronics. Apple is the largest technology company by revenue, with US$391.04 "
    "billion in the 2024 fiscal year."
)
LONG_QUERY = (
    "In a statement released on Tuesday evening, the company said that its chief executive, "
    "who had travelled from Cupertino to Berlin for the launch, would meet regulators in "
    "Brussels on Thursday to discuss the investigation into app store fees, which critics "
    "say cost developers billions of euros every year, and that it expected the talks to "
    "last well into next month as both sides exchanged documents and proposals."
)

PAIRS = [
    ("Apple unveiled a new iPhone in Cupertino",
     "Apple Inc. is an American multinational technology company."),
    ("Apple unveiled a new iPhone in Cupertino",
     "An apple is a round, edible fruit produced by an apple tree."),
    ("Who is Merkel?", "Angela Dorothea Merkel (née Kasner; born 17 July 1954) is a German politician."),
    ("Café Müller in Zürich", "Pina Bausch's Café Müller premiered in Wuppertal in 1978."),
    ("São Paulo's mayor: 1,200 new buses — a €300m deal!", "São Paulo is Brazil's most populous city."),
    ("Łódź and Kraków", "Łódź is the third-largest city in Poland; Kraków the second."),
    ("東京 and 北京", "Tokyo (東京) is the capital of Japan; Beijing (北京) of China."),
    ("Москва", "Москва́ — столица России."),
    ("emoji 🚀🔥 test", "SpaceX launched Starship 🚀 at 07:30 UTC on 2023-04-20."),
    ("numbers 3.14159 2,718 1e-9 0x1F", "Version v1.24.0 costs $19.99 (about 18,50 €) per 100km/h."),
    ("punctuation!!! ?? ... ---", "\"Quoted\" (parens) [brackets] {braces} <angle> & ampersand; semi: colon/slash\\"),
    ("   leading and trailing spaces   ", "\ttabs\tand\nnewlines\n"),
    ("", "An empty query."),
    ("A query with an empty passage.", ""),
    ("e\u0301 combining accent and ﬁ ligature", "NFD vs NFC: é vs e\u0301; Straße; İstanbul"),
    ("unbelievablyunpronounceablesupercalifragilisticexpialidocious", "antidisestablishmentarianism pneumonoultramicroscopic"),
    ("Apple", LONG_PASSAGE),
    (LONG_QUERY, "Brussels is the capital of Belgium."),
    (LONG_QUERY, LONG_PASSAGE),
    (LONG_QUERY + " " + LONG_QUERY, LONG_PASSAGE + " " + LONG_PASSAGE),
    (LONG_PASSAGE[:300], LONG_QUERY[:320]),
    (LONG_QUERY + " " + LONG_QUERY, "Short passage."),
    ("Apple unveiled a new iPhone in Cupertino", LONG_PASSAGE + " " + LONG_PASSAGE),
    ("Paris Hilton in Paris, Texas", "Paris is a city in and the county seat of Lamar County, Texas, United States."),
    ("[CLS] [SEP] [PAD] [MASK] [UNK]", "special tokens written as text"),
]


def main():
    tok_path, out_path = sys.argv[1], sys.argv[2]
    tok = Tokenizer.from_file(tok_path)
    tok.no_padding()
    out = {
        "generator": "models/tools/golden_pairs.py",
        "tokenizers_version": tokenizers.__version__,
        "tokenizer_sha256": hashlib.sha256(open(tok_path, "rb").read()).hexdigest(),
        "truncation": "longest_first",
        "pairs": [],
    }
    for max_length in MAX_LENGTHS:
        tok.enable_truncation(max_length, strategy="longest_first")
        for q, p in PAIRS:
            e = tok.encode(q, p)
            out["pairs"].append({"max_length": max_length, "query": q, "passage": p,
                                 "ids": e.ids, "type_ids": e.type_ids})
    with open(out_path, "w", encoding="utf-8") as f:
        # One pair per line: reviewable diffs without a 5000-line file.
        pairs = out.pop("pairs")
        head = json.dumps(out, ensure_ascii=False, indent=1)[:-2]
        f.write(head + ',\n "pairs": [\n')
        f.write(",\n".join(json.dumps(p, ensure_ascii=False) for p in pairs))
        f.write("\n ]\n}")
        f.write("\n")


if __name__ == "__main__":
    main()
