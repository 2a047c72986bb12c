"""How tables are written: labelled columns, Vietnamese numbers and dates, downloads that
open in Excel with Vietnamese intact."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import polars as pl

from ui.tables import csv_bytes, localized, native, styled, xlsx_bytes
from warehouse.targets import load_targets


def small() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "unit_name": ["Xã Cù Vân", "Huyện Đại Từ"],
            "received": [4930, 12],
            "on_time_rate": [0.568, None],
            "received_date": [date(2026, 11, 21), date(2025, 1, 2)],
            "state": ["overdue", "due_soon"],
        }
    )


def test_styled_cells_are_written_the_vietnamese_way() -> None:
    html = styled(small(), "vi").to_html()
    for text in (
        "Xã Cù Vân",
        "4.930",
        "56,8%",
        "21/11/2026",
        "Quá hạn",
        "Sắp đến hạn",
        "—",
        "Tỷ lệ giải quyết đúng hạn",
    ):
        assert text in html


def test_styled_cells_in_english() -> None:
    html = styled(small(), "en").to_html()
    for text in ("4,930", "56.8%", "Overdue", "On-time rate"):
        assert text in html


def test_styled_rates_are_shaded_against_their_target() -> None:
    targets = load_targets()
    target = targets.target("on_time_rate", None, 2026)
    frame = pl.DataFrame({"on_time_rate": [target + 0.01, target - 0.01]})
    html = styled(frame, "vi", targets, None, 2026).to_html()
    assert "rgba(0, 114, 178" in html and "rgba(213, 94, 0" in html


def test_long_lists_keep_their_values_and_map_labels() -> None:
    shown, config = native(small(), "vi")
    assert shown.columns[0] == "Đơn vị"
    assert shown["Tình trạng"].to_list() == ["Quá hạn", "Sắp đến hạn"]
    assert shown["Tỷ lệ giải quyết đúng hạn"].to_list() == ["56,8%", "—"]
    # dates stay dates (so they sort), shown day-first by the grid
    assert shown["Ngày tiếp nhận"].dtype == pl.Date
    assert config["Ngày tiếp nhận"]["type_config"]["format"] == "DD/MM/YYYY"


def test_csv_download_starts_with_a_bom_and_keeps_vietnamese() -> None:
    data = csv_bytes(localized(small(), "vi"))
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Đơn vị,Tiếp nhận")
    assert "Huyện Đại Từ" in text


def test_xlsx_download_opens_with_vietnamese_headers_and_numbers() -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(localized(small(), "vi"), "tre-han"))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Đơn vị", "Tiếp nhận")
    assert rows[1][:2] == ("Xã Cù Vân", 4930)
