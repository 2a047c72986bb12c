"""Column names compared the way people write them: case, diacritics and separators ignored."""

from __future__ import annotations

import re
import unicodedata


def normalize_column(name: str) -> str:
    """ "Số điện thoại", "so_dien_thoai" and "SoDienThoai" all give "sodienthoai"."""
    text = unicodedata.normalize("NFD", str(name).replace("Đ", "D").replace("đ", "d"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return re.sub(r"[^a-z0-9]", "", text.lower())
