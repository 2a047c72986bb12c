"""The dashboard's own Vietnamese strings, and finding them in the text a page shows.

The English pages must show none of them (tests/browser/test_language.py), while data such
as unit and procedure names stays Vietnamese. Kept apart from the browser tests so that the
matcher is tested without a browser (tests/test_interface_text.py).
"""

from __future__ import annotations

import ast
import re
import unicodedata
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]

VIETNAMESE_ONLY = set("ăâđêôơưĂÂĐÊÔƠƯ")
# The language switch names each language in itself.
ENDONYMS = {"Tiếng Việt"}
# What may sit beside a one-word label in a line of its own: "Lúc 14:05", "đến 02/12", "Điểm: 4,5".
BESIDE_A_LABEL = re.compile(r"[\d\s.,:;()/%+\-–—·*]+")


def looks_vietnamese(text: str) -> bool:
    """Letters English never has: đ, ă, ơ... or a tone mark."""
    decomposed = unicodedata.normalize("NFD", text)
    return any(c in VIETNAMESE_ONLY or unicodedata.combining(c) for c in decomposed)


def _vietnamese_texts(tree: ast.AST) -> set[str]:
    """Every Vietnamese string in the source but docstrings: the first text of `tr(vi, en)`,
    of label tables' `(vi, en)`, of `vi if lang == "vi" else en`, and any other, which
    should not exist (an f-string counts by its fixed pieces)."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    texts = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            texts.update(piece.strip(" .,:;()·–—-") for piece in re.split(r"[\n`]", node.value))
    return {text for text in texts if looks_vietnamese(text) and text not in ENDONYMS}


@cache
def interface_strings() -> tuple[str, ...]:
    texts: set[str] = set()
    for source in SOURCES:
        texts |= _vietnamese_texts(ast.parse(source.read_text(encoding="utf-8")))
    # longest first, so that a report names the whole phrase
    return tuple(sorted(texts, key=len, reverse=True))


def vietnamese_in(text: str, strings: tuple[str, ...] | None = None) -> list[str]:
    """The interface strings (`strings`, by default the dashboard's) that `text` shows.

    A phrase of several words counts wherever it stands as whole words. A one-word label
    ("Cấp", "Huyện", "Kỳ") counts only as a line or cell of its own, give or take numbers
    and punctuation (a header, a button, "đến 02/12"): inside a line it is as likely a
    piece of data ("Xã Khôi Kỳ", "Huyện Đại Từ", a procedure's name), which stays Vietnamese.
    """
    cells = {BESIDE_A_LABEL.sub(" ", cell).strip() for cell in re.split(r"[\n\t]", text)}
    found = []
    for phrase in interface_strings() if strings is None else strings:
        if " " in phrase:
            if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text):
                found.append(phrase)
        elif phrase in cells:
            found.append(phrase)
    return found
