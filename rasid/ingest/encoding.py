"""Decode input bytes: UTF-8 (with or without BOM), UTF-16, Windows-1256, ISO-8859-6."""

from __future__ import annotations

import codecs

from rasid.errors import InputError

_ARABIC = range(0x0600, 0x0700)


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KB (UTF-16 is checked first)."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    ctrl = sum(1 for b in head if b < 9 or 13 < b < 32)
    return bool(head) and ctrl / len(head) > 0.05


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Return ``(text, encoding)`` or raise InputError naming ``name``."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", name), "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return _strict(data, "utf-16", name), "utf-16"
    if _utf16_without_bom(data):
        enc = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
        return _strict(data, enc, name), enc
    if looks_binary(data):
        raise InputError(name, "binary file, not text (NUL or control bytes)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # single-byte Arabic code pages: ISO-8859-6 leaves many bytes undefined, cp1256 few;
    # take the one that decodes and yields more Arabic letters.
    best: tuple[int, str, str] | None = None
    for enc in ("cp1256", "iso-8859-6"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = sum(1 for ch in text if ord(ch) in _ARABIC)
        letters = sum(1 for ch in text if ch.isalpha())
        # mostly-Latin bytes can also decode as Arabic code pages: demand mostly Arabic
        if letters and score / letters >= 0.5 and (best is None or score > best[0]):
            best = (score, text, enc)
    if best is None:
        raise InputError(name, "unknown text encoding (not UTF-8, UTF-16, Windows-1256 or ISO-8859-6)")
    return best[1], best[2]


def _utf16_without_bom(data: bytes) -> bool:
    head = data[:2000]
    if len(head) < 4:
        return False
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    half = len(head) // 2
    return (odd > 0.3 * half and even < 0.05 * half) or (even > 0.3 * half and odd < 0.05 * half)


def _strict(data: bytes, enc: str, name: str) -> str:
    try:
        return data.decode(enc)
    except UnicodeDecodeError as e:
        raise InputError(name, f"invalid {enc} text at byte {e.start}") from e
