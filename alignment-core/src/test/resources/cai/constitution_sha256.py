#!/usr/bin/env python3
"""Constitution.sha256() of an align4j-format JSON constitution, written independently of the Java code.

The canonical form (dev.align4j.api.judge.Constitution#sha256): each string as its UTF-8 length (a 4-byte
little-endian int, as Guava's Hasher.putInt writes it) and bytes; each optional text as one byte 1/0 (present/absent)
followed by the string when present; counts as 4-byte little-endian ints. The order: the tag
"align4j-constitution-v1", the name, the number of principles, per principle id, critique, revision, comparison, the
number of few-shot dialogues, per dialogue its number of turns and per turn role and content.

ConstitutionFilesTest pins the built-in world's hash with the output of
    python3 constitution_sha256.py ../../../main/resources/dev/align4j/core/cai/world-constitution.json
and the hash of its ALIGN4J_JSON text block (saved to a file) likewise.
"""
import hashlib
import json
import struct
import sys


def main(path):
    with open(path, encoding="utf-8") as f:
        c = json.load(f)
    h = hashlib.sha256()

    def count(n):
        h.update(struct.pack("<i", n))

    def text(s):
        b = s.encode("utf-8")
        count(len(b))
        h.update(b)

    def optional(s):
        h.update(b"\x01" if s is not None else b"\x00")
        if s is not None:
            text(s)

    text("align4j-constitution-v1")
    text(c["name"])
    count(len(c["principles"]))
    for p in c["principles"]:
        text(p["id"])
        for key in ("critique", "revision", "comparison"):
            optional(p.get(key))
    dialogues = c.get("few_shot", [])
    count(len(dialogues))
    for d in dialogues:
        count(len(d))
        for turn in d:
            text(turn["role"])
            text(turn["content"])
    print(h.hexdigest())


if __name__ == "__main__":
    main(sys.argv[1])
