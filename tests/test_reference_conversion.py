"""The 2025 commune conversion table (DESIGN §5, "Across the reform"): the committed
reference files, how each old commune went, comparability per new commune, and the
post-reform codes the shipped unit list gets wrong.

Real rows checked by hand against the data (Thái Nguyên, 19; old Đại Từ district 171):

    new 05830 Xã Đại Từ    <- 05821 Khôi Kỳ, 05830 Bình Thuận, 05833 Lục Ba, 05836 Mỹ Yên
    new 05788 Xã Phú Lạc   <- 05785 Phú Lạc, 05788 Tân Linh, 05794 Phục Linh
                              (05794 in admin_units.csv until it took the official codes)
    old 05932 Xã Thượng Đình -> 05908 Xã Phú Bình, 05941 Xã Điềm Thụy  (split)

The hand-made fixture for comparability:

    A, B, C -> X        three old communes into one     X comparable
    D -> Y, Z; E -> Y   one old commune split in two    Y, Z not comparable
    F -> W              unchanged                       W comparable
    G -> V              renamed                         V comparable
"""

from __future__ import annotations

import csv
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from warehouse.reference import build_commune_conversion as build
from warehouse.reference.conversion import (
    COMPARABILITY_CSV,
    COMPARABILITY_HEADER,
    CONVERSION_CSV,
    CONVERSION_HEADER,
    HOW,
    Comparability,
    ConversionRow,
    ConversionTableError,
    comparability,
    comparability_csv,
    how_each_went,
    name_key,
    read_conversion,
)

CODE_CHANGES_CSV = build.CODE_CHANGES_CSV


@pytest.fixture(scope="module")
def table() -> list[ConversionRow]:
    return read_conversion()


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as f:
        return next(csv.reader(f))


def _records(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _row(old: str, new: str, old_name: str = "", new_name: str = "") -> ConversionRow:
    return ConversionRow(
        old_code=old,
        old_name=old_name or f"Xã {old}",
        old_district_code="001",
        old_province_code="01",
        new_code=new,
        new_name=new_name or f"Xã {new}",
        new_province_code="01",
        how="",
        package_partly_merged="0",
    )


# --------------------------------------------------------------------------- committed files


def test_conversion_csv_header_and_shape(table: list[ConversionRow]) -> None:
    assert tuple(_header(CONVERSION_CSV)) == CONVERSION_HEADER
    assert len(table) == 10_565
    assert len({r.old_code for r in table}) == 10_033
    assert len({r.new_code for r in table}) == 3_316
    assert table == sorted(table, key=lambda r: (r.old_code, r.new_code))
    for r in table:
        assert len(r.old_code) == 5 and r.old_code.isdigit()
        assert len(r.new_code) == 5 and r.new_code.isdigit()
        assert len(r.old_district_code) == 3 and len(r.old_province_code) == 2 and len(r.new_province_code) == 2
        assert r.new_name
        assert r.how in HOW
        assert r.package_partly_merged in ("0", "1")
    # names are missing only for the 10 codes the pre-reform list (of 2025-01-04) lacks
    assert len({r.old_code for r in table if not r.old_name}) == 10


def test_comparability_csv_header_and_shape() -> None:
    records = _records(COMPARABILITY_CSV)
    assert tuple(_header(COMPARABILITY_CSV)) == COMPARABILITY_HEADER
    assert len(records) == 3_316
    assert [r["new_code"] for r in records] == sorted(r["new_code"] for r in records)
    assert Counter(r["comparable"] for r in records) == {"true": 2_901, "false": 415}
    assert all((r["note"] == "") == (r["comparable"] == "true") for r in records)


def test_comparability_csv_is_the_function_of_the_table(table: list[ConversionRow]) -> None:
    assert COMPARABILITY_CSV.read_text(encoding="utf-8") == comparability_csv(comparability(table))


def test_code_changes_csv_header_and_shape() -> None:
    # admin_units.csv carries the official post-reform codes (it listed 123 communes,
    # one in Thái Nguyên, under another code before it was regenerated from 2026.9.0)
    records = _records(CODE_CHANGES_CSV)
    assert tuple(_header(CODE_CHANGES_CSV)) == build.CODE_CHANGE_HEADER
    assert records == []


def test_admin_units_post_reform_communes_are_the_tables_new_communes(table: list[ConversionRow]) -> None:
    """Joining today's units to the table by code finds the same commune (name_key)."""
    shipped = build.shipped_communes(post_reform=True)
    new = {r.new_code: (r.new_name, r.new_province_code) for r in table}
    for code, (name, province) in new.items():
        assert shipped[code][1] == province and name_key(shipped[code][0]) == name_key(name), code
    # the five special zones made from island districts are the only units the table lacks
    assert sorted(set(shipped) - set(new)) == ["11948", "19742", "20333", "21548", "26732"]


# --------------------------------------------------------------------------- known rows


def test_dai_tu_is_formed_from_four_old_communes_wholly(table: list[ConversionRow]) -> None:
    rows = [r for r in table if r.new_code == "05830"]
    assert [(r.old_code, r.old_name, r.how) for r in rows] == [
        ("05821", "Xã Khôi Kỳ", "merged"),
        ("05830", "Xã Bình Thuận", "merged"),
        ("05833", "Xã Lục Ba", "merged"),
        ("05836", "Xã Mỹ Yên", "merged"),
    ]
    assert {(r.new_name, r.new_province_code, r.old_district_code, r.old_province_code) for r in rows} == {
        ("Xã Đại Từ", "19", "171", "19")
    }
    dai_tu = next(c for c in comparability(table) if c.new_code == "05830")
    assert dai_tu == Comparability("05830", "Xã Đại Từ", "19", 4, True, "")


def test_phu_lac_has_its_official_code(table: list[ConversionRow]) -> None:
    rows = [r for r in table if r.new_code == "05788"]
    assert [(r.old_code, r.old_name) for r in rows] == [
        ("05785", "Xã Phú Lạc"),
        ("05788", "Xã Tân Linh"),
        ("05794", "Xã Phục Linh"),
    ]
    assert {r.new_name for r in rows} == {"Xã Phú Lạc"}
    shipped = build.shipped_communes(post_reform=True)
    assert shipped["05788"] == ("Xã Phú Lạc", "19")
    assert "05794" not in shipped  # the code 2025.10.1 gave it; Xã Phục Linh's before the reform


def test_thuong_dinh_was_split_and_its_two_successors_are_not_comparable(table: list[ConversionRow]) -> None:
    rows = [r for r in table if r.old_code == "05932"]
    assert [(r.new_code, r.new_name, r.how) for r in rows] == [
        ("05908", "Xã Phú Bình", "split"),
        ("05941", "Xã Điềm Thụy", "split"),
    ]
    by_code = {c.new_code: c for c in comparability(table)}
    note = "Xã Thượng Đình (05932) was split between Xã Phú Bình (05908), Xã Điềm Thụy (05941)"
    assert (by_code["05908"].comparable, by_code["05908"].note) == (False, note)
    assert (by_code["05941"].comparable, by_code["05941"].note) == (False, note)


def test_thai_nguyen_comparability(table: list[ConversionRow]) -> None:
    ours = [c for c in comparability(table) if c.new_province_code == "19"]
    assert len(ours) == 92
    assert [c.new_code for c in ours if not c.comparable] == ["05443", "05467", "05500", "05908", "05941"]


def test_unchanged_and_renamed_rows(table: list[ConversionRow]) -> None:
    by_old = {r.old_code: r for r in table}
    # the package flags Ngọc Long "partly merged"; the mapping sends it whole into itself
    assert (by_old["00859"].new_code, by_old["00859"].how, by_old["00859"].package_partly_merged) == (
        "00859",
        "unchanged",
        "1",
    )
    assert (by_old["14845"].old_name, by_old["14845"].new_name, by_old["14845"].how) == (
        "Thị trấn Mường Lát",
        "Xã Mường Lát",
        "renamed",
    )


# --------------------------------------------------------------------------- split, on the data


def test_split_is_read_from_the_mapping(table: list[ConversionRow]) -> None:
    into: dict[str, set[str]] = defaultdict(set)
    for r in table:
        into[r.old_code].add(r.new_code)
    for r in table:
        assert (r.how == "split") == (len(into[r.old_code]) > 1), r
    how = {r.old_code: r.how for r in table}
    assert Counter(how.values()) == {"merged": 9_460, "split": 441, "unchanged": 120, "renamed": 12}


def test_package_flag_disagrees_with_the_mapping_on_132_rows(table: list[ConversionRow]) -> None:
    flagged_whole = [r for r in table if r.package_partly_merged == "1" and r.how != "split"]
    split_unflagged = [r for r in table if r.package_partly_merged == "0" and r.how == "split"]
    assert len(flagged_whole) == 132
    assert len({r.old_code for r in flagged_whole}) == 132
    assert split_unflagged == []
    assert build.flag_disagreements(table) == flagged_whole


# --------------------------------------------------------------------------- fixture


@pytest.fixture
def fixture_rows() -> list[ConversionRow]:
    return [
        _row("00001", "00010"),
        _row("00002", "00010"),
        _row("00003", "00010"),
        _row("00004", "00020", old_name="Xã Đông"),
        _row("00004", "00021", old_name="Xã Đông"),
        _row("00005", "00020"),
        _row("00006", "00030", old_name="Xã Hoà Bình", new_name="Xã Hòa Bình"),
        _row("00007", "00040", old_name="Thị trấn Tây", new_name="Xã Tây"),
    ]


def test_how_each_went_on_the_fixture(fixture_rows: list[ConversionRow]) -> None:
    pairs = [(r.old_code, r.new_code) for r in fixture_rows]
    old_names = {r.old_code: r.old_name for r in fixture_rows}
    new_names = {r.new_code: r.new_name for r in fixture_rows}
    assert how_each_went(pairs, old_names, new_names) == {
        "00001": "merged",
        "00002": "merged",
        "00003": "merged",
        "00004": "split",
        "00005": "merged",
        "00006": "unchanged",
        "00007": "renamed",
    }


def test_three_old_communes_into_one_is_comparable(fixture_rows: list[ConversionRow]) -> None:
    by_code = {c.new_code: c for c in comparability(fixture_rows)}
    assert by_code["00010"] == Comparability("00010", "Xã 00010", "01", 3, True, "")


def test_an_old_commune_split_in_two_makes_both_not_comparable(fixture_rows: list[ConversionRow]) -> None:
    by_code = {c.new_code: c for c in comparability(fixture_rows)}
    note = "Xã Đông (00004) was split between Xã 00020 (00020), Xã 00021 (00021)"
    assert by_code["00020"] == Comparability("00020", "Xã 00020", "01", 2, False, note)
    assert by_code["00021"] == Comparability("00021", "Xã 00021", "01", 1, False, note)


def test_unchanged_and_renamed_are_comparable(fixture_rows: list[ConversionRow]) -> None:
    by_code = {c.new_code: c for c in comparability(fixture_rows)}
    assert by_code["00030"] == Comparability("00030", "Xã Hòa Bình", "01", 1, True, "")
    assert by_code["00040"] == Comparability("00040", "Xã Tây", "01", 1, True, "")
    assert [c.new_code for c in comparability(fixture_rows)] == ["00010", "00020", "00021", "00030", "00040"]


def test_comparability_ignores_the_how_column(fixture_rows: list[ConversionRow]) -> None:
    lying = [ConversionRow(**{**r.__dict__, "how": "unchanged", "package_partly_merged": "1"}) for r in fixture_rows]
    assert comparability(lying) == comparability(fixture_rows)


def test_two_split_sources_are_both_named() -> None:
    rows = [_row("00001", "00010"), _row("00001", "00011"), _row("00002", "00010"), _row("00002", "00012")]
    (ten,) = [c for c in comparability(rows) if c.new_code == "00010"]
    assert ten.note == (
        "Xã 00001 (00001) was split between Xã 00010 (00010), Xã 00011 (00011); "
        "Xã 00002 (00002) was split between Xã 00010 (00010), Xã 00012 (00012)"
    )


def test_read_conversion_refuses_a_repeated_pair(tmp_path: Path) -> None:
    path = tmp_path / "conversion.csv"
    line = "00001,Xã A,001,01,00010,Xã X,01,merged,0\n"
    path.write_text(",".join(CONVERSION_HEADER) + "\n" + line + line, encoding="utf-8")
    with pytest.raises(ConversionTableError, match="appears twice"):
        read_conversion(path)


def test_read_conversion_refuses_a_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "conversion.csv"
    path.write_text("old_code,new_code\n00001,00010\n", encoding="utf-8")
    with pytest.raises(ConversionTableError, match="old_name"):
        read_conversion(path)


# --------------------------------------------------------------------------- names


def test_name_key_ignores_tone_position_case_and_punctuation_style() -> None:
    assert name_key("Xã Thanh Thuỷ") == name_key("xã Thanh Thủy")
    assert name_key("Phường Hoà Thành") == name_key("Phường Hòa Thành")
    assert name_key("Xã Ea H’leo") == name_key("Xã Ea H'Leo")
    assert name_key("Xã Chân Mây – Lăng Cô") == name_key("Xã Chân Mây  - Lăng Cô")


def test_name_key_keeps_letters_and_type() -> None:
    assert name_key("Thị trấn Yên Châu") != name_key("Xã Yên Châu")
    assert name_key("Xã Tân An") != name_key("Xã Tân Ân")
    assert name_key("Xã Đắk Long") != name_key("Xã Đăk Long")


# --------------------------------------------------------------------------- build script, offline


def test_code_changes_match_by_name_within_the_province() -> None:
    shipped = {
        "00100": ("Xã Một", "01"),  # right
        "00200": ("Xã Hai", "01"),  # rotation: 00200 is officially Ba's code
        "00300": ("Xã Ba", "01"),
        "00400": ("Xã Bốn", "02"),
        "00500": ("Xã Năm", "02"),  # only in the shipped list
    }
    official = {
        "00100": ("Xã Một", "01"),
        "00300": ("Xã Hai", "01"),
        "00200": ("Xã Ba", "01"),
        "00401": ("xã Bốn", "02"),
        "00600": ("Xã Sáu", "02"),  # only in the official list
    }
    assert build.code_changes(shipped, official) == [
        ("01", "00200", "Xã Hai", "00300", "Xã Hai"),
        ("01", "00300", "Xã Ba", "00200", "Xã Ba"),
        ("02", "00400", "Xã Bốn", "00401", "xã Bốn"),
        ("02", "00500", "Xã Năm", "", ""),
        ("02", "", "", "00600", "Xã Sáu"),
    ]
    assert build.spelling_differences({"00001": ("Xã Thanh Thuỷ", "01")}, {"00001": ("Xã Thanh Thủy", "01")}) == [
        ("00001", "Xã Thanh Thuỷ", "Xã Thanh Thủy")
    ]


_CONVERSION_MODULE = """
from typing import NamedTuple
EFFECTIVE_DATE = '2025-07-01'
OLD_TO_NEW: dict[int, OldToNewEntry] = {
    1: OldToNewEntry(OldWardRef(1, 1, 1, False), (NewWardRef(4, 1),)),
    4: OldToNewEntry(OldWardRef(4, 1, 1, True), (NewWardRef(4, 1), NewWardRef(8, 1))),
    7: OldToNewEntry(OldWardRef(7, 1, 1, True), (NewWardRef(8, 1),)),
}
NEW_TO_OLD: dict[int, NewToOldEntry] = {
    4: NewToOldEntry(NewWardRef(4, 1), (OldWardRef(1, 1, 1, False), OldWardRef(4, 1, 1, True))),
    8: NewToOldEntry(NewWardRef(8, 1), (OldWardRef(4, 1, 1, False), OldWardRef(7, 1, 1, True))),
}
"""
_NEW_LOOKUP = """
WARD_MAPPING = {
    4: Ward('Phường Ba  Đình', WardCode.W_00004, VietNamDivisionType.PHUONG, 'phuong_ba_dinh', ProvinceCode.P_01),
    8: Ward('phường Ngọc Hà', WardCode.W_00008, VietNamDivisionType.PHUONG, 'phuong_ngoc_ha', ProvinceCode.P_01),
}
"""
_OLD_LOOKUP = """
WARD_MAPPING: dict[int, Ward] = {
    1: Ward('Phường Phúc Xá', WardCode.W_00001, VietNamDivisionType.PHUONG, 'phuong_phuc_xa', DistrictCode.D_001),
    4: Ward('Phường Trúc Bạch', WardCode.W_00004, VietNamDivisionType.PHUONG, 'phuong_truc_bach', DistrictCode.D_001),
    7: Ward('Phường Cống Vị', WardCode.W_00007, VietNamDivisionType.PHUONG, 'phuong_cong_vi', DistrictCode.D_001),
}
"""


def _fake_wheel(folder: Path, conversion: str = _CONVERSION_MODULE) -> Path:
    wheel = folder / "vietnam_provinces-0.0.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr("vietnam_provinces/__init__.py", "__version__ = '0.0.0'\n__data_version__ = '2026-01-01'\n")
        z.writestr("vietnam_provinces/_ward_conversion_2025.py", conversion)
        z.writestr("vietnam_provinces/_lookup.py", _NEW_LOOKUP)
        z.writestr("vietnam_provinces/legacy/_lookup.py", _OLD_LOOKUP)
    return wheel


def test_the_wheel_is_read_as_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tables = build.read_wheel(_fake_wheel(tmp_path))
    assert (tables.version, tables.data_version) == ("0.0.0", "2026-01-01")
    assert tables.new_units == {4: ("Phường Ba Đình", 1), 8: ("Phường Ngọc Hà", 1)}
    assert tables.old_names == {1: "Phường Phúc Xá", 4: "Phường Trúc Bạch", 7: "Phường Cống Vị"}
    monkeypatch.setattr(build, "EXPECTED_COUNTS", {"old communes": 3, "new communes": 2, "pairs": 4})
    rows = build.conversion_rows(tables)
    assert [(r.old_code, r.new_code, r.how, r.package_partly_merged) for r in rows] == [
        ("00001", "00004", "merged", "0"),
        ("00004", "00004", "split", "1"),
        ("00004", "00008", "split", "1"),
        ("00007", "00008", "merged", "1"),
    ]
    assert build.flag_disagreements(rows) == [rows[3]]


def test_the_build_refuses_unexpected_counts(tmp_path: Path) -> None:
    tables = build.read_wheel(_fake_wheel(tmp_path))
    with pytest.raises(build.BuildError, match="old communes: table has 3, expected 10033"):
        build.conversion_rows(tables)


def test_the_build_refuses_directions_that_disagree(tmp_path: Path) -> None:
    broken = _CONVERSION_MODULE.replace("OldWardRef(7, 1, 1, True)))", "OldWardRef(1, 1, 1, True)))")
    with pytest.raises(build.BuildError, match="two directions differ"):
        build.read_wheel(_fake_wheel(tmp_path, broken))
