"""The Decision 766 index on today's units (DESIGN §5 "Across the reform", §10; issue 15 item 4),
worked by hand on the conversion fixture of tests/test_current_units.py (its docstring lists
the agencies and dossiers; H1 = 01/01–30/06/2025, before the reform):

    Xã Đại Từ 05830    <- Khôi Kỳ, Bình Thuận, Lục Ba, Mỹ Yên, all wholly: KK1 KK2 BT1 LB1
    Xã Sảng Mộc 05719  <- Sảng Mộc, unchanged: SM1 SM2
    Xã Thượng Quan 01957 <- Thượng Quan of Bắc Kạn, unchanged: TQ1
    Xã Phú Bình 05908, Xã Điềm Thụy 05941 <- part of the split Thượng Đình: not comparable
    the old district's own one-stop (DH1 DH2) and the split commune's dossiers (TD1 TD2):
    the province's totals only

The rules (config/index766.toml, DESIGN §10) that have inputs in this fixture (no procedure
catalogue, no v2 columns, no PAKN ever, no published figure unless a test adds one):
    2.1 = 20 × on_time_rate_766       3.3 = 6 × min(1, online_rate / 0.5)
    5.4 = min(6, 6 × dossier_satisfaction_rate / 0.9)
every other indicator is unavailable (null points), so max_available = 20 + 6 + 6 = 32.

Xã Đại Từ, H1 on today's units = KK1 KK2 BT1 LB1 (resolved 3: KK1 early, BT1 on the due day,
KK2 late; LB1 pending and overdue at 30/06; online KK1 BT1):
    2.1  (early KK1 + on time BT1 + pending within due 0) / (resolved 3 + pending 1) = 2/4 -> 10
    3.3  online 2 (KK1 BT1) / received 4 = 0.5 -> 6 × min(1, 1) = 6
    5.4  (4 − KK2 late − LB1 overdue) / 4 = 2/4 -> 6 × 0.5 / 0.9 = 10/3
    total 10 + 6 + 10/3 = 58/3 of 32 available
Xã Sảng Mộc = SM1 (online, early) SM2 (direct, late): 2.1 1/2 -> 10; 3.3 1/2 -> 6;
    5.4 (2 − SM2) / 2 -> 10/3; total 58/3 (the same as Đại Từ's: they tie)
Xã Thượng Quan = TQ1 (direct, early): 2.1 1/1 -> 20; 3.3 0/1 -> 0; 5.4 1/1 -> 6; total 26
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import load, run_main, write_csv
from test_current_units import AGENCIES, DOSSIERS, SPLIT_NOTE
from test_index766 import insert_published

from warehouse.errors import WarehouseError
from warehouse.index766 import COLUMNS, IndexSpec, scorecard
from warehouse.paths import WarehousePaths
from warehouse.publish import publish
from warehouse.snapshot import open_snapshot
from warehouse.writer import open_writer

H1 = (date(2025, 1, 1), date(2025, 6, 30))
CURRENT = {"units": "current"}
COMPUTED = ("2.1", "3.3", "5.4")


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> WarehousePaths:
    folder: Path = tmp_path_factory.mktemp("index766-current")
    warehouse = WarehousePaths(folder / "warehouse.duckdb")
    result = load(warehouse, write_csv(folder / "donvi.csv", *AGENCIES), write_csv(folder / "hoso.csv", *DOSSIERS))
    assert result.all_read
    h1 = ("2025-01-01", "2025-06-30")
    with open_writer(warehouse) as con:
        insert_published(
            con,
            "index766.csv",
            (None, "05830", *h1, "1.1", None, None, 5.0),  # H1's 05830 is Bình Thuận, as recorded
            (None, "19", *h1, "1.2", None, None, 4.0),  # the province's, under today's code
            ("STP", None, *h1, "1.4", None, None, 6.0),  # an agency's: the same agency on any units
        )
        publish(con, warehouse)
    return warehouse


def card(wh: WarehousePaths, **options) -> dict[tuple[str, str], dict]:
    with open_snapshot(wh) as (con, _info):
        frame = scorecard(con, IndexSpec(*H1, **options))
    return {(row["unit_code"], row["indicator"]): row for row in frame.to_dicts()}


# ------------------------------------------------------------------ one unit


def test_a_merged_commune_scores_the_sum_of_its_old_communes(wh: WarehousePaths) -> None:
    rows = card(wh, unit="05830", **CURRENT)
    assert {row["unit_name"] for row in rows.values()} == {"Xã Đại Từ"}
    assert all(row["comparable"] is True and row["note"] is None for row in rows.values())
    # KK1 BT1 early or on time, LB1 pending overdue: 2 of KK1 KK2 BT1 LB1
    assert (rows["05830", "2.1"]["numerator"], rows["05830", "2.1"]["denominator"]) == (2, 4)
    assert rows["05830", "2.1"]["points"] == pytest.approx(20 * 2 / 4)
    # KK1 BT1 online, of 4 received
    assert (rows["05830", "3.3"]["numerator"], rows["05830", "3.3"]["denominator"]) == (2, 4)
    assert rows["05830", "3.3"]["points"] == pytest.approx(6.0)
    # 4 less KK2 (late) and LB1 (overdue)
    assert (rows["05830", "5.4"]["numerator"], rows["05830", "5.4"]["denominator"]) == (2, 4)
    assert rows["05830", "5.4"]["points"] == pytest.approx(6 * 0.5 / 0.9)
    total = rows["05830", "total"]
    assert (total["points"], total["max_available"]) == (pytest.approx(10 + 6 + 10 / 3), 32)
    assert {code for (_, code), row in rows.items() if row["source"] == "computed"} == set(COMPUTED)


def test_a_commune_takes_no_published_figure_of_the_old_unit_of_its_code(wh: WarehousePaths) -> None:
    recorded = card(wh, unit="05830")  # as recorded, H1's 05830 is Bình Thuận (BT1): its figure
    assert (recorded["05830", "total"]["unit_name"], recorded["05830", "1.1"]["points"]) == ("Xã Bình Thuận", 5.0)
    assert "comparable" not in recorded["05830", "total"]  # the default view's columns are unchanged
    today = card(wh, unit="05830", **CURRENT)  # today's Xã Đại Từ had no figure of its own in H1
    assert (today["05830", "1.1"]["points"], today["05830", "1.1"]["source"]) == (None, "unavailable")


def test_a_commune_fed_by_a_split_commune_has_no_points_and_says_why(wh: WarehousePaths) -> None:
    rows = card(wh, unit="05908", **CURRENT)  # HS1 went wholly into it, Thượng Đình only in part
    assert all(row["comparable"] is False and row["note"] == SPLIT_NOTE for row in rows.values())
    # no points, and no numerator or denominator either (HS1's parts are not shown as its past)
    assert all(row["points"] is None for row in rows.values())
    assert all(row["numerator"] is None and row["denominator"] is None for row in rows.values())
    assert rows["05908", "total"]["max_available"] == 0


def test_an_unchanged_commune_scores_the_same_on_both_views(wh: WarehousePaths) -> None:
    recorded, today = card(wh, unit="05719"), card(wh, unit="05719", **CURRENT)  # SM1 SM2
    assert {key: row["points"] for key, row in today.items()} == {key: row["points"] for key, row in recorded.items()}
    assert today["05719", "total"]["points"] == pytest.approx(10 + 6 + 10 / 3)


def test_the_province_is_both_old_provinces_with_its_published_figure(wh: WarehousePaths) -> None:
    today, recorded = card(wh, **CURRENT), card(wh)  # all 14 H1 dossiers, both ways
    assert (today["19", "total"]["unit_name"], today["19", "total"]["level"]) == ("Tỉnh Thái Nguyên", "province")
    assert {key: row["points"] for key, row in today.items()} == {key: row["points"] for key, row in recorded.items()}
    assert (today["19", "1.2"]["points"], today["19", "1.2"]["source"]) == (4.0, "published")
    assert today["19", "total"]["comparable"] is True


def test_an_agency_is_itself_with_its_published_figure(wh: WarehousePaths) -> None:
    rows = card(wh, unit="STP", **CURRENT)  # TP1: online, early
    total = rows["STP", "total"]
    assert (total["unit_name"], total["level"], total["comparable"]) == (
        "Sở Tư pháp tỉnh Thái Nguyên",
        "province",
        True,
    )
    assert (rows["STP", "1.4"]["points"], rows["STP", "1.4"]["source"]) == (6.0, "published")
    assert [rows["STP", code]["points"] for code in COMPUTED] == pytest.approx([20.0, 6.0, 6.0])  # 1/1, 1/1, 1/1


# ------------------------------------------------------------------ units ranked


def test_by_commune_ranks_todays_communes(wh: WarehousePaths) -> None:
    totals = {code: row for (code, indicator), row in card(wh, by="commune", **CURRENT).items() if indicator == "total"}
    # today's communes only: no old commune, and not the province's share of Thượng Đình's dossiers
    assert set(totals) == {"05830", "05719", "01957", "05908", "05941"}
    assert {code: (row["points"], row["rank"]) for code, row in totals.items()} == {
        "01957": (pytest.approx(26.0), 1),  # TQ1: 20 + 0 + 6
        "05830": (pytest.approx(58 / 3), 2),  # KK1 KK2 BT1 LB1, tied with Sảng Mộc
        "05719": (pytest.approx(58 / 3), 2),  # SM1 SM2
        "05908": (None, None),  # fed by the split Thượng Đình: no points, no rank
        "05941": (None, None),
    }
    assert {code: row["note"] for code, row in totals.items() if not row["comparable"]} == {
        "05908": SPLIT_NOTE,
        "05941": SPLIT_NOTE,
    }


def test_by_agency_lists_both_old_provinces_departments(wh: WarehousePaths) -> None:
    totals = {code: row for (code, indicator), row in card(wh, by="agency", **CURRENT).items() if indicator == "total"}
    assert set(totals) == {"STP", "BKP"}  # TP1; BK1 (Bắc Kạn's, now in Thái Nguyên)
    assert all(row["comparable"] for row in totals.values())


def test_by_district_on_todays_units_is_one_sentence(wh: WarehousePaths) -> None:
    with open_snapshot(wh) as (con, _info), pytest.raises(WarehouseError) as error:
        scorecard(con, IndexSpec(*H1, by="district", **CURRENT))
    assert str(error.value) == (
        "there are no districts on today's units (the 2025 reform removed them): rank by commune or by agency"
    )


# ------------------------------------------------------------------ the command line


def test_cli_units_current_rows_carry_comparable_and_note(wh: WarehousePaths) -> None:
    done = run_main(
        "warehouse",
        "index766",
        *("--warehouse", str(wh.database), "--from", "2025-01-01", "--to", "2025-06-30"),
        *("--by", "commune", "--units", "current", "--format", "json"),
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert len(rows) == 5 * 28  # 5 communes × (21 indicators + 6 groups + total)
    assert {tuple(row) for row in rows} == {(*COLUMNS, "comparable", "note")}
    split = [row for row in rows if row["unit_code"] == "05908"]
    assert {(row["comparable"], row["note"], row["points"]) for row in split} == {(False, SPLIT_NOTE, None)}


def test_cli_by_district_on_todays_units_is_one_line_and_exit_2(wh: WarehousePaths) -> None:
    done = run_main(
        "warehouse",
        "index766",
        *("--warehouse", str(wh.database), "--from", "2025-01-01", "--to", "2025-06-30"),
        *("--by", "district", "--units", "current"),
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.strip().splitlines()[-1].startswith("index766: there are no districts on today's units")
