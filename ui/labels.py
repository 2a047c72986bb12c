"""The names of measures, levels and channels in both languages, and which way is good."""

from __future__ import annotations

from ui.formats import Lang

KPI_LABELS: dict[str, tuple[str, str]] = {
    "received": ("Tiếp nhận", "Received"),
    "received_online": ("Nộp trực tuyến", "Filed online"),
    "received_direct": ("Nộp trực tiếp", "Filed in person"),
    "received_postal": ("Qua bưu chính", "By post"),
    "carried_over": ("Kỳ trước chuyển qua", "Carried over"),
    "resolved": ("Đã giải quyết", "Resolved"),
    "resolved_early": ("Trước hạn", "Early"),
    "resolved_on_time": ("Đúng hạn", "On time"),
    "resolved_late": ("Quá hạn", "Late"),
    "pending": ("Đang giải quyết", "Pending"),
    "pending_within_due": ("Đang giải quyết trong hạn", "Pending, within due"),
    "pending_overdue": ("Đang giải quyết quá hạn", "Pending, overdue"),
    "refused": ("Từ chối", "Refused"),
    "online_rate": ("Tỷ lệ nộp trực tuyến", "Online-filing rate"),
    "online_rate_eligible": ("Tỷ lệ trực tuyến (DVC toàn trình, một phần)", "Online rate (eligible procedures)"),
    "on_time_rate": ("Tỷ lệ giải quyết đúng hạn", "On-time rate"),
    "on_time_rate_766": ("Tiến độ giải quyết (QĐ 766)", "Progress (Decision 766)"),
    "digitised_rate": ("Tỷ lệ số hoá hồ sơ", "Digitisation rate"),
    "e_result_rate": ("Tỷ lệ trả kết quả điện tử", "Electronic results"),
    "online_payment_rate": ("Tỷ lệ thanh toán trực tuyến", "Online payment rate"),
}
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
}
COUNT_MEASURES = (
    "received", "received_online", "received_direct", "received_postal", "carried_over", "resolved",
    "resolved_early", "resolved_on_time", "resolved_late", "pending", "pending_within_due", "pending_overdue", "refused",
)
RATE_KPIS = ("online_rate", "on_time_rate", "on_time_rate_766", "digitised_rate", "e_result_rate", "online_payment_rate")
# the KPIs a unit can be ranked on, and those a lower value is better for
RANKABLE = ("on_time_rate", "online_rate", "on_time_rate_766", "digitised_rate", "pending_overdue")
LOWER_IS_BETTER = frozenset({"pending_overdue", "resolved_late"})


def label(table: dict[str, tuple[str, str]], key: str, lang: Lang) -> str:
    pair = table.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]


def kpi_label(key: str, lang: Lang) -> str:
    return label(KPI_LABELS, key, lang) if key in KPI_LABELS else label(KEY_LABELS, key, lang)
