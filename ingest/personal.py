"""Which columns carry a citizen's personal data (Decree 13/2023/ND-CP), by name.

No personal data is part of the contract (DESIGN §3): a column that carries it is dropped
at ingest, its values stored nowhere (raw, archive copy, quarantine, downloads). Columns
are recognised by their name, normalised (`ingest.names.normalize_column`: no
diacritics, lower case, separators removed), so that "Số điện thoại", "so_dien_thoai",
"SDT_LienHe" and "SoDienThoaiNguoiNop" are all found. A pattern matches anywhere in the
name (prefixes and suffixes allowed) unless it is marked whole-name only: short words
("sdt", "ten", "tel") would otherwise hide inside innocent names.

The list is maintained, and tested both ways (tests/test_personal_columns.py): every
header below is found, and no contract column ("TenDonVi", "MaHoSo", ...) ever is. A
contract column is matched to the contract before this list is consulted, so a contract
name can never be dropped; the test guards the other columns of the same files.

No list is complete: that is why unknown extra columns keep their values in raw only,
never in the quarantine record or a download (their names are kept).
"""

from __future__ import annotations

import re

from ingest.names import normalize_column

# (what it is, patterns over the normalised name). Vietnamese first, then English.
ANYWHERE: dict[str, tuple[str, ...]] = {
    "name": (
        "hoten",
        "hovaten",
        "tennguoi",
        "nguoinop",
        "nguoinhan",
        "nguoiyeucau",
        "nguoidaidien",
        "nguoidenghi",
        "nguoikhai",
        "chuhoso",
        "tencongdan",
        "tencanhan",
        "tenchuho",
        "tenchusohuu",
        "fullname",
        "firstname",
        "lastname",
        "surname",
        "applicantname",
        "personname",
        "citizen",
    ),
    "phone": ("sodienthoai", "dienthoai", "didong", "sodt", "sdt", "phone", "mobile", "telephone", "zalo"),
    "identity document": (
        "cmnd",
        "cccd",
        "cmt",
        "chungminh",
        "cancuoc",
        "dinhdanh",
        "hochieu",
        "sogiayto",
        "giaytotuythan",
        "passport",
        "idcard",
        "idnumber",
        "nationalid",
        "identity",
        "masothuecanhan",
        "mstcanhan",
        "bhxh",
        "bhyt",
        "baohiem",
        "sotaikhoan",
        "taikhoannganhang",
        "bankaccount",
        "bienso",
    ),
    "e-mail": ("email", "thudientu", "hopthu", "mail"),
    "address": (
        "diachi",
        "noicutru",
        "noio",
        "thuongtru",
        "tamtru",
        "quequan",
        "nguyenquan",
        "noisinh",
        "hokhau",
        "address",
        "residence",
    ),
    "birth, sex, nationality": (
        "ngaysinh",
        "namsinh",
        "sinhngay",
        "dateofbirth",
        "birth",
        "gioitinh",
        "gender",
        "quoctich",
        "dantoc",
        "tongiao",
    ),
}
# Short words: personal only as the whole name (or with a trailing number, "SDT2").
WHOLE_NAME: tuple[str, ...] = ("ten", "name", "tel", "dob", "sex", "id", "cmt", "phai", "mst", "stk")

_ANYWHERE = re.compile("|".join(p for group in ANYWHERE.values() for p in group))
_WHOLE = re.compile(rf"(?:{'|'.join(WHOLE_NAME)})\d*")


def is_personal_data(column: str) -> bool:
    """True when the column's name says it carries a person's data."""
    name = normalize_column(column)
    return bool(_ANYWHERE.search(name) or _WHOLE.fullmatch(name))
