"""Every dashboard page through Streamlit's own test harness, on a real snapshot of the
hand-computed KPI fixture (tests/test_kpi_exact.py lists its dossiers).

"Today" is fixed at 31 March 2023 with `$IOC_TODAY`, so "this month" is March 2023.
The figures on tiles are checked against `python -m warehouse kpi` for the same filter,
and against the hand-worked values of the fixture.
"""

from __future__ import annotations

import pytest
from conftest import ROOT, kpi_cli_json
from streamlit.testing.v1 import AppTest

from ui import formats

TODAY = "2023-03-31"


@pytest.fixture
def loaded(kpi_read_only):
    return kpi_read_only


def open_app(monkeypatch, warehouse, page: str | None = None, **params: str) -> AppTest:
    monkeypatch.setenv("IOC_WAREHOUSE", str(warehouse.database))
    monkeypatch.setenv("IOC_TODAY", TODAY)
    monkeypatch.chdir(ROOT)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    if page:
        app.run()
        app.switch_page(page)
    for name, value in params.items():
        app.query_params[name] = value
    return app.run()


def metric(app: AppTest, label: str) -> str:
    matches = [m.value for m in app.metric if m.label == label]
    assert matches, f"no tile '{label}' among {[m.label for m in app.metric]}"
    return matches[0]


def cli(warehouse, *args: str) -> dict:
    return kpi_cli_json(warehouse, *args)[0]


# ---------------------------------------------------------------- Tổng quan


def test_overview_tiles_match_the_kpi_command(monkeypatch, loaded):
    app = open_app(monkeypatch, loaded)
    assert not app.exception
    march = cli(loaded, "--from", "2023-03-01", "--to", TODAY)
    # received in March: D01-D12, D16, D18, D19, D26 = 16 (status 1 and 3 count nowhere)
    assert march["received"] == 16
    assert metric(app, "Tiếp nhận tháng 03/2023") == formats.count(march["received"])
    assert metric(app, "Tỷ lệ nộp trực tuyến") == formats.rate(march["online_rate"])
    assert metric(app, "Tỷ lệ giải quyết đúng hạn") == formats.rate(march["on_time_rate"])
    assert metric(app, "Hồ sơ đang quá hạn") == formats.count(march["pending_overdue"])


def test_overview_today_tile_counts_the_day(monkeypatch, loaded):
    app = open_app(monkeypatch, loaded)
    # received on 31 March: none (D17 arrives 1 April local time)
    assert metric(app, "Tiếp nhận hôm nay") == "0"


def test_a_past_period_has_no_today_tile(monkeypatch, loaded):
    app = open_app(monkeypatch, loaded, wall="1", rotate="0", period="2023-02")
    labels = [m.label for m in app.metric]
    assert "Tiếp nhận hôm nay" not in labels
    assert "Tiếp nhận tháng 02/2023" in labels


def test_overview_shows_targets_and_the_data_time(monkeypatch, loaded):
    app = open_app(monkeypatch, loaded)
    captions = [c.value for c in app.caption]
    assert any(c.startswith("dữ liệu đến ") for c in captions)
    assert any("Chỉ tiêu ≥ 95,0%" in c for c in captions)


def test_overview_period_filter_changes_the_tiles(monkeypatch, loaded):
    app = open_app(monkeypatch, loaded, period="quarter")
    first_quarter = cli(loaded, "--from", "2023-01-01", "--to", TODAY)
    assert metric(app, "Tiếp nhận quý 1/2023") == formats.count(first_quarter["received"])


def test_overview_in_english(monkeypatch, loaded):
    app = open_app(monkeypatch, loaded, lang="en")
    march = cli(loaded, "--from", "2023-03-01", "--to", TODAY)
    assert metric(app, "Online-filing rate") == formats.rate(march["online_rate"], "en")


def test_wall_mode_has_no_sidebar_and_big_panels(monkeypatch, loaded):
    app = open_app(monkeypatch, loaded, wall="1", rotate="0")
    assert not app.exception
    assert len(app.sidebar) == 0
    assert app.header[0].value.startswith("Chỉ số chính")
    assert metric(app, "Tiếp nhận tháng 03/2023") == "16"


def test_empty_warehouse_says_so(monkeypatch, warehouse):
    app = open_app(monkeypatch, warehouse)
    assert not app.exception
    assert any("Chưa có dữ liệu" in i.value for i in app.info)


def test_stale_data_says_when_the_last_good_data_was(monkeypatch, loaded):
    monkeypatch.setenv("IOC_STALE_MINUTES", "0")
    app = open_app(monkeypatch, loaded)
    assert any("lần cập nhật tốt gần nhất lúc" in w.value for w in app.warning)


def test_wall_mode_says_when_data_is_stale(monkeypatch, loaded):
    monkeypatch.setenv("IOC_STALE_MINUTES", "0")
    app = open_app(monkeypatch, loaded, wall="1", rotate="0")
    assert any("Dữ liệu chưa cập nhật" in w.value for w in app.warning)


# ---------------------------------------------------------------- Phân tích

EXPLORER = "pages/explorer.py"


def test_explorer_default_view_matches_the_kpi_command(monkeypatch, loaded):
    app = open_app(monkeypatch, loaded, EXPLORER)
    assert not app.exception
    march = cli(loaded, "--from", "2023-03-01", "--to", TODAY)
    assert metric(app, "Tiếp nhận") == formats.count(march["received"])
    assert metric(app, "Tiến độ giải quyết (QĐ 766)") == formats.rate(march["on_time_rate_766"])
    # the heat table, by unit: the province's own agency and district Đại Từ
    heat = app.dataframe[0].value
    assert heat["Tiếp nhận"].sum() == march["received"]


def test_explorer_district_filter(monkeypatch, loaded):
    app = open_app(monkeypatch, loaded, EXPLORER, district="171")
    district = cli(loaded, "--from", "2023-03-01", "--to", TODAY, "--unit", "171")
    # Đại Từ with its communes: everything but Sở Tư pháp's D10, D11, D19 = 13
    assert district["received"] == 13
    assert metric(app, "Tiếp nhận") == "13"


def test_explorer_commune_filter_drills_to_fields(monkeypatch, loaded):
    app = open_app(monkeypatch, loaded, EXPLORER, district="171", commune="05809")
    commune = cli(loaded, "--from", "2023-03-01", "--to", TODAY, "--unit", "05809")
    assert metric(app, "Tiếp nhận") == formats.count(commune["received"])
    assert "Theo lĩnh vực" in [s.value for s in app.subheader]


def test_explorer_field_filter(monkeypatch, loaded):
    app = open_app(monkeypatch, loaded, EXPLORER, field=_field_code(loaded, "Hộ tịch"))
    civil = cli(loaded, "--from", "2023-03-01", "--to", TODAY, "--field", "Hộ tịch")
    assert metric(app, "Tiếp nhận") == formats.count(civil["received"])


def test_explorer_level_filter(monkeypatch, loaded):
    app = open_app(monkeypatch, loaded, EXPLORER, level="commune")
    communes = cli(loaded, "--from", "2023-03-01", "--to", TODAY, "--level", "commune")
    assert metric(app, "Tiếp nhận") == formats.count(communes["received"])


def test_explorer_channel_filter_keeps_only_that_channel(monkeypatch, loaded):
    app = open_app(monkeypatch, loaded, EXPLORER, channel="online")
    march = cli(loaded, "--from", "2023-03-01", "--to", TODAY)
    assert metric(app, "Tiếp nhận") == formats.count(march["received_online"])
    assert metric(app, "Tỷ lệ nộp trực tuyến") == "100,0%"


def test_explorer_procedure_filter(monkeypatch, loaded):
    app = open_app(monkeypatch, loaded, EXPLORER, procedure="1.001193")
    # P1 in March: D01, D02, D09, D12, D16 received (D13 status 1, D17 April, D24 refused)
    assert metric(app, "Tiếp nhận") == "5"


def test_explorer_custom_period(monkeypatch, loaded):
    app = open_app(monkeypatch, loaded, EXPLORER, period="custom", **{"from": "2023-02-01", "to": "2023-02-28"})
    february = cli(loaded, "--from", "2023-02-01", "--to", "2023-02-28")
    assert metric(app, "Tiếp nhận") == formats.count(february["received"])


def test_explorer_lists_the_dossiers_behind_a_number(monkeypatch, loaded):
    app = open_app(monkeypatch, loaded, EXPLORER, measure="pending_overdue")
    listed = app.dataframe[-1].value
    # pending overdue on 31 March: D06 (due 24/3), D11 (due 30/3, finished 3/4), D21 (due 15/3)
    assert sorted(listed["Mã hồ sơ"]) == ["D06", "D11", "D21"]


def test_explorer_offers_downloads(monkeypatch, loaded):
    app = open_app(monkeypatch, loaded, EXPLORER)
    labels = [b.proto.label for b in app.get("download_button")]
    assert labels.count("CSV") >= 2 and labels.count("Excel") >= 2


# ---------------------------------------------------------------- Hồ sơ trễ hạn and Dữ liệu


def test_overdue_page_counts_match_the_kpi_command(monkeypatch, loaded):
    app = open_app(monkeypatch, loaded, "pages/overdue.py")
    assert not app.exception
    march = cli(loaded, "--from", "2023-03-01", "--to", TODAY)
    assert march["pending_overdue"] == 3
    assert metric(app, "Đang quá hạn") == "3"


def test_overdue_page_lists_due_soon_within_working_days(monkeypatch, loaded):
    app = open_app(monkeypatch, loaded, "pages/overdue.py", days="8")
    # pending on 31/3 and due from 31/3 to 12/4 (8 working days on): D12 (due 31/3, the day
    # itself, so not yet overdue), D07 (10/4), D19 (11/4)
    assert metric(app, "Đến hạn trong 8 ngày làm việc") == "3"


def test_data_health_page_renders(monkeypatch, loaded):
    app = open_app(monkeypatch, loaded, "pages/data_health.py")
    assert not app.exception
    headings = [s.value for s in app.subheader]
    assert "Dòng bị cách ly" in headings and "Đơn vị chưa xác định" in headings


def _field_code(warehouse, name: str) -> str:
    from conftest import raw

    return raw(warehouse, f"select MaLinhVuc from raw_procedures where TenLinhVuc = '{name}' limit 1")[0][0]
