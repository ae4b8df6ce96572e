"""The working-day calendar: statutory holidays, make-up working days, office hours, overrides."""

from datetime import date, datetime, timedelta

import pytest

from jishi.core import calendar
from jishi.core.calendar import TZ
from jishi.core.models import CalendarDay

pytestmark = pytest.mark.django_db


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


def test_national_day_2026_is_a_week_off_with_make_up_days_on_sunday_sept_20_and_saturday_oct_10():
    assert not any(calendar.is_workday(date(2026, 10, d)) for d in range(1, 8))
    assert calendar.is_workday(date(2026, 9, 20))  # Sunday, make-up working day
    assert calendar.is_workday(date(2026, 10, 10))  # Saturday, make-up working day
    assert not calendar.is_workday(date(2026, 10, 11))  # an ordinary Sunday


def test_spring_festival_2026_holidays_and_make_up_saturdays():
    assert not any(calendar.is_workday(date(2026, 2, d)) for d in range(15, 24))
    assert calendar.is_workday(date(2026, 2, 14)) and calendar.is_workday(date(2026, 2, 28))


def test_working_days_skip_the_national_day_week_and_count_the_make_up_saturday():
    start = at(2026, 9, 30, 10, 0)
    assert calendar.add_working_days(start, 1) == at(2026, 10, 8, 17, 30)
    assert calendar.add_working_days(start, 3) == at(2026, 10, 10, 17, 30)
    assert calendar.add_working_days(start, 4) == at(2026, 10, 12, 17, 30)


def test_working_hours_stop_at_closing_time_and_resume_after_the_holiday():
    assert calendar.add_working_hours(at(2026, 9, 30, 16, 30), 2) == at(2026, 10, 8, 9, 30)


def test_working_hours_skip_the_lunch_break():
    assert calendar.add_working_hours(at(2026, 11, 23, 11, 30), 1) == at(2026, 11, 23, 14, 0)


def test_working_hours_before_spring_festival_run_into_the_make_up_saturday():
    assert calendar.add_working_hours(at(2026, 2, 13, 17, 0), 2) == at(2026, 2, 14, 10, 0)
    assert calendar.add_working_days(at(2026, 2, 14, 9, 0), 1) == at(2026, 2, 24, 17, 30)


def test_working_time_between_counts_only_office_hours():
    assert calendar.working_time_between(at(2026, 9, 30, 12, 0), at(2026, 10, 8, 12, 0)) == timedelta(hours=7.5)
    assert calendar.working_time_between(at(2026, 10, 8, 12, 0), at(2026, 9, 30, 12, 0)) == -timedelta(hours=7.5)


def test_an_admin_override_wins_over_the_statutory_calendar(db):
    assert calendar.add_working_days(at(2026, 9, 30, 10, 0), 1) == at(2026, 10, 8, 17, 30)
    CalendarDay.objects.create(date=date(2026, 10, 8), is_workday=False, note="防汛调休")
    assert not calendar.is_workday(date(2026, 10, 8))
    assert calendar.add_working_days(at(2026, 9, 30, 10, 0), 1) == at(2026, 10, 9, 17, 30)
    CalendarDay.objects.create(date=date(2026, 10, 3), is_workday=True, note="应急加班")
    assert calendar.add_working_days(at(2026, 9, 30, 10, 0), 1) == at(2026, 10, 3, 17, 30)


@pytest.mark.django_db
def test_a_year_the_holiday_package_does_not_know_falls_back_to_weekdays_and_admin_days_still_win():
    """chinesecalendar raises NotImplementedError beyond the years it ships; time limits keep working
    (Monday–Friday) until an admin enters that year's holidays as CalendarDay rows."""
    calendar.clear_cache()
    assert calendar.is_workday(date(2099, 6, 1))  # a Monday
    assert not calendar.is_workday(date(2099, 6, 6))  # a Saturday
    CalendarDay.objects.create(date=date(2099, 6, 1), is_workday=False, note="端午节")
    calendar.clear_cache()
    assert not calendar.is_workday(date(2099, 6, 1))
