"""Dữ liệu — data health: each source's last good pull and the age of its data, recent
runs with their errors, quarantined rows with reasons, 06a problems, unplaced units,
ratings and feedback naming what is not loaded, slips in the provincial working-day calendar."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ui import formats
from ui.data import read, runs, stale_after
from ui.i18n import lang, tr
from ui.labels import ROW_KINDS, RUN_STATUSES, label
from ui.layout import freshness_banner
from ui.tables import downloads, table
from ui.text import md
from warehouse.calendar import load_calendar, province_problems
from warehouse.errors import WarehouseError
from warehouse.health import sources
from warehouse.periods import now_in_vietnam

# the reasons the unresolved_units query writes itself (sql/queries/unresolved_units.sql)
UNPLACED_REASONS = {
    "no area code (MaDVHC)": ("không có mã đơn vị hành chính (MaDVHC)", "no area code (MaDVHC)"),
    "area code not in the unit registry": (
        "mã đơn vị hành chính không có trong danh mục",
        "area code not in the unit registry",
    ),
    "reporting unit not found": ("không tìm thấy đơn vị báo cáo", "reporting unit not found"),
}
# what a rating or PAKN names that is not loaded (sql/queries/orphan_v2_rows.sql)
UNKNOWN_REFERENCES = {"dossier": ("Hồ sơ", "Dossier"), "agency": ("Cơ quan", "Agency")}


def readable(frame: pl.DataFrame) -> pl.DataFrame:
    """Codes the warehouse writes (a run's status, a row's kind) as words in the reader's language."""
    words = {"status": RUN_STATUSES, "kind": ROW_KINDS, "reason": UNPLACED_REASONS, "refers_to": UNKNOWN_REFERENCES}
    return frame.with_columns(
        pl.col(column).replace({code: label(table, code, language) for code in table})
        for column, table in words.items()
        if column in frame.columns and frame.schema[column] == pl.String
    )


language = lang()
st.title(tr("Dữ liệu", "Data health"))
state = freshness_banner()
now = now_in_vietnam()

st.subheader(tr("Nguồn dữ liệu", "Sources"))
all_runs = runs()
known = sources(all_runs) if not all_runs.is_empty() else []
if not known:
    st.info(tr("Chưa có lần nạp dữ liệu nào.", "No ingest run yet."), icon=":material/info:")
for source, column in zip(known, st.columns(max(len(known), 1))):
    with column:
        age = source.age(now)
        minutes = int(age.total_seconds() // 60) if age else None
        stale = source.is_stale(now, stale_after())
        st.markdown(f"### {md(source.source)}")
        st.badge(
            tr("Dữ liệu cũ", "Stale") if stale else tr("Cập nhật", "Fresh"),
            color="red" if stale else "blue",
            icon=":material/warning:" if stale else ":material/check_circle:",
        )
        st.metric(
            tr("Lần nạp thành công gần nhất", "Last successful pull"),
            formats.moment(source.last_ok, language),
            tr(f"{formats.count(minutes, 'vi')} phút trước", f"{formats.count(minutes, 'en')} minutes ago")
            if minutes is not None
            else None,
            delta_color="off",
            delta_arrow="off",
            border=True,
        )
        if source.last_status != "ok" and source.last_error:
            st.error(
                tr("Lần chạy gần nhất lỗi: ", "Last run failed: ") + md(source.last_error), icon=":material/error:"
            )
st.caption(
    tr(
        f"Ngưỡng cảnh báo: dữ liệu cũ hơn {int(stale_after().total_seconds() // 60)} phút.",
        f"Alert threshold: data older than {int(stale_after().total_seconds() // 60)} minutes.",
    )
)

st.subheader(tr("Các lần nạp gần đây", "Recent runs"))
only_errors = st.toggle(tr("Chỉ các lần lỗi", "Failures only"), key="health.errors")
shown = all_runs.filter(all_runs["status"] != "ok") if only_errors else all_runs
table(readable(shown.head(100)))

if state.has_data:
    reasons = read("quarantine_reasons")
    st.subheader(tr("Dòng bị cách ly", "Quarantined rows"))
    if reasons.empty:
        st.success(tr("Không có dòng nào bị cách ly.", "No quarantined rows."), icon=":material/check_circle:")
    else:
        table(readable(reasons.frame))
        rows = read("quarantine").frame
        with st.expander(tr("Xem các dòng (1.000 dòng mới nhất)", "Show the rows (newest 1,000)")):
            table(readable(rows))
            downloads(rows, tr("cach-ly", "quarantine"), key="quarantine")

    st.subheader(tr("Biểu 06a sai lệch", "Form 06a problems"))
    violations = read("form06a_violations")
    if violations.empty:
        st.success(
            tr("Các biểu 06a đã nạp đều khớp số liệu.", "Every loaded form 06a adds up."),
            icon=":material/check_circle:",
        )
    else:
        table(violations.frame)

    st.subheader(tr("Đơn vị chưa xác định", "Unplaced units"))
    unresolved = read("unresolved_units")
    if unresolved.empty:
        st.success(
            tr("Mọi cơ quan đều khớp danh mục đơn vị hành chính.", "Every agency is in the unit registry."),
            icon=":material/check_circle:",
        )
    else:
        table(readable(unresolved.frame))

    st.subheader(tr("Đánh giá, phản ánh chưa khớp dữ liệu", "Ratings and feedback naming what is not loaded"))
    orphans = read("orphan_v2_rows")
    if orphans.empty:
        st.success(
            tr(
                "Mọi đánh giá và phản ánh, kiến nghị đều khớp hồ sơ, cơ quan đã nạp.",
                "Every rating and PAKN names a loaded dossier and agency.",
            ),
            icon=":material/check_circle:",
        )
    else:
        st.caption(
            tr(
                "Các dòng này được giữ lại nhưng chưa được tính vào chỉ số nào cho đến khi hồ sơ, cơ quan tương ứng được nạp.",
                "These rows are kept but count in no figure until the dossier or agency they name is loaded.",
            )
        )
        table(readable(orphans.frame))

st.subheader(tr("Lịch ngày làm việc của tỉnh", "Provincial working-day calendar"))
try:
    problems = province_problems(load_calendar())
except WarehouseError as error:
    problems = []
    st.error(str(error), icon=":material/error:")
else:
    if not problems:
        st.success(
            tr(
                "Lịch của tỉnh không có ngày nào ghi trùng hay thừa.",
                "The provincial calendar names no day twice and changes nothing in vain.",
            ),
            icon=":material/check_circle:",
        )
for problem in problems:
    day = formats.day(problem.day, language)
    st.warning(
        {
            "repeated": tr(
                f"Ngày {day} được ghi nhiều lần (mục đầu tiên được áp dụng).",
                f"{day} is named more than once (the first entry applies).",
            ),
            "already_off": tr(
                f"Ngày {day} được thêm làm ngày nghỉ nhưng vốn đã là ngày nghỉ.",
                f"{day} is added as a day off but is already off.",
            ),
            "not_off": tr(
                f"Ngày {day} được đặt là ngày làm việc nhưng vốn đã là ngày làm việc.",
                f"{day} is set as a working day but is already one.",
            ),
        }[problem.problem],
        icon=":material/warning:",
    )
st.caption(
    tr(
        "Ngày nghỉ, ngày làm bù quốc gia lấy từ thư viện `holidays`; điều chỉnh của tỉnh trong "
        "config/calendar_province.toml (`python -m warehouse calendar --year YYYY` liệt kê cả năm).",
        "National days off and make-up days come from the `holidays` package; the province's changes "
        "from config/calendar_province.toml (`python -m warehouse calendar --year YYYY` lists a year).",
    )
)
