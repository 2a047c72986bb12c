"""The PDF briefing a provincial leader reads on paper or a phone: A4, two pages.

Page 1: the title (unit, period, data time), the KPI tiles against their targets with
the change since the previous period, the twelve-month trend. Page 2: the units ranked
(worst and best), the pending overdue dossiers by agency, the fields.

Fonts are DejaVu Sans from matplotlib's own data directory: a dependency of the project,
so every machine with `pip install -r requirements.txt` renders Vietnamese the same way,
whatever fonts the OS has. Every number goes through `ui.formats` (4.930; 56,8%).
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import polars as pl
from fpdf import FPDF
from fpdf.drawing import DeviceRGB
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from reports.charts import trend_png
from reports.data import ReportData
from ui import formats
from ui import scorecard as card
from ui.tiles import change_text
from warehouse import registry
from warehouse.kpi_targets import meets, target
from warehouse.targets import Targets, load_targets

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT = "DejaVu"
MARGIN = 14.0
CONTENT_WIDTH = 210 - 2 * MARGIN

# Okabe–Ito: the state of a tile is also written in words, never told by colour alone.
GOOD = (0, 158, 115)
BAD = (213, 94, 0)
NEUTRAL = (150, 150, 150)
INK = (34, 34, 34)
MUTED = (100, 100, 100)
ACCENT = (0, 114, 178)
PANEL = (245, 247, 250)
RULE = (210, 214, 220)

# the measures of the ranking's and the fields' tables, in their order
TABLE_MEASURES = ("received", "online_rate", "resolved", "on_time_rate", "pending_overdue")
RANK_SIZE = 5  # worst and best units shown when there are more than 2 × this
# the block "Dịch vụ công trực tuyến và mức độ hài lòng" on page 1
V2_RATES = ("online_service_rate", "online_service_use_rate", "satisfaction_rate", "feedback_on_time_rate")
OVERDUE_AGENCIES = 10
FIELDS_SHOWN = 8


def fpdf_color(r: int, g: int, b: int) -> DeviceRGB:
    return DeviceRGB(r / 255, g / 255, b / 255)


def _t(text: object) -> str:
    # Names may arrive decomposed (NFD); fpdf2 draws precomposed glyphs best.
    return unicodedata.normalize("NFC", str(text))


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    detail: str
    target: str | None
    meets: bool | None
    change: str | None


class _Document(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.footer_text = footer_text
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.add_font(FONT, "I", str(FONT_DIR / "DejaVuSans-Oblique.ttf"))
        self.set_margins(MARGIN, 12, MARGIN)
        self.set_auto_page_break(True, margin=16)
        self.alias_nb_pages()

    def footer(self) -> None:
        self.set_y(-12)
        self.set_draw_color(*RULE)
        self.line(MARGIN, self.get_y() - 1.5, 210 - MARGIN, self.get_y() - 1.5)
        self.set_font(FONT, "", 6.5)
        self.set_text_color(*MUTED)
        self.cell(CONTENT_WIDTH - 16, 4, _t(self.footer_text))
        self.cell(16, 4, f"Trang {self.page_no()}/{{nb}}", align="R")


def write_briefing(data: ReportData, target: Path, targets: Targets | None = None) -> None:
    targets = targets or load_targets()
    period_text = _period_text(data)
    footer = (
        f"{data.scope.label} · {period_text} · dữ liệu đến {formats.moment(data.published_at)}"
        f" (phiên bản {data.version})"
    )
    pdf = _Document(footer)
    pdf.set_title(_t(f"Báo cáo nhanh TTHC — {data.scope.label} — {period_text}"))
    pdf.set_author("IOC — Trung tâm giám sát, điều hành")
    pdf.set_creation_date(data.made_at)

    pdf.add_page()
    _title(pdf, data, period_text)
    _tiles(pdf, _kpi_tiles(data, targets))
    _other_rates(pdf, data, targets)
    _online_and_satisfaction(pdf, data, targets)
    _section(pdf, "Diễn biến 12 tháng")
    png = trend_png(data.trend, targets, data.scope.target_level)
    pdf.image(io.BytesIO(png), x=MARGIN, w=CONTENT_WIDTH)
    _notes(pdf)

    pdf.add_page()
    _index766(pdf, data)
    if data.by_area.height:
        _ranking(pdf, data)
    _overdue(pdf, data)
    _fields(pdf, data)
    pdf.output(str(target))


# ---------------------------------------------------------------------- page 1


def _period_text(data: ReportData) -> str:
    label = data.full_period.label("vi")
    dates = f"{formats.day(data.period.start)} – {formats.day(data.period.end)}"
    if data.full_period.kind in ("range", "week"):
        return ("tuần " if data.full_period.kind == "week" else "") + dates
    if data.full_period.kind == "day":
        return label
    clipped = " (đến nay)" if data.period.end < data.full_period.end else ""
    return f"{label}{clipped}, {dates}"


def _title(pdf: FPDF, data: ReportData, period_text: str) -> None:
    pdf.set_text_color(*MUTED)
    pdf.set_font(FONT, "", 7.5)
    pdf.cell(CONTENT_WIDTH / 2, 4, "TRUNG TÂM GIÁM SÁT, ĐIỀU HÀNH THÔNG MINH (IOC)")
    pdf.cell(
        CONTENT_WIDTH / 2,
        4,
        _t(f"Dữ liệu đến {formats.moment(data.published_at)}"),
        align="R",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.cell(
        CONTENT_WIDTH,
        3.5,
        _t(f"Lập lúc {formats.moment(data.made_at)}"),
        align="R",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(3)
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "B", 14)
    pdf.cell(
        CONTENT_WIDTH, 7, "BÁO CÁO NHANH TÌNH HÌNH GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.set_font(FONT, "B", 11.5)
    pdf.set_text_color(*ACCENT)
    pdf.multi_cell(CONTENT_WIDTH, 6, _t(f"{data.scope.label} · {period_text}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(*MUTED)
    previous = f"{formats.day(data.previous.start)} – {formats.day(data.previous.end)}"
    pdf.cell(CONTENT_WIDTH, 5, _t(f"So sánh với kỳ trước: {previous}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if line := year_on_year_line(data):
        pdf.multi_cell(CONTENT_WIDTH, 4, _t(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.6)
    pdf.line(MARGIN, pdf.get_y() + 1, 210 - MARGIN, pdf.get_y() + 1)
    pdf.set_line_width(0.2)
    pdf.ln(4)


def year_on_year_line(data: ReportData) -> str | None:
    """ "So với cùng kỳ năm 2024 (01/08/2024 – 31/08/2024, theo địa giới mới): Tiếp nhận -12,5% · …",
    or one "—" with the reason when the unit has no comparable past."""
    compared = data.year_on_year
    if compared is None or not data.year_on_year_changes:
        return None
    last = compared.last
    whole_year = last.kind == "year" and last.is_whole
    head = f"So với năm {last.start.year}" if whole_year else f"So với cùng kỳ năm {last.start.year}"
    where = ", theo địa giới mới" if compared.units == "current" else ""
    head += f" ({formats.day(last.start)} – {formats.day(last.end)}{where})"
    notes = {c.note for c in data.year_on_year_changes}
    if all(c.value is None for c in data.year_on_year_changes) and len(notes) == 1 and None not in notes:
        return f"{head}: {change_text(data.year_on_year_changes[0], 'vi')}"
    parts = [f"{_label(c.kpi)} {change_text(c, 'vi', reason=False)}" for c in data.year_on_year_changes]
    return f"{head}: " + " · ".join(parts)


def _count_change(now: int | None, before: int | None) -> str | None:
    if now is None or before is None:
        return None
    delta = int(now) - int(before)
    share = f" ({formats.rate(delta / before)})" if before else ""
    arrow = "▲" if delta > 0 else "▼" if delta < 0 else "="
    return f"{arrow} {formats.signed_count(delta)}{share} so với kỳ trước"


def _rate_change(now: float | None, before: float | None) -> str | None:
    if now is None or before is None:
        return "so với kỳ trước: —"
    delta = now - before
    arrow = "▲" if delta > 0 else "▼" if delta < 0 else "="
    return f"{arrow} {formats.points(delta)} so với kỳ trước"


def _goal(data: ReportData, targets: Targets, kpi: str) -> float | None:
    # the target of the scope's level (DESIGN §4), the same rule as the dashboard's tiles
    return target(targets, kpi, data.scope.target_level, data.period.end.year)


def _label(kpi: str) -> str:
    return registry.measure(kpi).vi


def _cells(row: dict) -> list[str]:
    """A row's TABLE_MEASURES, each written as the registry says (56,8% or 4.930)."""
    return [formats.measure(k, row[k]) for k in TABLE_MEASURES]


def _rate_tile(data: ReportData, targets: Targets, kpi: str, of_what: str) -> Tile:
    """A rate's tile; its detail says what it divides, as the registry defines it: "9 / 16 `of_what`"."""
    value = data.total.get(kpi)
    goal = _goal(data, targets, kpi)
    numerator, denominator = registry.ratio(kpi, data.total)
    return Tile(
        _label(kpi),
        formats.rate(value),
        f"{formats.count(numerator)} / {formats.count(denominator)} {of_what}",
        f"{registry.target_word()} {'≤' if registry.lower_is_better(kpi) else '≥'} {formats.rate(goal)}"
        if goal is not None
        else None,
        meets(kpi, value, goal),
        _rate_change(value, data.previous_total.get(kpi)),
    )


def _kpi_tiles(data: ReportData, targets: Targets) -> list[Tile]:
    t, c = data.total, formats.count
    overdue_goal = _goal(data, targets, "pending_overdue")
    return [
        Tile(
            _label("received"),
            c(t["received"]),
            f"Trực tuyến {c(t['received_online'])} · trực tiếp {c(t['received_direct'])}"
            f" · bưu chính {c(t['received_postal'])}",
            None,
            None,
            _count_change(t["received"], data.previous_total["received"]),
        ),
        _rate_tile(data, targets, "online_rate", "hồ sơ tiếp nhận"),
        Tile(
            _label("resolved"),
            c(t["resolved"]),
            f"Trước hạn {c(t['resolved_early'])} · đúng hạn {c(t['resolved_on_time'])}"
            f" · quá hạn {c(t['resolved_late'])}",
            None,
            None,
            _count_change(t["resolved"], data.previous_total["resolved"]),
        ),
        _rate_tile(data, targets, "on_time_rate", "hồ sơ đã giải quyết"),
        Tile(
            _label("pending"),
            c(t["pending"]),
            f"Trong hạn {c(t['pending_within_due'])} · kỳ trước chuyển sang {c(t['carried_over'])}",
            None,
            None,
            _count_change(t["pending"], data.previous_total["pending"]),
        ),
        Tile(
            _label("pending_overdue"),
            c(t["pending_overdue"]),
            f"đến ngày {formats.day(data.as_of)}",
            f"{registry.target_word()} ≤ {c(overdue_goal)}" if overdue_goal is not None else None,
            meets("pending_overdue", t["pending_overdue"], overdue_goal),
            _count_change(t["pending_overdue"], data.previous_total["pending_overdue"]),
        ),
        _rate_tile(data, targets, "on_time_rate_766", "hồ sơ đã và đang giải quyết (trong hạn / tổng số)"),
        _rate_tile(data, targets, "digitised_rate", "hồ sơ có thông tin số hóa (có thành phần số hóa / tổng số)"),
    ]


def _tiles(pdf: FPDF, tiles: list[Tile]) -> None:
    gap, columns, height = 3.0, 4, 31.0
    width = (CONTENT_WIDTH - gap * (columns - 1)) / columns
    top = pdf.get_y()
    for index, tile in enumerate(tiles):
        x = MARGIN + (index % columns) * (width + gap)
        y = top + (index // columns) * (height + gap)
        _tile(pdf, tile, x, y, width, height)
    pdf.set_xy(MARGIN, top + ((len(tiles) + columns - 1) // columns) * (height + gap))


def _tile(pdf: FPDF, tile: Tile, x: float, y: float, w: float, h: float) -> None:
    state = NEUTRAL if tile.meets is None else GOOD if tile.meets else BAD
    pdf.set_fill_color(*PANEL)
    pdf.rect(x, y, w, h, style="F")
    pdf.set_fill_color(*state)
    pdf.rect(x, y, 1.6, h, style="F")
    inner, left = w - 4.5, x + 3.2
    pdf.set_text_color(*MUTED)
    label = _t(tile.label.upper())
    _fit(pdf, label, inner, 7)  # the registry's labels, whatever their length
    pdf.set_xy(left, y + 2)
    pdf.cell(inner, 3.5, label)
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "B", 17)
    pdf.set_xy(left, y + 6.2)
    pdf.cell(inner, 8, _t(tile.value))
    pdf.set_font(FONT, "", 6)
    pdf.set_text_color(*MUTED)
    pdf.set_xy(left, y + 14.6)
    pdf.multi_cell(inner, 2.8, _t(tile.detail), max_line_height=2.8)
    if tile.target:
        verdict = "" if tile.meets is None else (" · ✓ Đạt" if tile.meets else " · ✗ Chưa đạt")
        _fit(pdf, _t(tile.target + verdict), inner, 6.5)
        pdf.set_text_color(*state)
        pdf.set_xy(left, y + h - 8.2)
        pdf.cell(inner, 3.2, _t(tile.target + verdict))
    if tile.change:
        pdf.set_font(FONT, "", 6)
        pdf.set_text_color(*INK)
        pdf.set_xy(left, y + h - 4.6)
        pdf.cell(inner, 3.2, _t(tile.change))


def _fit(pdf: FPDF, text: str, width: float, size: float) -> None:
    """Bold at `size`, or smaller (down to 5 pt) until `text` fits in `width`."""
    pdf.set_font(FONT, "B", size)
    while pdf.get_string_width(text) > width and size > 5:
        size -= 0.25
        pdf.set_font(FONT, "B", size)


def _other_rates(pdf: FPDF, data: ReportData, targets: Targets) -> None:
    parts = []
    for kpi in ("online_rate_eligible", "online_payment_rate", "e_result_rate"):
        goal = _goal(data, targets, kpi)
        aim = f" (chỉ tiêu {formats.rate(goal)})" if goal is not None else ""
        parts.append(f"{_label(kpi)}: {formats.rate(data.total.get(kpi))}{aim}")
    pdf.set_font(FONT, "", 7.5)
    pdf.set_text_color(*INK)
    pdf.multi_cell(
        CONTENT_WIDTH,
        4,
        _t(" · ".join(parts) + f" · Từ chối tiếp nhận: {formats.count(data.total['refused'])} hồ sơ"),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(1)


def _online_and_satisfaction(pdf: FPDF, data: ReportData, targets: Targets) -> None:
    """One short block: the online-service and satisfaction rates of Decision 766 (groups 3 and 5)."""
    parts = []
    for kpi in V2_RATES:
        goal = _goal(data, targets, kpi)
        aim = f" ({registry.target_word().lower()} {formats.rate(goal)})" if goal is not None else ""
        parts.append(f"{_label(kpi)}: {formats.rate(data.total.get(kpi))}{aim}")
    pdf.set_font(FONT, "B", 7.5)
    pdf.set_text_color(*ACCENT)
    pdf.cell(CONTENT_WIDTH, 4, "Dịch vụ công trực tuyến và mức độ hài lòng", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 7.5)
    pdf.set_text_color(*INK)
    pdf.multi_cell(CONTENT_WIDTH, 4, _t(" · ".join(parts)), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


def _section(pdf: FPDF, title: str) -> None:
    pdf.ln(2)
    pdf.set_font(FONT, "B", 10)
    pdf.set_text_color(*ACCENT)
    pdf.cell(CONTENT_WIDTH, 6, _t(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)


def _notes(pdf: FPDF) -> None:
    pdf.ln(1)
    pdf.set_font(FONT, "I", 6.3)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(
        CONTENT_WIDTH,
        3.1,
        "Cách tính: tỷ lệ trực tuyến = hồ sơ nộp trực tuyến / toàn bộ hồ sơ tiếp nhận (QĐ 766/QĐ-TTg, mục 3.3); "
        "tỷ lệ đúng hạn = (trước hạn + đúng hạn) / đã giải quyết (Biểu II.06a); đúng hạn theo QĐ 766 tính cả hồ sơ "
        "đang giải quyết trong hạn. Hồ sơ quá hạn: chưa giải quyết xong và đã quá ngày hẹn trả tại ngày cuối kỳ. "
        "Ô có vạch màu xanh: đạt chỉ tiêu; màu cam: chưa đạt; màu xám: không có chỉ tiêu. Dấu — : không có số liệu.",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )


# ---------------------------------------------------------------------- page 2


def _table(
    pdf: FPDF,
    headings: list[str],
    widths: list[float],
    rows: list[list[str]],
    *,
    aligns: list[str],
    bold_last: bool = False,
) -> None:
    pdf.set_font(FONT, "", 7)
    pdf.set_text_color(*INK)
    pdf.set_draw_color(*RULE)
    pdf.set_fill_color(*PANEL)
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        align="LEFT",
        text_align=aligns,
        line_height=3.6,
        padding=(0.8, 1.2),
        borders_layout="HORIZONTAL_LINES",
        cell_fill_color=fpdf_color(*PANEL),
        cell_fill_mode="ROWS",
        headings_style=FontFace(emphasis="BOLD", fill_color=(232, 238, 244)),
        v_align="M",
    ) as table:
        header = table.row()
        for heading, align in zip(headings, aligns):
            header.cell(_t(heading), align="L" if align == "L" else "C")
        for number, values in enumerate(rows):
            style = FontFace(emphasis="BOLD") if bold_last and number == len(rows) - 1 else None
            table.row([_t(v) for v in values], style=style)
    pdf.ln(1)


INDEX_LOSSES = 3  # the biggest losses of points the briefing names


def _index766(pdf: FPDF, data: ReportData) -> None:
    """The Decision 766 index: the total against the points available (said in words),
    the six groups, and where the most points are lost."""
    _section(pdf, "Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766)")
    pdf.set_text_color(*INK)
    if data.index766 is None:
        pdf.set_font(FONT, "", 8)
        pdf.multi_cell(
            CONTENT_WIDTH, 4, _t(f"Chưa tính được chỉ số: {data.index766_error}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        return
    rules = card.rules()
    rows = card.unit_rows(data.index766)
    pdf.set_font(FONT, "B", 9)
    pdf.cell(
        CONTENT_WIDTH,
        5,
        _t(f"Tổng điểm: {card.summary(card.total_row(rows), 'vi')}"),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    groups = card.groups_table(rows, rules, "vi").to_dicts()
    width = CONTENT_WIDTH / max(1, len(groups))
    _table(
        pdf,
        [f"{g['group_name']} (tối đa {card.maximum(g['max_points'], 'vi')})" for g in groups],
        [width] * len(groups),
        [[card.out_of(g, "vi") for g in groups]],
        aligns=["C"] * len(groups),
    )
    lost = card.losses(rows, rules, "vi").head(INDEX_LOSSES)
    if lost.height:
        pdf.set_font(FONT, "B", 7.5)
        pdf.cell(CONTENT_WIDTH, 4.5, "Mất nhiều điểm nhất:", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT, "", 7.5)
        for item in lost.iter_rows(named=True):
            pdf.cell(
                CONTENT_WIDTH,
                4,
                _t(
                    f"• {item['indicator']} {item['indicator_name']}: mất {formats.score(item['points_lost'])} điểm "
                    f"({formats.score(item['points'])} / {card.maximum(item['max_points'], 'vi')})"
                ),
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
    pdf.set_font(FONT, "I", 6.5)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(
        CONTENT_WIDTH,
        3.2,
        "Điểm tự tính theo QĐ 766 từ dữ liệu của tỉnh, hoặc số liệu Cổng DVCQG công bố khi không tự tính được; "
        "chỉ số chưa có dữ liệu không được tính điểm (không tính là 0).",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(1)


def _ranking(pdf: FPDF, data: ReportData) -> None:
    # Rank 1 is the best on-time rate; units that resolved nothing have no rate and no rank.
    active = data.by_area.filter((pl.col("received") + pl.col("carried_over")) > 0)
    ranked = (
        active.filter(pl.col("on_time_rate").is_not_null())
        .sort(["on_time_rate", "online_rate"], descending=True, nulls_last=True)
        .with_row_index("rank", offset=1)
    )
    title = f"Xếp hạng đơn vị theo {_label('on_time_rate').lower()}"
    if ranked.height > 2 * RANK_SIZE:
        title += f" ({formats.count(ranked.height)} đơn vị)"
        groups = [
            (f"{RANK_SIZE} đơn vị thấp nhất", ranked.tail(RANK_SIZE).reverse()),
            (f"{RANK_SIZE} đơn vị cao nhất", ranked.head(RANK_SIZE)),
        ]
    else:
        groups = [("", ranked)]
    _section(pdf, title)
    headings = ["Hạng", "Đơn vị", *(_label(k) for k in TABLE_MEASURES)]
    widths = [10, 60, 22, 24, 22, 22, 22]
    aligns = ["R", "L", "R", "R", "R", "R", "R"]
    for caption, part in groups:
        if caption:
            pdf.set_font(FONT, "B", 7.5)
            pdf.set_text_color(*MUTED)
            pdf.cell(CONTENT_WIDTH, 5, _t(caption), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        rows = [
            [str(row["rank"]), row["unit_name"] or row["unit_code"] or "—", *_cells(row)]
            for row in part.iter_rows(named=True)
        ]
        _table(pdf, headings, widths, rows, aligns=aligns)
        pdf.ln(1)
    unranked = active.height - ranked.height
    if unranked:
        pdf.set_font(FONT, "I", 6.5)
        pdf.set_text_color(*MUTED)
        pdf.cell(
            CONTENT_WIDTH,
            4,
            _t(f"{formats.count(unranked)} đơn vị chưa giải quyết hồ sơ nào trong kỳ: không xếp hạng."),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )


def _overdue(pdf: FPDF, data: ReportData) -> None:
    overdue = data.overdue.filter(pl.col("state") == "overdue") if data.overdue.height else data.overdue
    _section(
        pdf, f"Hồ sơ đang giải quyết quá hạn đến ngày {formats.day(data.as_of)}: {formats.count(overdue.height)} hồ sơ"
    )
    if not overdue.height:
        pdf.set_font(FONT, "", 8)
        pdf.cell(CONTENT_WIDTH, 6, "Không có hồ sơ quá hạn.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    by_agency = (
        overdue.group_by("agency_code")
        .agg(
            pl.col("agency_name").first(),
            pl.len().alias("dossiers"),
            pl.col("days_overdue").max().alias("longest"),
            pl.col("days_overdue").mean().alias("mean_days"),
            pl.col("field_name").mode().first().alias("field"),
        )
        .sort("dossiers", "longest", descending=True)
    )
    shown = by_agency.head(OVERDUE_AGENCIES)
    rows = [
        [
            str(i),
            r["agency_name"] or r["agency_code"],
            formats.count(r["dossiers"]),
            formats.count(r["longest"]),
            formats.count(r["mean_days"]),
            r["field"] or "—",
        ]
        for i, r in enumerate(shown.iter_rows(named=True), start=1)
    ]
    rest = by_agency.slice(OVERDUE_AGENCIES)
    if rest.height:
        rows.append(
            [
                "",
                f"Các cơ quan khác ({formats.count(rest.height)})",
                formats.count(rest["dossiers"].sum()),
                formats.count(rest["longest"].max()),
                "",
                "",
            ]
        )
    rows.append(
        [
            "",
            "Tổng cộng",
            formats.count(overdue.height),
            formats.count(overdue["days_overdue"].max()),
            formats.count(overdue["days_overdue"].mean()),
            "",
        ]
    )
    _table(
        pdf,
        [
            "#",
            "Cơ quan tiếp nhận",
            "Số hồ sơ quá hạn",
            "Quá hạn lâu nhất (ngày làm việc)",
            "Quá hạn bình quân (ngày làm việc)",
            "Lĩnh vực nhiều nhất",
        ],
        [8, 60, 22, 26, 26, 40],
        rows,
        aligns=["R", "L", "R", "R", "R", "L"],
        bold_last=True,
    )


def _fields(pdf: FPDF, data: ReportData) -> None:
    fields = data.by_field.filter((pl.col("received") + pl.col("carried_over")) > 0)
    if not fields.height:
        return
    top = fields.sort("received", descending=True).head(FIELDS_SHOWN)
    more = f" ({FIELDS_SHOWN} trên {formats.count(fields.height)} lĩnh vực)" if fields.height > FIELDS_SHOWN else ""
    _section(pdf, f"Lĩnh vực tiếp nhận nhiều hồ sơ nhất{more}")
    rows = [[r["field_name"] or r["field_code"] or "—", *_cells(r)] for r in top.iter_rows(named=True)]
    _table(
        pdf,
        ["Lĩnh vực", *(_label(k) for k in TABLE_MEASURES)],
        [70, 22, 24, 22, 22, 22],
        rows,
        aligns=["L", "R", "R", "R", "R", "R"],
    )
