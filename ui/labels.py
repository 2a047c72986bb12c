"""The names of measures (from warehouse/registry.py), levels and channels in both languages."""

from __future__ import annotations

from ui.formats import Lang
from warehouse import registry

# the measures' names come from the registry: one spelling on every screen and file
KPI_LABELS: dict[str, tuple[str, str]] = {m.key: (m.vi, m.en) for m in registry.MEASURES}
KEY_LABELS: dict[str, tuple[str, str]] = {
    "unit_code": ("Mã đơn vị", "Unit code"),
    "unit_name": ("Đơn vị", "Unit"),
    "level": ("Cấp", "Level"),
    "field_code": ("Mã lĩnh vực", "Field code"),
    "field_name": ("Lĩnh vực", "Field"),
    "procedure_code": ("Mã thủ tục", "Procedure code"),
    "procedure_name": ("Thủ tục", "Procedure"),
    "period_start": ("Từ ngày", "From"),
    "period_end": ("Đến ngày", "To"),
    "dossier_code": ("Mã hồ sơ", "Dossier code"),
    "agency_code": ("Mã cơ quan", "Agency code"),
    "agency_name": ("Cơ quan tiếp nhận", "Receiving agency"),
    "channel": ("Kênh nộp", "Channel"),
    "status": ("Trạng thái", "Status"),
    "received_date": ("Ngày tiếp nhận", "Date received"),
    "due_date": ("Ngày hẹn trả", "Due date"),
    "finished_date": ("Ngày kết thúc", "Date finished"),
    "resolution_class": ("Kết quả", "Outcome"),
    "state": ("Tình trạng", "State"),
    "days_overdue": ("Số ngày làm việc quá hạn", "Working days overdue"),
    "overdue": ("Đang quá hạn", "Overdue"),
    "due_soon": ("Sắp đến hạn", "Due soon"),
    "max_days_overdue": ("Quá hạn lâu nhất (ngày)", "Longest overdue (days)"),
    "group_by": ("Nhóm", "Group"),
    "comparable": ("So sánh được", "Comparable"),
    "note": ("Ghi chú", "Note"),
    # the online-services page's lists (warehouse/online_services.py)
    "online_level": ("Mức độ DVCTT", "Online level"),
    "fully_online_unused": ("Toàn trình, chưa có hồ sơ trực tuyến", "Fully online, no online dossier"),
    "agency_level": ("Cấp", "Level"),
    # the satisfaction page's open feedback (PAKN) list (warehouse/lists.py open_feedback)
    "feedback_code": ("Mã PAKN", "Feedback code"),
    "deadline": ("Hạn xử lý", "Deadline"),
    "handled_date": ("Ngày xử lý xong", "Date handled"),
    "days_left": ("Số ngày làm việc còn lại", "Working days left"),
    "days_late": ("Số ngày làm việc trễ hạn", "Working days late"),
    # the data-health page's tables (warehouse/health.py, sql/queries/)
    "run_id": ("Mã lần nạp", "Run"),
    "source": ("Nguồn", "Source"),
    "started_at": ("Bắt đầu", "Started"),
    "finished_at": ("Kết thúc", "Finished"),
    "rows": ("Số dòng", "Rows"),
    "files": ("Số tệp", "Files"),
    "error": ("Lỗi", "Error"),
    "loaded_at": ("Nạp lúc", "Loaded at"),
    "file_name": ("Tệp", "File"),
    "kind": ("Loại", "Kind"),
    "line": ("Dòng", "Line"),
    "reason": ("Lý do", "Reason"),
    "record": ("Nội dung dòng", "Row content"),
    "reporting_unit": ("Đơn vị báo cáo", "Reporting unit"),
    "label": ("Chỉ tiêu trên biểu", "Row label"),
    "problem": ("Sai lệch", "Problem"),
    "code": ("Mã", "Code"),
    "name": ("Tên", "Name"),
    "area_code": ("Mã đơn vị hành chính", "Area code"),
    "last_seen": ("Gặp lần cuối", "Last seen"),
    "refers_to": ("Tham chiếu tới (chưa nạp)", "Refers to (not loaded)"),
    "codes": ("Số mã", "Codes"),
    "examples": ("Ví dụ", "Examples"),
    # the Decision 766 scorecard (pages/index766.py, ui/scorecard.py)
    "indicator": ("Mã chỉ số", "Code"),
    "indicator_name": ("Chỉ số", "Indicator"),
    "group": ("Mã nhóm", "Group code"),
    "group_name": ("Nhóm chỉ số", "Group"),
    "index_rate": ("Tỷ lệ", "Rate"),
    "numerator": ("Tử số", "Numerator"),
    "denominator": ("Mẫu số", "Denominator"),
    "points": ("Điểm", "Points"),
    "max_points": ("Điểm tối đa", "Maximum"),
    "max_available": ("Điểm tính được", "Points available"),
    "points_lost": ("Điểm bị mất", "Points lost"),
    "points_rate": ("Tỷ lệ điểm đạt (trên điểm tính được)", "Share of available points"),
    "index_source": ("Nguồn số liệu", "Source"),
    "published_points": ("Điểm công bố", "Published points"),
    "difference": ("Chênh lệch (tự tính − công bố)", "Difference (ours − published)"),
    "rank": ("Hạng", "Rank"),
}
# an ingest run's outcome (warehouse/health.py) and the kinds of rows the health tables list
RUN_STATUSES: dict[str, tuple[str, str]] = {
    "ok": ("Thành công", "Succeeded"),
    "failed": ("Lỗi", "Failed"),
    "running": ("Đang chạy", "Running"),
    "partial": ("Chưa đủ", "Partial"),
    "stopped": ("Đã dừng", "Stopped"),
}
ROW_KINDS: dict[str, tuple[str, str]] = {
    "agency": ("Cơ quan", "Agency"),
    "form06a": ("Biểu 06a", "Form 06a"),
    "dossiers": ("Hồ sơ", "Dossiers"),
    "agencies": ("Cơ quan", "Agencies"),
    "procedures": ("Thủ tục", "Procedures"),
    "ratings": ("Đánh giá hài lòng", "Ratings"),
    "feedback": ("Phản ánh, kiến nghị", "Feedback (PAKN)"),
    "index766": ("Chỉ số 766 công bố", "Published 766 index"),
}
LEVELS: dict[str, tuple[str, str]] = {
    "province": ("Cấp tỉnh", "Province"),
    "district": ("Cấp huyện", "District"),
    "commune": ("Cấp xã", "Commune"),
}
CHANNELS: dict[str, tuple[str, str]] = {
    "online": ("Trực tuyến", "Online"),
    "direct": ("Trực tiếp", "In person"),
    "postal": ("Bưu chính", "Post"),
}
STATES: dict[str, tuple[str, str]] = {
    "overdue": ("Quá hạn", "Overdue"),
    "due_soon": ("Sắp đến hạn", "Due soon"),
    "early": ("Trước hạn", "Early"),
    "on_time": ("Đúng hạn", "On time"),
    "late": ("Quá hạn", "Late"),
    # a feedback (PAKN) of the open list
    "open": ("Đang xử lý, trong hạn", "Open, within the deadline"),
    "open_overdue": ("Đang xử lý, quá hạn", "Open, overdue"),
    "handled_late": ("Đã xử lý, trễ hạn", "Handled late"),
}
# the rows of a snapshot's KPI extract (reports/extracts.py)
GROUPS: dict[str, tuple[str, str]] = {
    "total": ("Tổng cộng", "Total"),
    "area": ("Theo địa bàn", "By area"),
    "field": ("Theo lĩnh vực", "By field"),
}
# where a Decision 766 indicator's points come from (warehouse/index766.py)
INDEX_SOURCES: dict[str, tuple[str, str]] = {
    "computed": ("Tự tính", "Computed"),
    "published": ("Số liệu công bố", "Published"),
    "unavailable": ("Chưa có dữ liệu", "No data yet"),
}
# columns of Decision 766 points: one decimal (74,6), never rounded to a whole number
POINT_COLUMNS = frozenset({"points", "max_points", "max_available", "points_lost", "published_points"})
# columns holding codes that a label in the reader's language stands for (tables, downloads, extracts)
VALUE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "level": LEVELS,
    "agency_level": LEVELS,
    "channel": CHANNELS,
    "state": STATES,
    "resolution_class": STATES,
    "group_by": GROUPS,
    "index_source": INDEX_SOURCES,
}
COUNT_MEASURES = registry.DOSSIER_COUNTS
RATE_KPIS = registry.RATES
# the KPIs a unit can be ranked on, and those a lower value is better for
RANKABLE = registry.RANKABLE
LOWER_IS_BETTER = frozenset(m.key for m in registry.MEASURES if m.better == "lower")


def label(table: dict[str, tuple[str, str]], key: str, lang: Lang) -> str:
    pair = table.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]


def kpi_label(key: str, lang: Lang) -> str:
    measure = key.removesuffix("_target")
    if measure != key and measure in KPI_LABELS:  # `kpi(..., targets=)` columns
        return f"{registry.target_word(lang)}: {label(KPI_LABELS, measure, lang)}"
    return label(KPI_LABELS, key, lang) if key in KPI_LABELS else label(KEY_LABELS, key, lang)


# The notes of figures on today's units (warehouse/current_units.py, warehouse/reference/
# conversion.py) are written in English once; a Vietnamese reader gets them in Vietnamese.
NOTE_PHRASES_VI = (
    (
        "the old districts' own one-stops: no successor commune, counted in the province's totals only",
        "bộ phận một cửa của huyện cũ: không có xã kế thừa, chỉ tính vào tổng của tỉnh",
    ),
    (
        "pre-reform communes split by the reform (or missing from the conversion table): "
        "counted in the province's totals only",
        "xã cũ bị chia tách khi sắp xếp (hoặc không có trong bảng chuyển đổi): chỉ tính vào tổng của tỉnh",
    ),
    (
        "no pre-reform commune went into it (made from a district without communes)",
        "không có xã cũ nào nhập vào (lập từ huyện không có xã)",
    ),
    (" was split between ", " bị chia tách vào "),
    (
        "the unit cannot be read on the same units a year earlier",
        "không đọc được đơn vị trên cùng địa giới của năm trước",
    ),
)


def note_text(note: str | None, lang: Lang) -> str:
    """A comparability note in the reader's language ("" when there is none)."""
    if not note:
        return ""
    if lang == "en":
        return note
    for english, vietnamese in NOTE_PHRASES_VI:
        note = note.replace(english, vietnamese)
    return note
