"""Báo cáo — the snapshot exports: make one of the current filters, download the archived ones.

A snapshot is made by `python -m reports snapshot` in a subprocess (matplotlib, fpdf and
a browser never run inside the app's process); its progress lines feed `st.status`.
The archive is read from disk (`reports.schedule`), never from the warehouse.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import streamlit as st

from reports.config import load_exports
from reports.schedule import archive_folder, list_archive, read_runs
from ui import formats
from ui.data import today
from ui.i18n import lang, tr
from ui.layout import freshness_banner
from ui.text import md
from ui.url_state import UrlState
from warehouse.paths import WarehousePaths
from warehouse.periods import Period, parse_period

ROOT = Path(__file__).resolve().parent.parent
PERIODS = ("yesterday", "last_week", "last_month", "today", "week", "month", "quarter", "year")
PERIOD_LABELS = {
    "yesterday": ("Hôm qua", "Yesterday"),
    "last_week": ("Tuần trước", "Last week"),
    "last_month": ("Tháng trước", "Last month"),
    "today": ("Hôm nay", "Today"),
    "week": ("Tuần này", "This week"),
    "month": ("Tháng này", "This month"),
    "quarter": ("Quý này", "This quarter"),
    "year": ("Năm nay", "This year"),
}
FILE_LABELS = {
    "briefing.pdf": ("Bản tin PDF", "PDF briefing", ":material/picture_as_pdf:"),
    "form_06a.xlsx": ("Biểu 06a (XLSX)", "Form 06a (XLSX)", ":material/table_chart:"),
    "kpi.xlsx": ("Chỉ số (Excel)", "KPIs (Excel)", ":material/table_view:"),
    "overdue.xlsx": ("Hồ sơ quá hạn (Excel)", "Overdue (Excel)", ":material/table_view:"),
    "kpi.csv": ("Chỉ số (CSV)", "KPIs (CSV)", ":material/calculate:"),
    "overdue.csv": ("Hồ sơ quá hạn (CSV)", "Overdue (CSV)", ":material/alarm:"),
    "index766.csv": ("Chỉ số 766 (CSV)", "Index 766 (CSV)", ":material/leaderboard:"),
    "wall.png": ("Ảnh màn hình lớn", "Wall screenshot", ":material/image:"),
}
MIME = {
    ".pdf": "application/pdf",
    ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".png": "image/png",
}
# Plain marks: a table cell has no icon font, and an emoji needs an emoji font.
STATUS = {
    "ok": ("✓", "thành công", "ok"),
    "partial": ("!", "thiếu tệp", "partial"),
    "failed": ("✗", "lỗi", "failed"),
    "no_data": ("…", "chưa có dữ liệu", "no data"),
}

KINDS = {"daily": ("Hằng ngày", "Daily"), "weekly": ("Hằng tuần", "Weekly"), "monthly": ("Hằng tháng", "Monthly")}


def period_label(period: dict) -> str:
    """A manifest's period in the reader's language (the manifest keeps the Vietnamese label)."""
    if period.get("kind") in ("day", "month", "quarter", "year") and period.get("start"):
        start = date.fromisoformat(period["start"][:10])
        return Period(start, start, period["kind"]).label(language)
    return period.get("label", "") if language == "vi" else ""


def when(text: str | None) -> str:
    """A run log's ISO time as 14:05 21/11/2026 (as it is, if it is not one)."""
    try:
        return formats.moment(datetime.fromisoformat(text), language) if text else formats.MISSING
    except ValueError:
        return text


def day_of(text: object) -> str:
    try:
        return formats.day(date.fromisoformat(str(text)[:10]), language) if text else formats.MISSING
    except ValueError:
        return str(text)


language = lang()
url = UrlState("reports")
paths = WarehousePaths.resolve()
exports = load_exports()
archive = exports.archive(paths.database)

st.title(tr("Báo cáo", "Reports"))
state = freshness_banner()

# ------------------------------------------------------------------ on demand

st.subheader(tr("Tạo báo cáo theo bộ lọc", "Make a report of the current filters"))
left, middle, right = st.columns([3, 3, 2], vertical_alignment="bottom")
wanted = url.get("period", default="month", options=PERIODS)
period_name = left.selectbox(
    tr("Kỳ báo cáo", "Period"),
    PERIODS,
    index=PERIODS.index(wanted),
    format_func=lambda p: PERIOD_LABELS[p][1 if language == "en" else 0],
)
unit = (
    middle.text_input(
        tr("Đơn vị (mã hoặc tên; để trống: toàn tỉnh)", "Unit (code or name; empty: the whole province)"),
        value=url.get("unit", default="") or "",
    ).strip()
    or None
)
url.note()
with_wall = right.checkbox(tr("Kèm ảnh màn hình lớn", "With the wall screenshot"), value=exports.wall_png)
period = parse_period(period_name, today())
st.caption(
    tr(
        f"Kỳ báo cáo: {formats.day(period.start)} – {formats.day(period.clipped(today()).end)}. Gồm bản tin PDF, biểu 06a, "
        "bảng chỉ số và danh sách hồ sơ quá hạn (CSV)" + (", ảnh màn hình lớn." if with_wall else "."),
        f"Period: {formats.day(period.start, 'en')} – {formats.day(period.clipped(today()).end, 'en')}. A PDF briefing, "
        "form 06a, the KPI table and the overdue list (CSV)" + (", the wall screenshot." if with_wall else "."),
    )
)


def make_snapshot_now() -> None:
    out = archive_folder(archive, today(), period, unit)
    command = [
        sys.executable,
        "-m",
        "reports",
        "snapshot",
        "--period",
        period_name,
        "--warehouse",
        str(paths.database),
        "--out",
        str(out),
    ]
    command += ["--unit", unit] if unit else []
    command += [] if with_wall else ["--no-wall"]
    env = {**os.environ, "IOC_TODAY": today().isoformat()}
    with st.status(tr("Đang tạo báo cáo…", "Making the report…"), expanded=True) as status:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        errors = []
        for line in process.stderr:
            if line.startswith("making "):
                name = line.removeprefix("making ").strip()
                status.write(
                    tr("Đang tạo ", "Making ") + FILE_LABELS.get(name, (name, name))[1 if language == "en" else 0]
                )
            else:
                errors.append(line.strip())
        code = process.wait()
        if code == 0:
            status.update(label=tr("Đã tạo xong báo cáo", "The report is ready"), state="complete", expanded=False)
        elif code == 1:
            status.update(label=tr("Đã tạo báo cáo, thiếu một tệp", "Report made, one file missing"), state="error")
            st.warning(md("\n".join(errors)), icon=":material/warning:")
        else:
            status.update(label=tr("Không tạo được báo cáo", "The report could not be made"), state="error")
            st.error(md("\n".join(errors)) or tr("Lỗi không rõ.", "Unknown error."), icon=":material/error:")


if st.button(
    tr("Tạo báo cáo", "Make the report"), type="primary", icon=":material/description:", disabled=not state.has_data
):
    make_snapshot_now()

# ------------------------------------------------------------------ archive

st.subheader(tr("Báo cáo đã lưu", "Archived reports"))
snapshots = list_archive(archive)
if not snapshots:
    st.info(tr("Chưa có báo cáo nào được lưu.", "No report has been archived yet."), icon=":material/info:")
else:
    days = sorted({s.run_day for s in snapshots}, reverse=True)
    chosen_day = st.selectbox(tr("Ngày lập", "Made on"), days, format_func=lambda d: formats.day(d, language))
    for snapshot in (s for s in snapshots if s.run_day == chosen_day):
        manifest = snapshot.manifest
        published = datetime.fromisoformat(manifest["published_at"])
        with st.container(border=True):
            st.markdown(
                f"**{md(manifest['scope'])}** · {md(period_label(manifest['period']))} "
                f"({formats.day(datetime.fromisoformat(manifest['period']['start']).date(), language)} – "
                f"{formats.day(datetime.fromisoformat(manifest['period']['end']).date(), language)})"
            )
            st.caption(tr("dữ liệu đến ", "data as of ") + formats.moment(published, language))
            files = snapshot.files
            columns = st.columns(max(len(files), 1))
            for column, file in zip(columns, files):
                vi, en, icon = FILE_LABELS.get(file.name, (file.name, file.name, ":material/draft:"))
                column.download_button(
                    tr(vi, en),
                    file.read_bytes(),
                    file_name=f"{snapshot.folder.name}-{file.name}",
                    mime=MIME.get(file.suffix, "application/octet-stream"),
                    icon=icon,
                    key=f"{snapshot.folder}/{file.name}",
                )
            for name, reason in manifest.get("failures", {}).items():
                st.warning(md(f"{name}: {reason}"), icon=":material/warning:")

# ------------------------------------------------------------------ schedule

with st.expander(tr("Lịch xuất báo cáo tự động", "Scheduled exports")):
    if exports.enabled:
        st.markdown(
            tr(
                f"Hằng ngày lúc {exports.daily or '—'} (ngày hôm trước) · thứ Hai lúc {exports.weekly or '—'} (tuần trước)"
                f" · ngày {exports.monthly or '—'} (tháng trước); lưu {exports.retention_days} ngày.",
                f"Daily at {exports.daily or '—'} (the day before) · weekly {exports.weekly or '—'} (last week)"
                f" · monthly {exports.monthly or '—'} (last month); kept {exports.retention_days} days.",
            )
        )
    else:
        st.markdown(tr("Đã tắt xuất báo cáo tự động.", "Scheduled exports are turned off."))
    runs = read_runs(archive, limit=30)
    if runs:
        st.dataframe(
            [
                {
                    tr("Lúc", "At"): when(run.get("started_at")),
                    tr("Loại", "Kind"): tr(*KINDS[run["kind"]]) if run.get("kind") in KINDS else run.get("kind") or "",
                    tr("Kỳ báo cáo", "Period"): f"{day_of(run.get('period_start'))} – {day_of(run.get('period_end'))}",
                    tr("Đơn vị", "Unit"): run.get("unit") or tr("Toàn tỉnh", "Province"),
                    tr("Kết quả", "Result"): " ".join(
                        (
                            STATUS.get(run.get("status"), ("", run.get("status"), run.get("status")))[0],
                            STATUS.get(run.get("status"), ("", run.get("status"), run.get("status")))[
                                2 if language == "en" else 1
                            ],
                        )
                    ),
                    tr("Lỗi", "Error"): run.get("error") or "",
                }
                for run in runs
            ],
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption(tr("Chưa có lần xuất tự động nào.", "No scheduled export has run yet."))
