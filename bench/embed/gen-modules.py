#!/usr/bin/env python3
"""Writes the modules of the instantiation micro-benchmark, as .wasm bytes.

  empty.wasm      `(module)`: what instantiating costs before any state
  one-page.wasm   one exported page of memory, nothing else
  data.wasm       DATA_MIB MiB of active data segments (one per MiB, filled
                  with a non-zero pattern so nothing can skip them) in a
                  memory one page larger

They are made at bench time, so no binary is kept in the project; the
encoding is written out here rather than through wat2wasm because a
several-MiB data string in the text format would be just as large.

Usage: bench/embed/gen-modules.py OUTDIR [DATA_MIB]   (default 4)
Needs: python3.
"""

import os
import sys

PAGE = 65536
MIB = 1 << 20


def leb_u32(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def leb_i32(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if (value == 0 and not byte & 0x40) or (value == -1 and byte & 0x40):
            out.append(byte)
            return bytes(out)
        out.append(byte | 0x80)


def section(section_id, payload):
    return bytes([section_id]) + leb_u32(len(payload)) + payload


def module(pages=None, segments=()):
    """A module with an exported memory of `pages` pages (None: no memory)
    and active data segments [(offset, bytes)] in it."""
    out = b"\0asm" + bytes([1, 0, 0, 0])
    if pages is None:
        return out
    limits = b"\x01" + leb_u32(pages) + leb_u32(pages)   # min = max
    out += section(5, leb_u32(1) + limits)
    name = b"memory"
    out += section(7, leb_u32(1) + leb_u32(len(name)) + name + b"\x02" + leb_u32(0))
    if segments:
        body = leb_u32(len(segments))
        for offset, data in segments:
            # flags 0: active, memory 0; offset expression i32.const OFFSET end
            body += b"\x00" + b"\x41" + leb_i32(offset) + b"\x0b" + leb_u32(len(data)) + data
        out += section(11, body)
    return out


def main():
    if len(sys.argv) not in (2, 3):
        raise SystemExit("usage: gen-modules.py OUTDIR [DATA_MIB]")
    out_dir = sys.argv[1]
    data_mib = int(sys.argv[2]) if len(sys.argv) == 3 else 4
    os.makedirs(out_dir, exist_ok=True)
    # Every segment different, and no short period inside one, so nothing
    # along the way can share or compress them.
    segments = [(i * MIB, bytes((j * 7 + (j >> 12) * 13 + i * 31) % 251 + 1 for j in range(MIB)))
                for i in range(data_mib)]
    modules = {
        "empty": module(),
        "one-page": module(pages=1),
        "data": module(pages=data_mib * MIB // PAGE + 1, segments=segments),
    }
    for name, data in modules.items():
        with open(os.path.join(out_dir, name + ".wasm"), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
