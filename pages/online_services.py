"""Dịch vụ công trực tuyến — online services (Decision 766 group 3): the procedures in
scope and the share offered online, how many online services were used, by level, field
and agency; each procedure's dossiers filed online; and the list a leader acts on, the
fully online procedures that received no online dossier in the period."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ui import formats
from ui.data import kpi_rows, online_procedure_rows, unused_online_procedure_rows
from ui.filters import scope_filters
from ui.i18n import lang, tr
from ui.layout import empty_state, freshness_banner, not_loaded, reform_note, tile_row
from ui.tables import downloads, table, target_columns
from ui.text import md
from ui.tiles import tile
from ui.url_state import UrlState
from warehouse.query import KpiFilter

TILES = ("procedures", "procedures_full", "procedures_partial", "online_service_rate", "online_service_use_rate")
GROUPED = (
    "procedures",
    "procedures_full",
    "procedures_partial",
    "online_service_rate",
    "online_services",
    "online_services_used",
    "online_service_use_rate",
    "received",
    "online_rate",
)
PROCEDURE_COLUMNS = (
    "procedure_code",
    "procedure_name",
    "field_name",
    "online_level",
    "received",
    "received_online",
    "online_rate",
    "fully_online_unused",
)
UNUSED_COLUMNS = ("agency_name", "agency_level", "procedure_code", "procedure_name", "field_name", "received")
# (grouping, heading, download name)
GROUPS = (
    ("level", ("Theo cấp", "By level"), ("cap", "level")),
    ("field", ("Theo lĩnh vực", "By field"), ("linh-vuc", "field")),
    ("unit", ("Theo cơ quan", "By agency"), ("co-quan", "agency")),
)
GROUP_KEYS = {"level": ["level"], "field": ["field_name"], "unit": ["unit_name", "level"]}

language = lang()
url = UrlState("online")
st.title(tr("Dịch vụ công trực tuyến", "Online services"))
state = freshness_banner()

chosen = scope_filters(url)
period, scope = chosen.period, chosen.filters
st.markdown(" › ".join(md(part) for part in chosen.trail))
reform_note(period.spans_reform)

summary = kpi_rows(KpiFilter(period.start, period.end, **scope))
if not state.has_data:
    st.stop()
if summary.empty:
    empty_state(summary.message)
    st.stop()
now = summary.frame.row(0, named=True)
if not now["procedures"]:
    not_loaded(
        "Chưa có danh mục thủ tục hành chính thuộc thẩm quyền của các cơ quan đã chọn.",
        "No procedures in the competence of the chosen agencies have been loaded.",
    )
    st.stop()

# ---------------------------------------------------------------- tiles, against their targets
tile_row([tile(kpi, now, None, None, language) for kpi in (*TILES, "online_rate")])
st.caption(
    tr(
        f"{formats.count(now['online_services_used'], 'vi')} / {formats.count(now['online_services'], 'vi')} "
        "dịch vụ công trực tuyến (cặp cơ quan – thủ tục toàn trình hoặc một phần) có hồ sơ nộp trực tuyến trong kỳ. "
        "Tỷ lệ nộp trực tuyến: hồ sơ nộp trực tuyến trên toàn bộ hồ sơ tiếp nhận.",
        f"{formats.count(now['online_services_used'], 'en')} / {formats.count(now['online_services'], 'en')} "
        "online services (agency and procedure offered fully or partly online) received an online dossier in the "
        "period. Online-filing rate: dossiers filed online over all dossiers received.",
    )
)

# ---------------------------------------------------------------- by level, field and agency
span = f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"
for tab, (by, _, (name_vi, name_en)) in zip(st.tabs([tr(*heading) for _, heading, _ in GROUPS]), GROUPS):
    with tab:
        grouped = kpi_rows(KpiFilter(period.start, period.end, **scope, by=by))
        if grouped.empty:
            empty_state(grouped.message)
            continue
        rows = grouped.frame.filter(pl.col("procedures") > 0).sort(
            ["online_service_use_rate", "procedures"], descending=[False, True], nulls_last=True
        )
        shown = rows.select(*GROUP_KEYS[by], *GROUPED, *target_columns(rows, GROUPED))
        table(shown)
        downloads(shown, tr(f"dvctt-{name_vi}", f"online-services-by-{name_en}") + f"-{span}", key=f"by-{by}")

# ---------------------------------------------------------------- each procedure
st.subheader(tr("Theo thủ tục", "By procedure"))
procedures = online_procedure_rows(KpiFilter(period.start, period.end, **scope))
if procedures.empty:
    empty_state(procedures.message)
else:
    each = procedures.frame.select(PROCEDURE_COLUMNS)
    table(each)
    downloads(each, tr("dvctt-thu-tuc", "online-services-by-procedure") + f"-{span}", key="procedures")

# ---------------------------------------------------------------- the list to act on
st.subheader(tr("Thủ tục toàn trình chưa có hồ sơ trực tuyến", "Fully online procedures with no online dossier"))
unused = unused_online_procedure_rows(KpiFilter(period.start, period.end, **scope))
if unused.message:
    empty_state(unused.message)
elif unused.empty:
    st.success(
        tr(
            "Mọi thủ tục toàn trình đều có hồ sơ nộp trực tuyến trong kỳ.",
            "Every fully online procedure received an online dossier in the period.",
        ),
        icon=":material/check_circle:",
    )
else:
    st.caption(
        tr(
            "Thủ tục cung cấp dịch vụ công trực tuyến toàn trình nhưng không có hồ sơ nộp trực tuyến nào trong kỳ, "
            "theo cơ quan.",
            "Procedures offered fully online that received no dossier online in the period, by agency.",
        )
    )
    unused_by_agency = unused.frame.select(UNUSED_COLUMNS)
    table(unused_by_agency)
    downloads(unused_by_agency, tr("dvctt-chua-phat-sinh", "online-services-unused") + f"-{span}", key="unused")
