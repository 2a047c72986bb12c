"""Form 06a parser: one behaviour per test.

Expected values are written out from the tables in
tests/fixtures/form06a/make_fixtures.py, not copied from parser output.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from ingest.form06a import Form06aError, Form06aReport, looks_like_form06a, parse_form06a

FIXTURES = Path(__file__).parent / "fixtures" / "form06a"
COLUMNS = range(3, 14)


def counts(*values: int | None) -> dict[int, int | None]:
    return dict(zip(COLUMNS, values, strict=True))


DAT_DAI = counts(100, 30, 50, 20, 80, 40, 35, 5, 20, 15, 5)
HO_TICH = counts(330, 120, 200, 10, 310, 250, 60, 0, 20, 20, 0)
TU_PHAP = counts(45, 15, 25, 5, 40, 10, 28, 2, 5, 4, 1)
LDTBXH = counts(1234, 1000, 200, 34, 1204, 900, 300, 4, 30, 25, 5)
SAMPLE_TOTAL = counts(1709, 1165, 475, 69, 1634, 1200, 423, 11, 75, 64, 11)


def parse(name: str) -> Form06aReport:
    return parse_form06a(FIXTURES / name)


@pytest.fixture(scope="module")
def sample() -> Form06aReport:
    return parse("sample_fields.xlsx")


def write_form(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    """A bare-bones 06a: header lines in column A, numbering row, then rows."""
    wb = Workbook()
    ws = wb.active
    for text in header:
        ws.append([text])
    ws.append([f"({n})" for n in range(1, 14)])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


UNIT = "Đơn vị báo cáo: UBND xã Cù Vân"
PERIOD = "Kỳ báo cáo: Từ ngày 01/01/2023 đến ngày 31/01/2023"
GOOD = [1, "Hộ tịch", 10, 4, 5, 1, 8, 2, 5, 1, 2, 2, 0]


# ---------------------------------------------------------------- header lines


def test_period(sample: Form06aReport) -> None:
    assert (sample.period_start, sample.period_end) == (date(2023, 1, 1), date(2023, 3, 31))


def test_reporting_unit(sample: Form06aReport) -> None:
    assert sample.reporting_unit == "UBND huyện Đại Từ"


def test_receiving_unit(sample: Form06aReport) -> None:
    assert sample.receiving_unit == "UBND tỉnh Thái Nguyên"


def test_receiving_unit_absent_is_none() -> None:
    assert parse("by_unit.xlsx").receiving_unit is None


def test_reporting_unit_in_the_cell_after_its_label() -> None:
    assert parse("by_unit.xlsx").reporting_unit == "UBND huyện Đại Từ"


def test_lowercase_period_with_extra_spaces_and_short_dates() -> None:
    report = parse("by_unit.xlsx")
    assert (report.period_start, report.period_end) == (date(2023, 3, 1), date(2023, 3, 31))


def test_row_kind_field(sample: Form06aReport) -> None:
    assert sample.row_kind == "field"


def test_row_kind_unit() -> None:
    assert parse("by_unit.xlsx").row_kind == "unit"


# ------------------------------------------------------------------------ rows


def test_row_labels(sample: Form06aReport) -> None:
    assert [row.label for row in sample.rows] == [
        "Đất đai",
        "Hộ tịch",
        "Tư pháp",
        "Lao động - Thương binh và Xã hội",  # the newline in the cell becomes one space
    ]


def test_row_counts(sample: Form06aReport) -> None:
    assert [row.counts for row in sample.rows] == [DAT_DAI, HO_TICH, TU_PHAP, LDTBXH]


def test_row_lines_are_worksheet_rows(sample: Form06aReport) -> None:
    assert [row.line for row in sample.rows] == [8, 9, 10, 11]


def test_number_strings_with_thousands_separators(sample: Form06aReport) -> None:
    ldtbxh = sample.rows[3]
    assert (ldtbxh.counts[3], ldtbxh.counts[7]) == (1234, 1204)  # "1.234" and "1,204"


def test_float_with_integral_value_is_an_int(sample: Form06aReport) -> None:
    value = sample.rows[3].counts[5]  # written as 200.0
    assert value == 200 and isinstance(value, int)


def test_total_excluded_from_rows(sample: Form06aReport) -> None:
    assert "Tổng cộng" not in [row.label for row in sample.rows]
    assert len(sample.rows) == 4


def test_total_row(sample: Form06aReport) -> None:
    assert sample.total is not None
    assert (sample.total.line, sample.total.label, sample.total.counts) == (12, "Tổng cộng", SAMPLE_TOTAL)


def test_matching_total_has_no_mismatch(sample: Form06aReport) -> None:
    assert sample.total_mismatches == ()


def test_clean_sample_has_no_violations_or_rejections(sample: Form06aReport) -> None:
    assert [row.violations for row in sample.rows] == [(), (), (), ()]
    assert sample.rejected == ()


def test_footer_is_not_data(sample: Form06aReport) -> None:
    assert max(row.line for row in sample.rows) == 11


def test_total_first_and_section_heading_skipped() -> None:
    report = parse("by_unit.xlsx")
    assert [row.label for row in report.rows] == ["UBND xã Cù Vân", "UBND xã Mỹ Yên", "UBND thị trấn Hùng Sơn"]
    assert report.total is not None
    assert (report.total.line, report.total.label) == (10, "TỔNG SỐ")


def test_by_unit_counts_and_total() -> None:
    report = parse("by_unit.xlsx")
    assert [row.counts for row in report.rows] == [
        counts(60, 40, 15, 5, 55, 20, 34, 1, 5, 5, 0),
        counts(25, 5, 18, 2, 20, 5, 10, 5, 5, 3, 2),
        counts(90, 70, 20, 0, 85, 50, 35, 0, 5, 5, 0),
    ]
    assert report.total is not None
    assert report.total.counts == counts(175, 115, 53, 7, 160, 75, 79, 6, 15, 13, 2)
    assert report.total_mismatches == ()


def test_shifted_header_parses_like_the_normal_one(sample: Form06aReport) -> None:
    shifted = parse("shifted_header.xlsx")
    assert (
        shifted.reporting_unit,
        shifted.receiving_unit,
        shifted.period_start,
        shifted.period_end,
        shifted.row_kind,
    ) == (sample.reporting_unit, sample.receiving_unit, sample.period_start, sample.period_end, sample.row_kind)
    assert [(r.label, r.counts, r.violations) for r in shifted.rows] == [
        (r.label, r.counts, r.violations) for r in sample.rows
    ]
    assert shifted.total is not None and sample.total is not None
    assert shifted.total.counts == sample.total.counts


def test_shifted_header_lines_are_one_lower() -> None:
    assert [row.line for row in parse("shifted_header.xlsx").rows] == [9, 10, 11, 12]


# ------------------------------------------------------------------- identities


def test_identity_violation_flags_the_row() -> None:
    dat_dai = parse("identity_broken.xlsx").rows[0]
    assert dat_dai.violations == ("(3) ≠ (4)+(5)+(6): 100 ≠ 99",)


def test_identity_violation_keeps_the_row() -> None:
    report = parse("identity_broken.xlsx")
    assert report.rows[0].counts[4] == 29
    assert [row.violations for row in report.rows[1:]] == [(), (), ()]


def test_total_mismatch_listed() -> None:
    assert parse("total_mismatch.xlsx").total_mismatches == ("(9): total 422 ≠ sum of rows 423",)


def test_total_row_identities_are_checked() -> None:
    total = parse("total_mismatch.xlsx").total
    assert total is not None
    assert total.violations == ("(7) ≠ (8)+(9)+(10): 1634 ≠ 1633",)


def test_every_broken_identity_is_reported(tmp_path: Path) -> None:
    row = [1, "Đất đai", 10, 1, 1, 1, 2, 1, 1, 1, 5, 1, 1]
    report = parse_form06a(write_form(tmp_path / "f.xlsx", [UNIT, PERIOD], [row]))
    assert report.rows[0].violations == (
        "(3) ≠ (4)+(5)+(6): 10 ≠ 3",
        "(7) ≠ (8)+(9)+(10): 2 ≠ 3",
        "(11) ≠ (12)+(13): 5 ≠ 2",
        "(3) ≠ (7)+(11): 10 ≠ 7",
    )


def test_blank_counts_are_none_and_zero_for_identities(tmp_path: Path) -> None:
    row = [1, "Hộ tịch", 5, None, 5, None, 5, None, "-", 5, None, None, None]
    report = parse_form06a(write_form(tmp_path / "f.xlsx", [UNIT, PERIOD], [row]))
    assert report.rows[0].counts == counts(5, None, 5, None, 5, None, None, 5, None, None, None)
    assert report.rows[0].violations == ()


# ------------------------------------------------------------------- bad counts


def test_negative_count_rejected_naming_the_column() -> None:
    rejected = dict(parse("negative_count.xlsx").rejected)
    assert "(5)" in rejected[10] and "-25" in rejected[10]


def test_non_numeric_count_rejected_naming_the_column() -> None:
    rejected = dict(parse("negative_count.xlsx").rejected)
    assert "(9)" in rejected[9] and "6O" in rejected[9]


def test_other_rows_still_parse_when_one_is_rejected() -> None:
    report = parse("negative_count.xlsx")
    assert [(row.label, row.counts) for row in report.rows] == [
        ("Đất đai", DAT_DAI),
        ("Lao động - Thương binh và Xã hội", LDTBXH),
    ]
    assert [line for line, _ in report.rejected] == [9, 10]


def test_fractional_count_rejected(tmp_path: Path) -> None:
    row = [1, "Tư pháp", 10, 4, 5.5, 1, 10, 2, 7, 1, 0, 0, 0]
    report = parse_form06a(write_form(tmp_path / "f.xlsx", [UNIT, PERIOD], [row, GOOD]))
    assert [line for line, _ in report.rejected] == [4]
    assert "(5)" in report.rejected[0][1]
    assert [row.label for row in report.rows] == ["Hộ tịch"]


def test_formula_without_saved_result_rejected(tmp_path: Path) -> None:
    row = [1, "Tư pháp", "=D4+E4+F4", 4, 5, 1, 10, 2, 7, 1, 0, 0, 0]
    report = parse_form06a(write_form(tmp_path / "f.xlsx", [UNIT, PERIOD], [row]))
    assert report.rejected == ((4, "column (3) holds a formula with no saved result"),)


# ----------------------------------------------------------------------- errors


def test_bad_period_date_names_the_date() -> None:
    with pytest.raises(Form06aError, match="31/02/2023"):
        parse("bad_period_date.xlsx")


def test_period_ending_before_it_starts(tmp_path: Path) -> None:
    period = "Kỳ báo cáo: Từ ngày 31/03/2023 đến ngày 01/01/2023"
    with pytest.raises(Form06aError, match="before it starts"):
        parse_form06a(write_form(tmp_path / "f.xlsx", [UNIT, period], [GOOD]))


def test_missing_period_line(tmp_path: Path) -> None:
    with pytest.raises(Form06aError, match="Kỳ báo cáo"):
        parse_form06a(write_form(tmp_path / "f.xlsx", [UNIT], [GOOD]))


def test_missing_reporting_unit(tmp_path: Path) -> None:
    with pytest.raises(Form06aError, match="Đơn vị báo cáo"):
        parse_form06a(write_form(tmp_path / "f.xlsx", [PERIOD], [GOOD]))


def test_pdf_renamed_xlsx_is_refused() -> None:
    with pytest.raises(Form06aError, match="not an XLSX"):
        parse("renamed_pdf.xlsx")


def test_not_a_form_is_refused() -> None:
    with pytest.raises(Form06aError, match=r"numbering the columns \(1\) to \(13\)"):
        parse("not_a_form.xlsx")


def test_file_name_without_xlsx_suffix_still_parses(tmp_path: Path) -> None:
    path = write_form(tmp_path / "f.xlsx", [UNIT, PERIOD], [GOOD]).rename(tmp_path / "upload.tmp")
    assert [row.label for row in parse_form06a(path).rows] == ["Hộ tịch"]


# -------------------------------------------------------------------- detection


@pytest.mark.parametrize("name", ["sample_fields.xlsx", "shifted_header.xlsx", "by_unit.xlsx", "bad_period_date.xlsx"])
def test_looks_like_form06a(name: str) -> None:
    assert looks_like_form06a(FIXTURES / name)


@pytest.mark.parametrize("name", ["not_a_form.xlsx", "renamed_pdf.xlsx"])
def test_does_not_look_like_form06a(name: str) -> None:
    assert not looks_like_form06a(FIXTURES / name)


def test_title_and_unit_lines_without_numbering_look_like_form06a(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"])
    ws.append([UNIT])
    wb.save(tmp_path / "f.xlsx")
    assert looks_like_form06a(tmp_path / "f.xlsx")
