"""The portal export contract (v1): the columns of each kind of file.

Column names are matched loosely (case, diacritics, spaces and underscores ignored),
so `ma_ho_so` and `MaHoSo` are the same column; anything else is an unknown column,
kept in raw as `_extra` unless it carries personal data (`ingest.personal`), which is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.names import normalize_column
from ingest.personal import is_personal_data

__all__ = [
    "AGENCIES",
    "DOSSIERS",
    "PROCEDURES",
    "Kind",
    "detect_kind",
    "is_personal_data",
    "map_columns",
    "normalize_column",
]


@dataclass(frozen=True)
class Kind:
    name: str
    key: str
    required: tuple[str, ...]
    optional: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


AGENCIES = Kind(
    name="agencies", key="MaDonVi", required=("MaDonVi", "TenDonVi", "Cap", "MaDVHC"), optional=("MaDonViCha",)
)

PROCEDURES = Kind(
    name="procedures",
    key="MaTTHC",
    required=("MaTTHC", "TenTTHC", "MaLinhVuc", "TenLinhVuc", "MucDo"),
    optional=("CapThucHien", "YeuCauKetQuaGiay", "CoPhiLePhi"),
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
    ),
)

TABULAR_KINDS = (DOSSIERS, PROCEDURES, AGENCIES)


@dataclass(frozen=True)
class ColumnMapping:
    """How a file's own column names map to the contract's."""

    kind: Kind
    contract_to_file: dict[str, str]
    extra: tuple[str, ...]
    personal: tuple[str, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(c for c in self.kind.required if c not in self.contract_to_file)


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
    """The kind whose columns the file shares most of (its key column weighs double)."""
    normal = {normalize_column(c) for c in file_columns}
    best: tuple[int, Kind] | None = None
    for kind in TABULAR_KINDS:
        score = sum(normalize_column(c) in normal for c in kind.columns)
        score += normalize_column(kind.key) in normal
        if score >= 3 and (best is None or score > best[0]):
            best = (score, kind)
    return best[1] if best else None
