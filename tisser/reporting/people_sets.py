"""Exact sets of people, stored compactly: a bitmap of file ids, zlib-compressed.

Distinct-people counts over any period stay exact (decision 0055): each roll-up row keeps
the set of files it counted, as a bitmap whose bit *n* is file *n*. A period's count is the
population count of the union (bitwise OR) of its pieces' bitmaps: no double counting across
days, months, sites or keys, and no estimate. A million files is a 125 kB bitmap before
compression; Python's integers do the OR and the count in C.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable


def to_bits(ids: Iterable[int]) -> int:
    ids = list(ids)
    if not ids:
        return 0
    buffer = bytearray(max(ids) // 8 + 1)
    for person in ids:
        buffer[person >> 3] |= 1 << (person & 7)
    return int.from_bytes(buffer, "little")


def encode(bits: int) -> bytes:
    return zlib.compress(bits.to_bytes((bits.bit_length() + 7) // 8 or 1, "little"), 1)


def decode(blob: bytes | memoryview | None) -> int:
    if not blob:
        return 0
    return int.from_bytes(zlib.decompress(bytes(blob)), "little")


def size(bits: int) -> int:
    return bits.bit_count()


def members(bits: int) -> list[int]:
    """The ids in the set (for tests and the verification's report)."""
    raw = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    return [
        8 * at + bit for at, byte in enumerate(raw) if byte for bit in range(8) if byte >> bit & 1
    ]
