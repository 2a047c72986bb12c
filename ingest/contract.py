"""The portal export contract (v2, DESIGN §3): the columns of each kind of file.

Column names are matched loosely (case, diacritics, spaces and underscores ignored),
so `ma_ho_so` and `MaHoSo` are the same column; anything else is an unknown column,
kept in raw as `_extra` unless it carries personal data (`ingest.personal`), which is
dropped, or the kind keeps nothing outside its contract (ratings, feedback: a PAKN's
content and a rater's identity are free text about a person, whatever the column's name).
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.names import normalize_column
from ingest.personal import is_personal_data

__all__ = [
    "AGENCIES",
    "DOSSIERS",
    "FEEDBACK",
    "INDEX766",
    "PROCEDURES",
    "RATINGS",
    "Kind",
    "detect_kind",
    "is_personal_data",
    "map_columns",
    "normalize_column",
]


@dataclass(frozen=True)
class Kind:
    name: str
    key: str  # the column naming what a row is about (weighs double in detection)
    required: tuple[str, ...]
    optional: tuple[str, ...]
    # The row's identity when it is more than `key`: SQL expressions over the contract's columns.
    identity: tuple[str, ...] = ()
    # Which version of a row is the latest, before the load order (NULL never wins).
    latest_by: str | None = None
    # Groups of optional columns of which a file must have at least one.
    one_of: tuple[tuple[str, ...], ...] = ()
    # A v2 kind is a candidate only when the file has one of these: the columns it shares
    # with a dossier export (MaHoSo, MaDonVi, NgayTiepNhan) must not make it one.
    signature: tuple[str, ...] = ()
    # False: no column outside the contract is kept anywhere (raw, archive, quarantine values).
    keeps_other_columns: bool = True
    label: str = ""  # how the "not a portal export" message names it

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional

    @property
    def key_columns(self) -> tuple[str, ...]:
        return self.identity or (self.key,)


AGENCIES = Kind(
    name="agencies",
    key="MaDonVi",
    required=("MaDonVi", "TenDonVi", "Cap", "MaDVHC"),
    optional=("MaDonViCha",),
    label="agencies (MaDonVi, TenDonVi, Cap...)",
)

PROCEDURES = Kind(
    name="procedures",
    key="MaTTHC",
    required=("MaTTHC", "TenTTHC", "MaLinhVuc", "TenLinhVuc", "MucDo"),
    optional=("CapThucHien", "YeuCauKetQuaGiay", "CoPhiLePhi", "DuDieuKienToanTrinh"),
    label="procedures (MaTTHC, TenTTHC...)",
)

DOSSIERS = Kind(
    name="dossiers",
    key="MaHoSo",
    # Channel, due and end dates may be empty in a row, but a file without the column
    # would silently turn every KPI that reads them into a wrong number.
    required=(
        "MaHoSo",
        "MaTTHC",
        "MaDonVi",
        "KenhThucHien",
        "TrangThaiHoSo",
        "NgayTiepNhan",
        "NgayHenTra",
        "NgayKetThucXuLy",
    ),
    optional=(
        "MaLinhVuc",
        "TenLinhVuc",
        "NgayTra",
        "DuocThanhToanTrucTuyen",
        "HoSoCoThanhPhanSoHoa",
        "CoKetQuaDienTu",
        "SoLanBoSung",
        "CoTaiSuDungDuLieuSoHoa",
        "DuocLayTuKhoDMQG",
        "TaiKhoanDuocXacThucVoiVNeID",
    ),
    label="dossiers (MaHoSo...)",
)

RATINGS = Kind(
    name="ratings",
    key="MaHoSo",
    required=("MaHoSo", "ThoiGianDanhGia", "MucDoHaiLong"),
    optional=("KenhDanhGia",),
    # a dossier rated again keeps its latest rating, whichever file came last
    latest_by="ThoiGianDanhGia",
    signature=("ThoiGianDanhGia", "MucDoHaiLong", "KenhDanhGia"),
    keeps_other_columns=False,
    label="ratings (MaHoSo, ThoiGianDanhGia, MucDoHaiLong)",
)

FEEDBACK = Kind(
    name="feedback",
    key="MaPAKN",
    # Without the agency, the dates or the status, every feedback measure would be wrong
    # without a word; the others only refine it (5.3) and are unknown when absent.
    required=("MaPAKN", "MaDonVi", "NgayTiepNhan", "NgayXuLyXong", "TrangThaiPAKN"),
    optional=("PhanLoai", "MaHoSo", "SoThich", "SoKhongThich", "PhanAnhLai"),
    signature=("MaPAKN", "NgayXuLyXong", "TrangThaiPAKN", "PhanLoai", "SoThich", "SoKhongThich", "PhanAnhLai"),
    keeps_other_columns=False,
    label="feedback (MaPAKN, TrangThaiPAKN...)",
)

INDEX766 = Kind(
    name="index766",
    key="MaChiSo",
    required=("MaChiSo", "TuNgay", "DenNgay", "Diem"),
    optional=("MaDonVi", "MaDVHC", "TuSo", "MauSo"),
    identity=("coalesce(MaDonVi, MaDVHC)", "TuNgay", "DenNgay", "MaChiSo"),
    one_of=(("MaDonVi", "MaDVHC"),),
    signature=("MaChiSo", "Diem", "TuSo", "MauSo", "TuNgay", "DenNgay"),
    label="the published 766 index (MaChiSo, TuNgay, DenNgay, Diem)",
)

TABULAR_KINDS = (DOSSIERS, PROCEDURES, AGENCIES, RATINGS, FEEDBACK, INDEX766)


@dataclass(frozen=True)
class ColumnMapping:
    """How a file's own column names map to the contract's."""

    kind: Kind
    contract_to_file: dict[str, str]
    extra: tuple[str, ...]
    personal: tuple[str, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        absent = [c for c in self.kind.required if c not in self.contract_to_file]
        absent += [" or ".join(group) for group in self.kind.one_of if not set(group) & set(self.contract_to_file)]
        return tuple(absent)

    @property
    def kept_extra(self) -> tuple[str, ...]:
        """The unknown columns whose values raw keeps (`_extra`)."""
        return self.extra if self.kind.keeps_other_columns else ()

    @property
    def dropped(self) -> tuple[str, ...]:
        """Every column of the file none of whose values is stored anywhere."""
        return self.personal + (() if self.kind.keeps_other_columns else self.extra)


def map_columns(kind: Kind, file_columns: list[str]) -> ColumnMapping:
    by_normal = {normalize_column(c): c for c in kind.columns}
    contract_to_file: dict[str, str] = {}
    extra: list[str] = []
    personal: list[str] = []
    for column in file_columns:
        contract = by_normal.get(normalize_column(column))
        if contract and contract not in contract_to_file:
            contract_to_file[contract] = column
        elif is_personal_data(column):
            personal.append(column)
        else:
            extra.append(column)
    return ColumnMapping(kind, contract_to_file, tuple(extra), tuple(personal))


def detect_kind(file_columns: list[str]) -> Kind | None:
    """The kind the file is an export of, or None.

    Among the v1 kinds, the one whose columns the file shares most of (its key column
    weighs double; a tie goes to the earlier one), as in v1, so a v1 file is read as it
    always was. A v2 kind competes only when the file has one of its own columns
    (`signature`), and then a kind whose required columns the file all has beats one it
    lacks some of, before the count: a ratings export that also names the agency is not
    an incomplete dossier export, and a dossier export carrying its rating stays one.
    """
    normal = {normalize_column(c) for c in file_columns}

    def has(column: str) -> bool:
        return normalize_column(column) in normal

    def score(kind: Kind) -> int:
        return sum(has(c) for c in kind.columns) + has(kind.key)

    def complete(kind: Kind) -> bool:
        return all(has(c) for c in kind.required) and all(any(has(c) for c in group) for group in kind.one_of)

    v1 = [kind for kind in TABULAR_KINDS if not kind.signature]
    v2 = [kind for kind in TABULAR_KINDS if kind.signature and any(has(c) for c in kind.signature)]
    candidates = [max(v1, key=score)] + v2  # max keeps the first of equal scores
    best = max(candidates, key=lambda kind: (complete(kind), score(kind)))
    return best if score(best) >= 3 else None
