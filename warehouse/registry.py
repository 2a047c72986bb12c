"""Every KPI measure and rate of DESIGN §4, once: its name, labels, kind, which way is
good, what it is a ratio of, how it is written and which target it is held to.

The SQL (`sql/queries/kpi/measures.sql`) computes the numbers; everything that names, orders,
formats, ranks or explains them reads this list: the typed query API, the dashboard's
tiles and tables, the PDF briefing, the CSV/XLSX headers and the `kpi` command. A new
measure is a column in the SQL and an entry here (tests/test_registry.py checks that the
two agree exactly).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["count", "rate", "points"]
Better = Literal["higher", "lower"]


@dataclass(frozen=True)
class Measure:
    key: str  # the column name in `kpi` rows (DESIGN §7)
    vi: str  # one spelling, everywhere it is shown
    en: str
    kind: Kind
    better: Better | None = None  # which way is good; None: neither (a volume)
    numerator: tuple[str, ...] = ()  # a rate: the counts summed above the line...
    denominator: tuple[str, ...] = ()  # ...and below it (some are parts, not shown: `shown=False`)
    target: str | None = None  # its key in the targets file, when it has one
    shown: bool = True  # False: a part of a rate only, not a `kpi` column
    rankable: bool = False  # offered for ranking units on the overview
    less: tuple[str, ...] = ()  # counts taken off the numerator (1 - unsatisfied / rated)
    # what a count counts: only counts of dossiers have a list of them (`warehouse.lists.dossiers`)
    counts: Literal["dossiers", "feedback", "procedures"] = "dossiers"

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi

    @property
    def is_rate(self) -> bool:
        return self.kind == "rate"

    @property
    def format(self) -> str:
        """How a value is written: `ui.formats.rate` (56,8%) or `ui.formats.count` (4.930)."""
        return "rate" if self.kind == "rate" else "count"


def _count(key: str, vi: str, en: str, **options: object) -> Measure:
    return Measure(key, vi, en, "count", **options)  # type: ignore[arg-type]


def _procedure_count(key: str, vi: str, en: str, **options: object) -> Measure:
    # a count of procedures or of agency × procedure pairs, not of dossiers
    return _count(key, vi, en, counts="procedures", **options)


def _rate(
    key: str, vi: str, en: str, numerator: tuple[str, ...], denominator: tuple[str, ...], **options: object
) -> Measure:
    # a rate is held to the target of its own name unless told otherwise (target=None: none)
    options.setdefault("target", key)
    return Measure(key, vi, en, "rate", "higher", numerator, denominator, **options)  # type: ignore[arg-type]


MEASURES: tuple[Measure, ...] = (
    _count("received", "Tiếp nhận", "Received"),
    _count("received_online", "Nộp trực tuyến", "Filed online"),
    _count("received_direct", "Nộp trực tiếp", "Filed in person"),
    _count("received_postal", "Qua bưu chính", "By post"),
    _count("carried_over", "Kỳ trước chuyển qua", "Carried over"),
    _count("resolved", "Đã giải quyết", "Resolved"),
    _count("resolved_early", "Trước hạn", "Early", better="higher"),
    _count("resolved_on_time", "Đúng hạn", "On time", better="higher"),
    _count("resolved_late", "Quá hạn", "Late", better="lower"),
    _count("pending", "Đang giải quyết", "Pending"),
    _count("pending_within_due", "Đang giải quyết trong hạn", "Pending, within due", better="higher"),
    _count(
        "pending_overdue",
        "Đang giải quyết quá hạn",
        "Pending, overdue",
        better="lower",
        target="pending_overdue",
        rankable=True,
    ),
    _count("refused", "Từ chối", "Refused"),
    _rate(
        "online_rate", "Tỷ lệ nộp trực tuyến", "Online-filing rate", ("received_online",), ("received",), rankable=True
    ),
    _rate(
        "online_rate_eligible",
        "Tỷ lệ trực tuyến (DVC toàn trình, một phần)",
        "Online rate (eligible procedures)",
        ("received_online_eligible",),
        ("received_eligible",),
        target=None,
    ),
    _rate(
        "on_time_rate",
        "Tỷ lệ giải quyết đúng hạn",
        "On-time rate",
        ("resolved_early", "resolved_on_time"),
        ("resolved",),
        rankable=True,
    ),
    _rate(
        "on_time_rate_766",
        "Tiến độ giải quyết (QĐ 766)",
        "Progress (Decision 766)",
        ("resolved_early", "resolved_on_time", "pending_within_due"),
        ("resolved", "pending"),
        rankable=True,
    ),
    _rate(
        "digitised_rate",
        "Tỷ lệ số hóa hồ sơ",
        "Digitisation rate",
        ("received_digitised",),
        ("received_digitised_known",),
        rankable=True,
    ),
    _rate(
        "e_result_rate",
        "Tỷ lệ trả kết quả điện tử",
        "Electronic results",
        ("resolved_with_e_result",),
        ("resolved_needing_paper",),
    ),
    _rate(
        "online_payment_rate",
        "Tỷ lệ thanh toán trực tuyến",
        "Online payment rate",
        ("received_paid_online",),
        ("received_with_fees",),
    ),
    # The parts of rates that are not measures of their own (their files may lack the column).
    _count(
        "received_eligible",
        "Tiếp nhận, TTHC trực tuyến một phần, toàn trình",
        "Received, procedures online in part or in full",
        shown=False,
    ),
    _count(
        "received_online_eligible",
        "Nộp trực tuyến, TTHC trực tuyến một phần, toàn trình",
        "Filed online, procedures online in part or in full",
        shown=False,
    ),
    _count("received_digitised_known", "Tiếp nhận, có thông tin số hóa", "Received, digitisation known", shown=False),
    _count("received_digitised", "Tiếp nhận, có thành phần số hóa", "Received with digitised components", shown=False),
    _count("received_with_fees", "Tiếp nhận, TTHC có phí, lệ phí", "Received, fee-bearing procedures", shown=False),
    _count("received_paid_online", "Thanh toán trực tuyến", "Paid online", shown=False),
    _count(
        "resolved_needing_paper",
        "Đã giải quyết, TTHC trả kết quả giấy",
        "Resolved, procedures with a paper result",
        shown=False,
    ),
    _count(
        "resolved_with_e_result", "Đã giải quyết, có kết quả điện tử", "Resolved with an electronic result", shown=False
    ),
    # v2 (DESIGN §4): satisfaction and feedback counts, the rates of the 766 digitisation and
    # satisfaction items, then their parts.
    _count("rated", "Hồ sơ được đánh giá", "Rated dossiers"),
    _count("rated_unsatisfied", "Đánh giá không hài lòng", "Rated unsatisfied", better="lower"),
    _count("feedback", "Phản ánh, kiến nghị", "Feedback (PAKN)", counts="feedback"),
    _count("feedback_on_time", "PAKN xử lý đúng hạn", "Feedback handled on time", better="higher", counts="feedback"),
    _count("feedback_overdue", "PAKN quá hạn", "Feedback overdue", better="lower", counts="feedback"),
    _rate(
        "reuse_rate",
        "Tỷ lệ tái sử dụng dữ liệu số hóa",
        "Re-used digitised data",
        ("received_reuse",),
        ("received_reuse_known",),
    ),
    _rate(
        "personal_store_rate",
        "Tỷ lệ lấy từ kho dữ liệu cá nhân",
        "Taken from the personal document store",
        ("received_store",),
        ("received_store_known",),
    ),
    _rate(
        "citizen_data_rate",
        "Tỷ lệ khai thác dữ liệu công dân",
        "Citizen data used (VNeID or document store)",
        ("received_citizen_data",),
        ("received_citizen_data_known",),
    ),
    _rate(
        "satisfaction_rate",
        "Tỷ lệ hài lòng",
        "Satisfaction rate",
        ("rated",),
        ("rated",),
        less=("rated_unsatisfied",),
        rankable=True,
    ),
    _rate(
        "dossier_satisfaction_rate",
        "Mức độ hài lòng về hồ sơ (QĐ 766)",
        "Dossier satisfaction (Decision 766)",
        ("resolved", "pending"),
        ("resolved", "pending"),
        less=("dossiers_unhappy",),
    ),
    _rate(
        "feedback_on_time_rate",
        "Tỷ lệ PAKN xử lý đúng hạn",
        "Feedback on-time rate",
        ("feedback_on_time",),
        ("feedback",),
    ),
    _rate(
        "feedback_satisfied_rate",
        "Tỷ lệ PAKN hài lòng",
        "Feedback satisfied",
        ("feedback_satisfied",),
        ("feedback",),
        target=None,
    ),
    _count("received_reuse_known", "Tiếp nhận, có thông tin tái sử dụng", "Received, re-use known", shown=False),
    _count(
        "received_reuse", "Tiếp nhận, có tái sử dụng dữ liệu số hóa", "Received re-using digitised data", shown=False
    ),
    _count("received_store_known", "Tiếp nhận, có thông tin kho DMQG", "Received, document store known", shown=False),
    _count("received_store", "Tiếp nhận, lấy từ kho DMQG", "Received from the document store", shown=False),
    _count(
        "received_citizen_data_known",
        "Tiếp nhận, có thông tin dữ liệu công dân",
        "Received, citizen data known",
        shown=False,
    ),
    _count("received_citizen_data", "Tiếp nhận, có dữ liệu công dân", "Received with citizen data", shown=False),
    _count(
        "dossiers_unhappy",
        "Hồ sơ trễ hạn, không hài lòng hoặc bị phản ánh",
        "Dossiers late, unsatisfied or named by feedback",
        better="lower",
        shown=False,
    ),
    _count(
        "feedback_satisfied",
        "PAKN đúng hạn, không bị phản đối",
        "Feedback on time and not disputed",
        shown=False,
        counts="feedback",
    ),
    # Online services (DESIGN §4 v2): procedures and agency × procedure pairs in competence.
    _procedure_count("procedures", "TTHC thuộc thẩm quyền", "Procedures in competence"),
    _procedure_count("procedures_full", "TTHC trực tuyến toàn trình", "Procedures fully online", better="higher"),
    _procedure_count("procedures_partial", "TTHC trực tuyến một phần", "Procedures partly online"),
    _procedure_count(
        "procedures_eligible_full", "TTHC đủ điều kiện toàn trình", "Procedures eligible to be fully online"
    ),
    _procedure_count("online_services", "Dịch vụ công trực tuyến", "Online services"),
    _procedure_count(
        "online_services_used", "Dịch vụ công trực tuyến có phát sinh hồ sơ", "Online services used", better="higher"
    ),
    _rate(
        "online_service_rate",
        "Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến",
        "Procedures offered online",
        ("procedures_full", "procedures_partial"),
        ("procedures",),
        rankable=True,
    ),
    _rate(
        "full_online_rate",
        "Tỷ lệ TTHC đủ điều kiện đã cung cấp toàn trình",
        "Eligible procedures fully online",
        ("procedures_full_eligible",),
        ("procedures_eligible_full",),
    ),
    _rate(
        "online_service_use_rate",
        "Tỷ lệ dịch vụ công trực tuyến có phát sinh hồ sơ",
        "Online services in use",
        ("online_services_used",),
        ("online_services",),
        rankable=True,
    ),
    _rate(
        "fee_procedures_paid_rate",
        "Tỷ lệ TTHC có phí được thanh toán trực tuyến",
        "Fee-bearing procedures paid online",
        ("fee_procedures_paid",),
        ("fee_procedures",),
    ),
    _procedure_count(
        "procedures_full_eligible",
        "TTHC đủ điều kiện, đã cung cấp toàn trình",
        "Eligible procedures offered fully online",
        shown=False,
    ),
    _procedure_count(
        "fee_procedures", "TTHC có phí, lệ phí thuộc thẩm quyền", "Fee-bearing procedures in competence", shown=False
    ),
    _procedure_count(
        "fee_procedures_paid",
        "TTHC có phí có hồ sơ thanh toán trực tuyến",
        "Fee-bearing procedures with a dossier paid online",
        shown=False,
    ),
)

BY_KEY: dict[str, Measure] = {m.key: m for m in MEASURES}
# The columns of `kpi` rows, in this order (DESIGN §7): counts, then rates.
COUNTS: tuple[str, ...] = tuple(m.key for m in MEASURES if m.shown and m.kind == "count")
# the counts whose dossiers can be listed (sql/queries/dossiers.sql): not the PAKN counts
DOSSIER_COUNTS: tuple[str, ...] = tuple(key for key in COUNTS if BY_KEY[key].counts == "dossiers")
RATES: tuple[str, ...] = tuple(m.key for m in MEASURES if m.shown and m.kind == "rate")
PARTS: tuple[str, ...] = tuple(m.key for m in MEASURES if not m.shown)
WITH_TARGETS: tuple[str, ...] = tuple(m.key for m in MEASURES if m.shown and m.target)
# rates first: the overview offers them in this order
RANKABLE: tuple[str, ...] = tuple(m.key for m in sorted(MEASURES, key=lambda m: not m.is_rate) if m.rankable)


def measure(key: str) -> Measure:
    return BY_KEY[key]


def is_rate(key: str) -> bool:
    found = BY_KEY.get(key)
    return found is not None and found.is_rate


def lower_is_better(key: str) -> bool:
    found = BY_KEY.get(key)
    return found is not None and found.better == "lower"


def ratio(key: str, row: dict) -> tuple[int | None, int | None]:
    """What a rate of `row` divides (a `kpi(..., parts=True)` row): numerator, denominator."""
    found = BY_KEY[key]

    def total(columns: tuple[str, ...]) -> int | None:
        values = [row.get(column) for column in columns]
        return None if any(v is None for v in values) else int(sum(values))

    numerator, less = total(found.numerator), total(found.less)
    return (None if numerator is None or less is None else numerator - less), total(found.denominator)


# The word before a target, on every screen and report ("Chỉ tiêu ≥ 95,0%"): the term of
# the province's plans; one spelling, so a tile and the briefing never disagree.
TARGET_WORD = {"vi": "Chỉ tiêu", "en": "Target"}


def target_word(lang: str = "vi") -> str:
    return TARGET_WORD["en" if lang == "en" else "vi"]


def target_column(key: str) -> str:
    """The column `kpi --with-targets` puts beside a measure: `online_rate_target`."""
    return f"{key}_target"
