"""Phân tích — the analyst explorer: filters bound to the link, a unit × KPI heat table,
drill-down from the province to the dossiers behind a number, downloads of every table."""

from __future__ import annotations

import streamlit as st

from ui import formats
from ui.data import choices, dossier_rows, kpi_rows
from ui.filters import field_filter, level_filter, period_filter, place_filter, units_view_filter
from ui.i18n import lang, tr
from ui.labels import CHANNELS, COUNT_MEASURES, kpi_label, label, note_text
from ui.layout import empty_state, freshness_banner, reform_note
from ui.tables import downloads, table, target_columns
from ui.text import md
from ui.tiles import tile
from ui.url_state import UrlState
from warehouse.periods import REFORM_DAY
from warehouse.query import KpiFilter

# a download's name says what its rows are, in the reader's language
BY_NAMES = {"area": ("don-vi", "unit"), "field": ("linh-vuc", "field"), "procedure": ("thu-tuc", "procedure")}
TABLE_COLUMNS = (
    "received",
    "online_rate",
    "on_time_rate",
    "on_time_rate_766",
    "resolved_late",
    "pending_overdue",
    "digitised_rate",
    "online_payment_rate",
    "e_result_rate",
    "online_service_use_rate",
    "satisfaction_rate",
)

language = lang()
url = UrlState("explorer")
st.title(tr("Phân tích", "Explorer"))
state = freshness_banner()

# ---------------------------------------------------------------- filters (in the link)
with st.sidebar:
    st.subheader(tr("Bộ lọc", "Filters"))
    period = period_filter(url)
    level = level_filter(url)
    units_view = units_view_filter(url, period)
    on_today = units_view == "current"
    place = place_filter(url, period, on_today)
    district, commune = place.district, place.commune
    field, field_names = field_filter(url)
    procedure_names = choices("procedures", field)
    procedure = st.selectbox(
        tr("Thủ tục", "Procedure"),
        list(procedure_names),
        index=None,
        key=url.seed("procedure", options=procedure_names),
        placeholder=tr("Tất cả thủ tục", "All procedures"),
        format_func=lambda code: f"{code} · {procedure_names.get(code, '')}",
    )
    channel = st.selectbox(
        tr("Kênh nộp", "Channel"),
        list(CHANNELS),
        index=None,
        key=url.seed("channel", options=CHANNELS),
        placeholder=tr("Tất cả các kênh", "All channels"),
        format_func=lambda v: label(CHANNELS, v, language),
    )
    url.write()

unit = commune or district
base = dict(
    date_from=period.start,
    date_to=period.end,
    unit=unit,
    level=level,
    field=field,
    procedure=procedure,
    channel=channel,
    units=units_view,
)

# ---------------------------------------------------------------- where we are
trail = [tr("Toàn tỉnh", "Province")]
trail += place.trail()
trail += [
    name
    for name in (field_names.get(field) if field else None, procedure_names.get(procedure) if procedure else None)
    if name
]
st.markdown(" › ".join(f"**{md(part)}**" if i == len(trail) - 1 else md(part) for i, part in enumerate(trail)))
if on_today:
    st.caption(
        tr(
            "Số liệu trước 01/07/2025 được cộng lại theo xã, phường mới (bảng chuyển đổi chính thức); "
            "xã có nguồn bị chia tách không so sánh được và hiển thị —.",
            "Figures before 01/07/2025 are re-added on today's communes (the official conversion table); "
            "a commune formed from a split one is not comparable and shows —.",
        )
    )
else:
    reform_note(period.spans_reform)

summary = kpi_rows(KpiFilter(**base))
if summary.empty or not state.has_data:
    empty_state(summary.message)
    st.stop()
totals = summary.frame.row(0, named=True)
for column, kpi in zip(
    st.columns(5), ("received", "online_rate", "on_time_rate", "on_time_rate_766", "pending_overdue")
):
    item = tile(kpi, totals, None, None, language)  # its target: that of the filter's level (DESIGN §4)
    column.metric(item.label, item.value, border=True)
    if item.note:
        column.caption(item.note)
if totals.get("note"):  # today's commune has no comparable past: say why, not 0
    st.info(note_text(totals["note"], language), icon=":material/info:")
elif totals["received"] == 0 and totals["resolved"] == 0 and totals["pending"] == 0:
    empty_state()


# ---------------------------------------------------------------- the heat table, one level down
def drill(filter_key: str) -> None:
    """A selected row narrows the filter it stands for (a district, a commune, a field...)."""
    selection = st.session_state["heat"].selection.rows
    if selection and (value := st.session_state["heat-values"][selection[0]]):
        st.session_state[url.key(filter_key)] = value


if procedure is None:
    # (grouping, the filter a row narrows, its key column, the level a row must be to drill, heading)
    if commune is None:
        child = "commune" if district is not None or period.start >= REFORM_DAY or on_today else "district"
        by, next_key, key_column, drillable = "area", child, "unit_code", child
        heading = tr("Theo xã, phường", "By commune") if child == "commune" else tr("Theo đơn vị", "By unit")
    elif field is None:
        by, next_key, key_column, drillable, heading = (
            "field",
            "field",
            "field_code",
            None,
            tr("Theo lĩnh vực", "By field"),
        )
    else:
        by, next_key, key_column, drillable = "procedure", "procedure", "procedure_code", None
        heading = tr("Theo thủ tục", "By procedure")
    grouped = kpi_rows(KpiFilter(**base, by=by))
    st.subheader(heading)
    if grouped.empty:
        empty_state(grouped.message)
    else:
        rows = grouped.frame.sort("received", descending=True, nulls_last=True)
        names = {
            "area": ["unit_name", "level"],
            "field": ["field_name"],
            "procedure": ["procedure_code", "procedure_name"],
        }[by]
        # each row's targets (a commune's, a district's with its communes...) shade it and go in the downloads
        # on today's units, `note` says why a row has no figures
        heat = rows.select(
            *names, *TABLE_COLUMNS, *target_columns(rows, TABLE_COLUMNS), *(["note"] if "note" in rows.columns else [])
        )
        # a row of the parent's own agencies (the province's departments) has nowhere to go
        st.session_state["heat-values"] = [
            key if drillable is None or row_level == drillable else None
            for key, row_level in zip(rows[key_column], rows["level"] if by == "area" else rows[key_column])
        ]
        st.caption(
            tr(
                "Chọn một dòng để xem chi tiết bên dưới. Ô màu xanh: đạt chỉ tiêu; màu cam: chưa đạt.",
                "Select a row to drill down. Blue cells meet the target; orange ones do not.",
            )
        )
        table(heat, key="heat", on_select=lambda: drill(next_key), selection_mode="single-row")
        downloads(
            heat,
            tr(f"chi-so-{BY_NAMES[by][0]}", f"kpi-by-{BY_NAMES[by][1]}")
            + f"-{period.start:%Y%m%d}-{period.end:%Y%m%d}",
            key="heat",
        )

# ---------------------------------------------------------------- the dossiers behind a number
st.subheader(tr("Hồ sơ đằng sau con số", "The dossiers behind a number"))
measure = st.selectbox(
    tr("Số liệu", "Measure"),
    COUNT_MEASURES,
    key=url.seed("measure", default="pending_overdue", options=COUNT_MEASURES),
    format_func=lambda m: f"{kpi_label(m, language)} ({formats.count(totals.get(m), language)})",
)
url.write()
listed = dossier_rows(KpiFilter(**base), measure)
if listed.empty:
    empty_state(listed.message)
else:
    if listed.frame.height >= 5000:
        st.caption(tr("Hiển thị 5.000 hồ sơ mới nhất.", "Showing the newest 5,000 dossiers."))
    table(listed.frame)
    downloads(
        listed.frame, tr("ho-so", "dossiers") + f"-{measure}-{period.start:%Y%m%d}-{period.end:%Y%m%d}", key="dossiers"
    )
