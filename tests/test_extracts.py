"""Extracts a clerk can open (issue #17, item 6): kpi.xlsx and overdue.xlsx labelled from the
registry in the snapshot's language, codes as text cells; kpi.csv and overdue.csv for scripts,
with their stable snake_case keys; the dashboard's downloads likewise.

Huyện Đại Từ, March 2023, on the hand-computed KPI fixture (tests/test_reports_snapshot.py):
its areas are its own one-stop (171) and the communes Cù Vân (05809: received D01 D02 D03 D09
D16 -> 5) and Mỹ Yên (05836); overdue at 31/03: D21 (12 working days) and D06 (5), both at
the district's one-stop, D21 handed in at the desk, D06 by post.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from conftest import copy_warehouse, run_main, run_module

from reports.extracts import KPI_COLUMNS
from ui.labels import kpi_label
from ui.tables import csv_bytes, localized, xlsx_bytes
from warehouse import registry
from warehouse.paths import WarehousePaths

OVERDUE_COLUMNS = (
    "dossier_code",
    "agency_code",
    "agency_name",
    "unit_code",
    "unit_name",
    "level",
    "field_code",
    "field_name",
    "procedure_code",
    "procedure_name",
    "channel",
    "received_date",
    "due_date",
    "state",
    "days_overdue",
)
HEADER_ROW = 4  # two caption lines (unit and period, data version), a blank line, then the heading


@pytest.fixture(scope="module")
def wh(kpi_template: Path, tmp_path_factory: pytest.TempPathFactory) -> WarehousePaths:
    return copy_warehouse(kpi_template, tmp_path_factory.mktemp("extracts"))


@pytest.fixture(scope="module", params=["vi", "en"])
def snapshot(request: pytest.FixtureRequest, wh: WarehousePaths, tmp_path_factory: pytest.TempPathFactory):
    from reports.snapshot import make_snapshot

    out = tmp_path_factory.mktemp(f"dai-tu-{request.param}")
    make_snapshot(wh, "2023-03", out, unit="Đại Từ", wall=False, lang=request.param)
    return request.param, out


def sheet(path: Path):
    return openpyxl.load_workbook(path).active


def table(path: Path) -> tuple[list[str], list[list]]:
    """The heading and the cells below it."""
    rows = [list(row) for row in sheet(path).iter_rows(min_row=HEADER_ROW)]
    return [c.value for c in rows[0]], rows[1:]


def row_of(rows: list[list], column: int, value: str) -> list:
    [found] = [row for row in rows if row[column].value == value]
    return found


def test_kpi_xlsx_headers_are_the_registry_labels(snapshot) -> None:
    lang, out = snapshot
    heading, _rows = table(out / "kpi.xlsx")
    assert heading == [kpi_label(column, lang) for column in KPI_COLUMNS]
    for key in (*registry.COUNTS, *registry.RATES):
        assert registry.measure(key).label(lang) in heading
    if lang == "vi":
        assert {"Tỷ lệ giải quyết đúng hạn", "Tiếp nhận", "Mã đơn vị", "Cấp"} <= set(heading)
    else:
        assert {"On-time rate", "Received", "Unit code", "Level"} <= set(heading)


def test_overdue_xlsx_headers_are_labelled(snapshot) -> None:
    lang, out = snapshot
    heading, _rows = table(out / "overdue.xlsx")
    assert heading == [kpi_label(column, lang) for column in OVERDUE_COLUMNS]
    assert heading[0] == ("Mã hồ sơ" if lang == "vi" else "Dossier code")


def test_xlsx_caption_names_the_unit_period_and_data_version(snapshot) -> None:
    lang, out = snapshot
    first, second = (sheet(out / "kpi.xlsx").cell(row, 1).value for row in (1, 2))
    assert first.startswith("Huyện Đại Từ · ") and "01/03/2023 – 31/03/2023" in first
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert second.startswith("Dữ liệu đến " if lang == "vi" else "Data as of ") and manifest["version"] in second


def test_kpi_xlsx_values_are_labelled(snapshot) -> None:
    lang, out = snapshot
    _heading, rows = table(out / "kpi.xlsx")
    cu_van = row_of(rows, KPI_COLUMNS.index("unit_code"), "05809")
    assert cu_van[KPI_COLUMNS.index("level")].value == ("Cấp xã" if lang == "vi" else "Commune")
    assert cu_van[KPI_COLUMNS.index("group_by")].value == ("Theo địa bàn" if lang == "vi" else "By area")
    assert rows[0][KPI_COLUMNS.index("group_by")].value == ("Tổng cộng" if lang == "vi" else "Total")


def test_overdue_xlsx_values_are_labelled(snapshot) -> None:
    lang, out = snapshot
    _heading, rows = table(out / "overdue.xlsx")
    d21 = row_of(rows, 0, "D21")
    d06 = row_of(rows, 0, "D06")
    channel, state, level = (OVERDUE_COLUMNS.index(c) for c in ("channel", "state", "level"))
    assert (d21[channel].value, d06[channel].value) == (
        ("Trực tiếp", "Bưu chính") if lang == "vi" else ("In person", "Post")
    )
    assert d21[state].value == ("Quá hạn" if lang == "vi" else "Overdue")
    assert d21[level].value == ("Cấp huyện" if lang == "vi" else "District")


def test_code_with_a_leading_zero_stays_text_in_the_xlsx(snapshot) -> None:
    _lang, out = snapshot
    _heading, rows = table(out / "kpi.xlsx")
    cell = row_of(rows, KPI_COLUMNS.index("unit_code"), "05809")[KPI_COLUMNS.index("unit_code")]
    assert (cell.value, cell.data_type) == ("05809", "s")
    # a procedure code such as 1.004227 would otherwise become the number 1,004227
    _heading, rows = table(out / "overdue.xlsx")
    cell = row_of(rows, 0, "D21")[OVERDUE_COLUMNS.index("procedure_code")]
    assert (cell.value, cell.data_type) == ("1.004227", "s")


def test_numbers_stay_numbers_rates_percentages_dates_dates(snapshot) -> None:
    _lang, out = snapshot
    _heading, rows = table(out / "kpi.xlsx")
    cu_van = row_of(rows, KPI_COLUMNS.index("unit_code"), "05809")
    received = cu_van[KPI_COLUMNS.index("received")]
    assert (received.value, received.data_type) == (5, "n")
    rate = rows[0][KPI_COLUMNS.index("on_time_rate")]  # Đại Từ: 6 early or on time of 10 resolved
    assert rate.data_type == "n" and rate.value == pytest.approx(0.6) and rate.number_format == "0.0%"
    start = cu_van[KPI_COLUMNS.index("period_start")]
    assert start.is_date and start.value == datetime(2023, 3, 1) and start.number_format == "dd/mm/yyyy"
    _heading, rows = table(out / "overdue.xlsx")
    days = row_of(rows, 0, "D21")[OVERDUE_COLUMNS.index("days_overdue")]
    assert (days.value, days.data_type) == (12, "n")


def test_csv_for_scripts_keeps_its_keys_and_codes_in_any_language(snapshot) -> None:
    _lang, out = snapshot
    raw = (out / "kpi.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert tuple(rows[0]) == KPI_COLUMNS
    [cu_van] = [row for row in rows if row["unit_code"] == "05809"]
    assert (cu_van["level"], cu_van["received"]) == ("commune", "5")
    assert b'"05809"' in raw  # quoted: a reader that honours quotes keeps it text
    overdue = list(csv.DictReader((out / "overdue.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert tuple(overdue[0]) == OVERDUE_COLUMNS
    assert [(r["dossier_code"], r["channel"], r["state"]) for r in overdue] == [
        ("D21", "direct", "overdue"),
        ("D06", "postal", "overdue"),
    ]


def test_kpi_csv_carries_the_target_each_row_is_held_to(snapshot) -> None:
    # config/targets.toml, 2023: online_rate all 50%, district 70%, commune 50%; on time 95%.
    # Huyện Đại Từ with its communes mixes levels (target "all"); its own one-stop (171) is
    # the district level; Cù Vân (05809) is a commune (DESIGN §4).
    _lang, out = snapshot
    rows = list(csv.DictReader((out / "kpi.csv").read_text(encoding="utf-8-sig").splitlines()))
    [total] = [row for row in rows if row["group_by"] == "total"]
    [own] = [row for row in rows if row["group_by"] == "area" and row["level"] == "district"]
    [cu_van] = [row for row in rows if row["group_by"] == "area" and row["unit_code"] == "05809"]
    assert (total["online_rate_target"], total["on_time_rate_target"]) == ("0.5", "0.95")
    assert own["online_rate_target"] == "0.7"
    assert cu_van["online_rate_target"] == "0.5"


def test_manifest_says_which_file_is_for_people_and_which_for_scripts(snapshot) -> None:
    lang, out = snapshot
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["lang"] == lang
    extracts = manifest["extracts"]
    assert {name: entry["for"] for name, entry in extracts.items()} == {
        "kpi.csv": "scripts",
        "overdue.csv": "scripts",
        "index766.csv": "scripts",
        "kpi.xlsx": "people",
        "overdue.xlsx": "people",
    }
    assert extracts["kpi.xlsx"]["lang"] == lang and "snake_case" in extracts["kpi.csv"]["columns"]


@pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice (soffice) is not installed on this machine: the CSV's quoted code is "
    "checked byte-wise in test_csv_for_scripts_keeps_its_keys_and_codes_in_any_language",
)
def test_libreoffice_keeps_the_quoted_code_as_text(snapshot, tmp_path: Path) -> None:
    # LibreOffice keeps a quoted field as text when 'Quoted field as text' is ticked in its
    # Text Import dialog (token 7 of the CSV filter options: UTF-8, comma, double quote).
    # Opened with its defaults it reads 05809 as 5809: a clerk opens kpi.xlsx instead.
    _lang, out = snapshot
    office = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run(
        [
            office,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--infilter=Text - txt - csv (StarCalc):44,34,76,1,,1033,true,false",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path),
            str(out / "kpi.csv"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    rows = list(openpyxl.load_workbook(tmp_path / "kpi.xlsx").active.iter_rows())
    [cell] = [
        row[KPI_COLUMNS.index("unit_code")]
        for row in rows
        if row[KPI_COLUMNS.index("unit_code")].value in ("05809", 5809)
    ]
    assert (cell.value, cell.data_type) == ("05809", "s")


def test_cli_lang_en_labels_the_people_files(wh: WarehousePaths, tmp_path: Path) -> None:
    done = run_module(
        "reports",
        "snapshot",
        "--warehouse",
        str(wh.database),
        "--no-wall",
        "--period",
        "2023-03",
        "--lang",
        "en",
        "--out",
        str(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    heading, _rows = table(tmp_path / "kpi.xlsx")
    assert heading[KPI_COLUMNS.index("on_time_rate")] == "On-time rate"
    assert json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))["lang"] == "en"


def test_cli_refuses_an_unknown_language(wh: WarehousePaths, tmp_path: Path) -> None:
    done = run_main(
        "reports",
        "snapshot",
        "--warehouse",
        str(wh.database),
        "--no-wall",
        "--period",
        "2023-03",
        "--lang",
        "fr",
        "--out",
        str(tmp_path / "out"),
    )
    assert done.returncode == 2 and "--lang" in done.stderr
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------ the dashboard's downloads


def listing() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "unit_code": ["05809", "171"],
            "unit_name": ["Xã Cù Vân", "Huyện Đại Từ"],
            "level": ["commune", "district"],
            "channel": ["online", "postal"],
            "received": [4930, 12],
            "on_time_rate": [0.568, None],
            "received_date": [date(2026, 11, 21), date(2025, 1, 2)],
        }
    )


def test_dashboard_xlsx_keeps_codes_as_text_and_labels_values() -> None:
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(listing(), "chi-so", "vi")))
    rows = list(book.active.iter_rows())
    assert [c.value for c in rows[0]] == [
        "Mã đơn vị",
        "Đơn vị",
        "Cấp",
        "Kênh nộp",
        "Tiếp nhận",
        "Tỷ lệ giải quyết đúng hạn",
        "Ngày tiếp nhận",
    ]
    code, _name, level, channel, received, rate, received_on = rows[1]
    assert (code.value, code.data_type) == ("05809", "s")
    assert (level.value, channel.value) == ("Cấp xã", "Trực tuyến")
    assert (received.value, received.data_type) == (4930, "n")
    assert rate.value == pytest.approx(0.568) and rate.number_format == "0.0%"
    assert received_on.is_date and received_on.value == datetime(2026, 11, 21)
    assert rows[2][5].value is None  # no rate: an empty cell, never 0


def test_dashboard_xlsx_in_english() -> None:
    rows = list(
        openpyxl.load_workbook(io.BytesIO(xlsx_bytes(listing(), "list", "en"))).active.iter_rows(values_only=True)
    )
    assert rows[0][:4] == ("Unit code", "Unit", "Level", "Channel")
    assert rows[1][2:4] == ("Commune", "Online") and rows[2][2:4] == ("District", "Post")


def test_dashboard_csv_is_labelled_with_a_bom() -> None:
    data = csv_bytes(localized(listing(), "vi"))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(data.decode("utf-8-sig").splitlines()))
    assert rows[0][:4] == ["Mã đơn vị", "Đơn vị", "Cấp", "Kênh nộp"]
    assert rows[1][:4] == ["05809", "Xã Cù Vân", "Cấp xã", "Trực tuyến"]


def test_dashboard_xlsx_says_which_data_version_it_was_made_from() -> None:
    from reports.extracts import data_line

    line = data_line(datetime(2026, 11, 30, 14, 5), "20261130T140500-000042", "vi")
    assert line == "Dữ liệu đến 14:05 30/11/2026 (phiên bản 20261130T140500-000042)"
    rows = list(
        openpyxl.load_workbook(io.BytesIO(xlsx_bytes(listing(), "chi-so", "vi", [line]))).active.iter_rows(
            values_only=True
        )
    )
    assert rows[0][0] == line
    assert rows[2][:2] == ("Mã đơn vị", "Đơn vị")  # the caption, a blank line, then the heading
