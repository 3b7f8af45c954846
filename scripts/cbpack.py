"""Print the words of a wordfreq cBpack list as "word TAB Zipf" lines.

Usage: cbpack.py WHEEL MEMBER. A cBpack file is gzip'd msgpack: a header
map ({"format": "cB", ...}) followed by lists of words, list i holding the
words whose frequency is i centibels below 1, so Zipf = 9 - i/100. Only
the msgpack types these files use are decoded; no package is needed.
"""
import gzip
import struct
import sys
import zipfile


def unpack(b, i):
    """Decode one msgpack value of b at offset i; return it and the next offset."""
    c = b[i]
    i += 1
    if c <= 0x7F:
        return c, i
    if 0x80 <= c <= 0x8F:
        return unpack_map(b, i, c & 0x0F)
    if 0x90 <= c <= 0x9F:
        return unpack_array(b, i, c & 0x0F)
    if 0xA0 <= c <= 0xBF:
        n = c & 0x1F
        return b[i:i + n].decode("utf-8"), i + n
    if c >= 0xE0:
        return c - 0x100, i
    if c == 0xC0:
        return None, i
    if c in (0xC2, 0xC3):
        return c == 0xC3, i
    ints = {0xCC: (1, False), 0xCD: (2, False), 0xCE: (4, False), 0xCF: (8, False),
            0xD0: (1, True), 0xD1: (2, True), 0xD2: (4, True), 0xD3: (8, True)}
    if c in ints:
        n, signed = ints[c]
        return int.from_bytes(b[i:i + n], "big", signed=signed), i + n
    if c == 0xCA:
        return struct.unpack(">f", b[i:i + 4])[0], i + 4
    if c == 0xCB:
        return struct.unpack(">d", b[i:i + 8])[0], i + 8
    sized = {0xD9: (1, "str"), 0xDA: (2, "str"), 0xDB: (4, "str"),
             0xDC: (2, "array"), 0xDD: (4, "array"), 0xDE: (2, "map"), 0xDF: (4, "map")}
    if c in sized:
        k, kind = sized[c]
        n = int.from_bytes(b[i:i + k], "big")
        i += k
        if kind == "str":
            return b[i:i + n].decode("utf-8"), i + n
        return (unpack_array if kind == "array" else unpack_map)(b, i, n)
    raise ValueError("msgpack type 0x%02x at offset %d is not handled" % (c, i - 1))


def unpack_array(b, i, n):
    out = []
    for _ in range(n):
        v, i = unpack(b, i)
        out.append(v)
    return out, i


def unpack_map(b, i, n):
    out = {}
    for _ in range(n):
        k, i = unpack(b, i)
        v, i = unpack(b, i)
        out[k] = v
    return out, i


def main():
    with zipfile.ZipFile(sys.argv[1]) as z:
        data = gzip.decompress(z.read(sys.argv[2]))
    value, _ = unpack(data, 0)
    header, bins = value[0], value[1:]
    if not isinstance(header, dict) or header.get("format") != "cB":
        sys.exit("cbpack: %s is not a cBpack list (header %r)" % (sys.argv[2], header))
    out = sys.stdout
    for centibels, words in enumerate(bins):
        for w in words:
            out.write("%s\t%.2f\n" % (w, 9 - centibels / 100))


if __name__ == "__main__":
    main()
