"""Bytes -> str for text-like files, refusing to guess when the bytes are ambiguous.

Order: BOM; binary sniffing; a declared charset (HTML meta); strict UTF-8; damaged UTF-8
is an error, not GB18030 mojibake; strict GB18030 and Big5, with charset-normalizer only
breaking a tie between the two.
"""
from __future__ import annotations

import codecs
from pathlib import Path

from planmap.errors import DocumentError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF", "a PDF (rename it to .pdf)"),
    (b"PK\x03\x04", "a ZIP archive (a .docx? rename it)"),
    (b"\xd0\xcf\x11\xe0", "an old Office file (.doc/.xls; save as .docx)"),
    (b"\x7fELF", "an executable"),
    (b"MZ\x90\x00", "an executable"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7z archive"),
    (b"Rar!", "a RAR archive"),
)
# control bytes that never occur in text (tab, LF, VT, FF, CR and ESC excluded)
_CONTROL = bytes([*range(0, 9), 14, 15, *range(16, 27), *range(28, 32), 127])
_SNIFF = 65536
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
            "big5-hkscs": "big5hkscs", "utf8": "utf-8"}
_HINT = "re-save the file as UTF-8"


def check_binary(data: bytes, path: str | Path) -> None:
    """Raise DocumentError when the bytes are plainly not text."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise DocumentError(path, f"not a text document (looks like {what})")
    head = data[:_SNIFF]
    if b"\x00" in head:
        raise DocumentError(path, "not a text document (contains NUL bytes)")
    controls = len(head) - len(head.translate(None, _CONTROL))
    if head and controls > 0.05 * len(head):
        raise DocumentError(path, "not a text document (mostly control characters)")


def decode_bytes(data: bytes, path: str | Path, declared: str | None = None) -> tuple[str, str]:
    """The text and the encoding it was read with."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc.replace("-sig", "")
            except UnicodeDecodeError as err:
                raise DocumentError(path, f"cannot decode text: bad {enc} after its BOM at byte {err.start}", _HINT) from None
    check_binary(data, path)
    if declared:
        enc = _ALIASES.get(declared.lower(), declared.lower())
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            pass  # the declaration lies; detect instead
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        first_bad = err.start
    loose = data.decode("utf-8", errors="replace")
    bad = loose.count("\ufffd")
    multibyte = len(loose) - len(loose.encode("ascii", "ignore")) - bad
    if multibyte > 20 * bad:
        raise DocumentError(
            path, f"cannot decode text: damaged UTF-8 ({bad} bad sequence(s), first at byte {first_bad})", _HINT
        )
    candidates = {}
    for enc in ("gb18030", "big5"):
        try:
            candidates[enc] = data.decode(enc)
        except UnicodeDecodeError:
            pass
    if not candidates:
        raise DocumentError(path, "cannot decode text: not UTF-8, GB18030/GBK or Big5", _HINT)
    if len(candidates) == 1:
        enc, text = next(iter(candidates.items()))
        return text, enc
    enc = _tie_break(data)
    return candidates[enc], enc


def _tie_break(data: bytes) -> str:
    """GB18030 or Big5 when both decode strictly: ask charset-normalizer."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:_SNIFF * 4], cp_isolation=["gb18030", "big5"]).best()
    if best is not None and best.encoding in ("big5", "big5hkscs"):
        return "big5"
    return "gb18030"
