"""Which text encoding a CSV export is in, judged from the whole file.

Portal exports are UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text"), or,
from older one-door systems, Windows-1258. A legacy file often opens with lines of
codes and dates only (pure ASCII), its Vietnamese names further down: judging from the
first bytes alone read such a file as UTF-8 and quarantined every named row as
"invalid unicode". So the whole file is read (the loader reads it anyway to hash it).

A file mostly in UTF-8 with a few invalid bytes stays UTF-8: reading it as Windows-1258
would garble every good row, whereas this way only the bad lines are quarantined.

TCVN3 (ABC), the pre-Unicode Vietnamese font encoding, has no codec in Python; read as
Windows-1258 it turns every name into nonsense without a single error. It is recognised
by its letters (à á ạ ă â ê ô ơ ư đ are single bytes 0xA8-0xAE, 0xB5-0xB9 there, which
Windows-1258 text never uses, while it writes tones with combining marks that TCVN3 does
not have) and refused with a sentence naming it.

Exceptions: `ingest.errors.UnreadableFile` for a TCVN3 file.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import UnreadableFile

CHUNK = 1 << 20
# TCVN3's most frequent Vietnamese letters: ă â ê ô ơ ư đ (0xA8-0xAE), à ả ã á ạ (0xB5-0xB9).
_TCVN3_LETTERS = bytes(range(0xA8, 0xAF)) + bytes(range(0xB5, 0xBA))
# Windows-1258's combining tone marks: grave, hook above, tilde, acute, dot below.
_CP1258_TONES = bytes((0xCC, 0xD2, 0xDE, 0xEC, 0xF2))


@dataclass(frozen=True)
class Encoding:
    name: str  # a Python codec name
    note: str | None  # what to tell the user, when it is not plain UTF-8


UTF8 = Encoding("utf-8", None)


def detect_encoding(path: Path) -> Encoding:
    with open(path, "rb") as handle:
        head = handle.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Encoding("utf-16", "read as UTF-16 (as Excel saves 'Unicode text')")
    if _is_utf8(path):
        return UTF8
    invalid, non_ascii, tcvn3, tones = _census(path)
    if non_ascii > invalid:
        return UTF8  # UTF-8 with a few broken lines: those are quarantined
    if tcvn3 > tones:
        raise UnreadableFile(
            "it is encoded in TCVN3 (ABC), the old Vietnamese font encoding, which cannot be read reliably: "
            "convert it to Unicode (UTF-8), e.g. with Unikey's converter, and load it again"
        )
    return Encoding("cp1258", "not UTF-8: read as Windows-1258 (Vietnamese)")


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _census(path: Path) -> tuple[int, int, int, int]:
    """(invalid UTF-8 sequences, valid non-ASCII characters, TCVN3 letters, Windows-1258 tone marks)."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    invalid = non_ascii = tcvn3 = tones = 0
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(CHUNK)
            text = decoder.decode(chunk, final=not chunk)
            bad = text.count("\ufffd")
            invalid += bad
            non_ascii += len(text) - len(text.encode("ascii", "ignore")) - bad
            tcvn3 += sum(chunk.count(byte) for byte in _TCVN3_LETTERS)
            tones += sum(chunk.count(byte) for byte in _CP1258_TONES)
            if not chunk:
                break
    return invalid, non_ascii, tcvn3, tones
