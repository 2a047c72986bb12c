"""Working days: Vietnam's national calendar (the `holidays` package) plus the provincial file.

Days off the package gives (holidays==0.109), used below:
    2025  Fri 02/05 off, swapped with Saturday 26/04, which is worked; Wed 30/04, Thu 01/05 off
    2026  Tue 24/11 off (Vietnam Cultural Day, from 2026)
    2027  Tết: Thu 04/02 to Wed 10/02 off (29 Tết to mùng năm); no day off from 11/02 to 26/02
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, run_main, run_module
from streamlit.testing.v1 import AppTest

from warehouse.calendar import CalendarDay, OverrideProblem, WorkingCalendar, load_calendar, province_problems


def province_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "calendar_province.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def national(tmp_path: Path) -> WorkingCalendar:
    return load_calendar(province_file(tmp_path, ""))


# ------------------------------------------------------------------ the national calendar


def test_tet_2027_is_off_from_4_to_10_february(national):
    days = [date(2027, 2, 3) + timedelta(days=n) for n in range(9)]  # Wed 3 .. Thu 11
    assert [national.is_working(d) for d in days] == [True] + [False] * 7 + [True]


def test_2025_swap_fri_2_may_off_and_sat_26_april_worked(national):
    assert not national.is_working(date(2025, 5, 2))
    assert national.is_working(date(2025, 4, 26))


def test_vietnam_cultural_day_2026_is_off(national):
    assert not national.is_working(date(2026, 11, 24))


def test_days_name_the_make_up_saturday_and_the_day_it_pays_for(national):
    days = {d.day: d for d in national.days(2025)}
    assert days[date(2025, 4, 26)] == CalendarDay(
        date(2025, 4, 26), True, "Làm bù cho ngày nghỉ 02/05/2025", "national"
    )
    assert days[date(2025, 5, 2)] == CalendarDay(
        date(2025, 5, 2), False, "Ngày nghỉ (thay cho ngày 26/04/2025)", "national"
    )


# ------------------------------------------------------------------ working-day arithmetic


def test_overdue_across_tet_2027(national):
    # Due Wed 03/02/2027, read on Fri 12/02: of (03/02, 12/02], Thu 4 and Fri 5 are Tết,
    # Sat 6 and Sun 7 the weekend, Mon 8 to Wed 10 Tết; Thu 11 and Fri 12 are worked → 2.
    assert national.between(date(2027, 2, 3), date(2027, 2, 12)) == 2


def test_overdue_column_across_tet_2027(national):
    due = np.array(["2027-01-29", "2027-02-11", "2027-02-15"], dtype="datetime64[D]")
    # as of Fri 12/02/2027:
    #   due Fri 29/01: Mon 1, Tue 2, Wed 3 February, then Thu 11 and Fri 12 → 5
    #   due Thu 11/02: Fri 12 → 1
    #   due Mon 15/02, not yet due: minus the working days of (12/02, 15/02], Mon 15 → -1
    assert national.between_many(due, date(2027, 2, 12)).tolist() == [5, 1, -1]


def test_a_make_up_saturday_counts_as_a_working_day(national):
    # (Fri 25/04/2025, Mon 05/05]: Sat 26 (make-up), Mon 28, Tue 29 worked; Wed 30/04,
    # Thu 01/05, Fri 02/05 off; Sat 3, Sun 4 weekend; Mon 5 worked → 4
    assert national.between(date(2025, 4, 25), date(2025, 5, 5)) == 4


def test_due_soon_across_tet_2027(national):
    # three working days after Wed 03/02/2027: Thu 11, Fri 12, Mon 15 February
    assert national.add(date(2027, 2, 3), 3) == date(2027, 2, 15)


def test_pakn_deadline_is_the_15th_working_day_after_receipt(national):
    # received Fri 29/01/2027: Mon 1 to Wed 3 Feb (3), Tết to Wed 10, Thu 11 and Fri 12 (5),
    # Mon 15 to Fri 19 (10), Mon 22 to Fri 26 (15) → Fri 26/02/2027
    assert national.nth_working_day_after(date(2027, 1, 29), 15) == date(2027, 2, 26)


def test_first_working_day_after_a_weekend_day_is_monday(national):
    # "after Saturday 06/03/2027": Sun 7 is off, Mon 8 March is the first working day
    assert national.nth_working_day_after(date(2027, 3, 6), 1) == date(2027, 3, 8)


# ------------------------------------------------------------------ the provincial file


ADDITION_AND_REMOVALS = """
[[day_off]]
date = "2027-03-15"
name = "Nghỉ theo Quyết định 123/QĐ-UBND"

[[working_day]]
date = "2027-03-20"
name = "Làm bù cho ngày 15/03/2027"

[[working_day]]
date = 2027-11-24
name = "Tỉnh làm việc ngày Văn hóa"
"""


def test_a_provincial_addition_is_a_day_off(tmp_path):
    calendar = load_calendar(province_file(tmp_path, ADDITION_AND_REMOVALS))
    assert not calendar.is_working(date(2027, 3, 15))  # a Monday
    assert CalendarDay(date(2027, 3, 15), False, "Nghỉ theo Quyết định 123/QĐ-UBND", "province") in calendar.days(2027)


def test_a_provincial_removal_of_a_saturday_makes_a_make_up_day(tmp_path):
    calendar = load_calendar(province_file(tmp_path, ADDITION_AND_REMOVALS))
    assert calendar.is_working(date(2027, 3, 20))
    assert CalendarDay(date(2027, 3, 20), True, "Làm bù cho ngày 15/03/2027", "province") in calendar.days(2027)


def test_a_provincial_removal_of_a_national_day_off_makes_it_an_ordinary_weekday(tmp_path):
    calendar = load_calendar(province_file(tmp_path, ADDITION_AND_REMOVALS))
    assert calendar.is_working(date(2027, 11, 24))  # Vietnam Cultural Day, a Wednesday
    assert date(2027, 11, 24) not in [d.day for d in calendar.days(2027)]


def test_overdue_skips_a_provincial_day_off(tmp_path):
    calendar = load_calendar(province_file(tmp_path, ADDITION_AND_REMOVALS))
    # due Fri 12/03/2027, read on Mon 15/03: Sat, Sun weekend, Mon 15 the province's day off → 0
    # (nationally 1)
    assert calendar.between(date(2027, 3, 12), date(2027, 3, 15)) == 0


def test_overdue_counts_a_provincial_make_up_saturday(tmp_path):
    calendar = load_calendar(province_file(tmp_path, ADDITION_AND_REMOVALS))
    # due Fri 19/03/2027, read on Mon 22/03: Sat 20 worked, Sun 21 off, Mon 22 worked → 2
    # (nationally 1)
    assert calendar.between(date(2027, 3, 19), date(2027, 3, 22)) == 2


def test_days_off_left_in_the_targets_file_are_provincial_additions(tmp_path, monkeypatch):
    targets = tmp_path / "targets.toml"
    targets.write_text('[calendar]\nholidays = ["2027-03-15"]\n', encoding="utf-8")
    monkeypatch.setenv("IOC_TARGETS", str(targets))
    calendar = load_calendar(province_file(tmp_path, ""))
    assert not calendar.is_working(date(2027, 3, 15))
    assert [d.source for d in calendar.days(2027) if d.day == date(2027, 3, 15)] == ["province"]


# ------------------------------------------------------------------ slips the data-health page shows


def test_a_date_named_twice_is_a_problem(tmp_path):
    calendar = load_calendar(
        province_file(
            tmp_path,
            """
[[day_off]]
date = "2027-03-15"
[[day_off]]
date = "2027-03-15"
""",
        )
    )
    assert province_problems(calendar) == [OverrideProblem(date(2027, 3, 15), "repeated")]


def test_a_day_off_on_a_day_already_off_is_a_problem(tmp_path):
    # Mon 08/02/2027 is Tết already
    calendar = load_calendar(province_file(tmp_path, '[[day_off]]\ndate = "2027-02-08"\n'))
    assert province_problems(calendar) == [OverrideProblem(date(2027, 2, 8), "already_off")]


def test_removing_a_day_that_is_not_off_is_a_problem(tmp_path):
    # Wed 17/03/2027 is an ordinary working day
    calendar = load_calendar(province_file(tmp_path, '[[working_day]]\ndate = "2027-03-17"\n'))
    assert province_problems(calendar) == [OverrideProblem(date(2027, 3, 17), "not_off")]


def test_sensible_changes_are_no_problem(tmp_path):
    assert province_problems(load_calendar(province_file(tmp_path, ADDITION_AND_REMOVALS))) == []


def test_the_data_health_page_warns_of_a_slip(tmp_path, monkeypatch):
    monkeypatch.setenv("IOC_CALENDAR", str(province_file(tmp_path, '[[day_off]]\ndate = "2027-02-08"\n')))
    monkeypatch.setenv("IOC_WAREHOUSE", str(tmp_path / "empty.duckdb"))
    monkeypatch.chdir(ROOT)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.run()
    app.switch_page("pages/data_health.py")
    app.run()
    assert not app.exception
    assert "Ngày 08/02/2027 được thêm làm ngày nghỉ nhưng vốn đã là ngày nghỉ." in [w.value for w in app.warning]


# ------------------------------------------------------------------ python -m warehouse calendar


def test_calendar_command_json_for_2025(tmp_path):
    done = run_module(
        "warehouse",
        "calendar",
        "--year",
        "2025",
        "--format",
        "json",
        env={"IOC_CALENDAR": str(province_file(tmp_path, ""))},
    )
    assert done.returncode == 0, done.stderr
    national = "national"
    assert json.loads(done.stdout) == [
        {"date": "2025-01-01", "working": False, "name": "Tết Dương lịch", "source": national},
        {"date": "2025-01-27", "working": False, "name": "29 Tết", "source": national},
        {"date": "2025-01-28", "working": False, "name": "Giao thừa Tết Nguyên Đán", "source": national},
        {"date": "2025-01-29", "working": False, "name": "Tết Nguyên Đán", "source": national},
        {"date": "2025-01-30", "working": False, "name": "Mùng hai Tết Nguyên Đán", "source": national},
        {"date": "2025-01-31", "working": False, "name": "Mùng ba Tết Nguyên Đán", "source": national},
        # Sat 01/02 (mùng bốn) is a weekend day anyway: not listed
        {"date": "2025-04-07", "working": False, "name": "Ngày Giỗ Tổ Hùng Vương", "source": national},
        {"date": "2025-04-26", "working": True, "name": "Làm bù cho ngày nghỉ 02/05/2025", "source": national},
        {"date": "2025-04-30", "working": False, "name": "Ngày Chiến thắng", "source": national},
        {"date": "2025-05-01", "working": False, "name": "Ngày Quốc tế Lao động", "source": national},
        {"date": "2025-05-02", "working": False, "name": "Ngày nghỉ (thay cho ngày 26/04/2025)", "source": national},
        {"date": "2025-09-01", "working": False, "name": "Quốc khánh", "source": national},
        {"date": "2025-09-02", "working": False, "name": "Quốc khánh", "source": national},
    ]


def test_calendar_command_marks_the_provinces_days(tmp_path):
    done = run_main(
        "warehouse",
        "calendar",
        "--year",
        "2027",
        "--format",
        "json",
        env={"IOC_CALENDAR": str(province_file(tmp_path, ADDITION_AND_REMOVALS))},
    )
    assert done.returncode == 0, done.stderr
    assert [row for row in json.loads(done.stdout) if row["source"] == "province"] == [
        {"date": "2027-03-15", "working": False, "name": "Nghỉ theo Quyết định 123/QĐ-UBND", "source": "province"},
        {"date": "2027-03-20", "working": True, "name": "Làm bù cho ngày 15/03/2027", "source": "province"},
    ]


def test_calendar_command_with_a_broken_provincial_file_is_one_line(tmp_path):
    done = run_main(
        "warehouse",
        "calendar",
        "--year",
        "2027",
        env={"IOC_CALENDAR": str(province_file(tmp_path, '[[day_off]]\ndate = "15/03/2027"\n'))},
    )
    assert done.returncode == 2
    assert done.stderr.startswith("calendar: the provincial calendar") and len(done.stderr.strip().splitlines()) == 1
