#!/usr/bin/env python3
"""Deterministic autoresearch experiment: compress corpus.txt as config.json says, print the size.

config.json keys: codec (zlib | lzma | bz2), level (codec's range), chunkSize (bytes per
independently compressed chunk; 0 = whole text), strategy (zlib only: default | filtered |
huffman)."""
import bz2
import json
import lzma
import sys
import zlib

with open("config.json") as handle:
    config = json.load(handle)
with open("corpus.txt", "rb") as handle:
    text = handle.read()

codec = config.get("codec", "zlib")
level = int(config.get("level", 6))
chunk = int(config.get("chunkSize", 0)) or len(text)
strategies = {"default": zlib.Z_DEFAULT_STRATEGY, "filtered": zlib.Z_FILTERED, "huffman": zlib.Z_HUFFMAN_ONLY}


def compress(block):
    if codec == "zlib":
        compressor = zlib.compressobj(level, zlib.DEFLATED, 15, 9, strategies[config.get("strategy", "default")])
        return compressor.compress(block) + compressor.flush()
    if codec == "lzma":
        return lzma.compress(block, preset=level)
    if codec == "bz2":
        return bz2.compress(block, compresslevel=level)
    sys.exit(f"unknown codec {codec!r}")


size = sum(len(compress(text[i:i + chunk])) for i in range(0, len(text), chunk))
print(f"size: {size}")
