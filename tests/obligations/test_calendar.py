"""Tests of the business-calendar clock: windows, holidays, makeup days, DST, pauses, bd limits."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from check_compliance.obligations.calendar import BusinessCalendar, CalendarSpec
from check_compliance.obligations.clock import WallClock
from check_compliance.obligations.durations import Limit, parse_limit

UTC = timezone.utc
SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
OFFICE = {"mon-fri": ["09:00-18:00"]}
LUNCH = {"mon-fri": ["09:00-12:00", "13:30-18:00"]}


def calendar(hours: dict[str, Any], zone: str = "Asia/Shanghai", **extra: Any) -> BusinessCalendar:
    return BusinessCalendar(
        CalendarSpec.model_validate({"timezone": zone, "hours": hours, **extra}), "test"
    )


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def hours_of(cal: BusinessCalendar, day: date) -> list[tuple[str, str]]:
    return [
        (s.strftime("%m-%d %H:%M"), e.strftime("%m-%d %H:%M")) for s, e in cal.working_windows(day)
    ]


# -- weekly windows -----------------------------------------------------------------------------


def test_weekend_is_skipped() -> None:
    # Friday 2026-03-06 17:00 + 2 h: one hour on Friday, one on Monday.
    assert calendar(OFFICE).due(sh(2026, 3, 6, 17), parse_limit("2h")) == sh(2026, 3, 9, 10)


def test_lunch_break_is_skipped() -> None:
    assert calendar(LUNCH).due(sh(2026, 3, 2, 11), parse_limit("2h")) == sh(2026, 3, 2, 14, 30)


def test_deadline_landing_on_the_close_stays_there() -> None:
    assert calendar(OFFICE).due(sh(2026, 3, 2, 10), parse_limit("8h")) == sh(2026, 3, 2, 18)
    assert calendar(LUNCH).due(sh(2026, 3, 2, 9), Limit(450, "m")) == sh(2026, 3, 2, 18)


def test_ticket_raised_friday_night_starts_monday_morning() -> None:
    cal = calendar(OFFICE)
    assert cal.due(sh(2026, 3, 6, 23), parse_limit("1h")) == sh(2026, 3, 9, 10)
    assert cal.elapsed(sh(2026, 3, 6, 23), sh(2026, 3, 9, 9)) == timedelta(0)


def test_days_are_24_working_hours() -> None:
    # 3d = 72 working hours = eight 9-hour days from Monday 09:00: through Wednesday of next week.
    assert calendar(OFFICE).due(sh(2026, 3, 2, 9), parse_limit("3d")) == sh(2026, 3, 11, 18)


def test_elapsed_counts_only_working_time() -> None:
    cal = calendar(LUNCH)
    assert cal.elapsed(sh(2026, 3, 2, 8), sh(2026, 3, 3, 10)) == timedelta(hours=8.5)
    assert cal.elapsed(sh(2026, 3, 3, 10), sh(2026, 3, 2, 8)) == timedelta(0)


def test_results_are_in_the_calendars_zone() -> None:
    result = calendar(OFFICE).due(datetime(2026, 3, 2, 1, tzinfo=UTC), parse_limit("1h"))
    assert result.tzinfo == SHANGHAI and result == sh(2026, 3, 2, 10)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware datetime"):
        calendar(OFFICE).due(datetime(2026, 3, 2, 9), parse_limit("1h"))


def test_is_working_includes_the_opening_and_excludes_the_close() -> None:
    cal = calendar(LUNCH)
    assert cal.is_working(sh(2026, 3, 2, 9)) and cal.is_working(sh(2026, 3, 2, 13, 30))
    assert not cal.is_working(sh(2026, 3, 2, 12)) and not cal.is_working(sh(2026, 3, 2, 18))
    assert not cal.is_working(sh(2026, 3, 7, 10))


# -- windows across midnight --------------------------------------------------------------------


def test_window_across_midnight_belongs_to_its_start_day() -> None:
    cal = calendar({"mon-fri": ["22:00-06:00"]})
    assert hours_of(cal, date(2026, 3, 6)) == [("03-06 22:00", "03-07 06:00")]
    assert hours_of(cal, date(2026, 3, 7)) == []
    assert cal.is_working(sh(2026, 3, 7, 5, 59)) and not cal.is_working(sh(2026, 3, 7, 6))
    assert cal.due(sh(2026, 3, 2, 21), parse_limit("3h")) == sh(2026, 3, 3, 1)
    # Saturday 05:00 is in Friday's shift: one hour there, then Monday night.
    assert cal.due(sh(2026, 3, 7, 5), parse_limit("2h")) == sh(2026, 3, 9, 23)


def test_windows_overlapping_across_midnight_are_not_counted_twice() -> None:
    cal = calendar({"mon": ["20:00-04:00"], "tue": ["00:00-08:00"]})
    assert cal.elapsed(sh(2026, 3, 2), sh(2026, 3, 4)) == timedelta(hours=12)
    assert cal.due(sh(2026, 3, 2, 20), parse_limit("12h")) == sh(2026, 3, 3, 8)


def test_whole_day_and_24x7() -> None:
    cal = calendar({"daily": ["00:00-24:00"]}, "Europe/Berlin")
    # 24 real hours across the spring-forward night, not 24 wall-clock hours.
    start = datetime(2026, 3, 28, 12, tzinfo=BERLIN)
    assert cal.due(start, parse_limit("24h")) == datetime(2026, 3, 29, 13, tzinfo=BERLIN)
    assert cal.elapsed(start, datetime(2026, 3, 29, 12, tzinfo=BERLIN)) == timedelta(hours=23)


# -- daylight saving time -----------------------------------------------------------------------


def test_spring_forward_shortens_a_window_over_the_gap() -> None:
    cal = calendar({"daily": ["01:00-04:00"]}, "Europe/Berlin")
    day = date(2026, 3, 29)
    [(opens, closes)] = cal.working_windows(day)
    assert closes - opens == timedelta(hours=3) and closes.astimezone(UTC) - opens.astimezone(
        UTC
    ) == timedelta(hours=2)
    assert cal.elapsed(
        datetime(2026, 3, 29, tzinfo=BERLIN), datetime(2026, 3, 30, tzinfo=BERLIN)
    ) == timedelta(hours=2)
    assert cal.due(datetime(2026, 3, 29, 1, tzinfo=BERLIN), parse_limit("3h")) == datetime(
        2026, 3, 30, 2, tzinfo=BERLIN
    )


def test_fall_back_lengthens_a_window_over_the_repeated_hour() -> None:
    cal = calendar({"daily": ["01:00-04:00"]}, "Europe/Berlin")
    start = datetime(2026, 10, 25, 1, tzinfo=BERLIN)
    assert cal.elapsed(start, datetime(2026, 10, 26, tzinfo=BERLIN)) == timedelta(hours=4)
    due = cal.due(start, parse_limit("4h"))
    assert due == datetime(2026, 10, 25, 3, tzinfo=UTC) and due.utcoffset() == timedelta(hours=1)
    assert cal.due(start, parse_limit("3h")) == datetime(2026, 10, 25, 2, tzinfo=UTC)  # 03:00 CET


def test_office_hours_across_a_dst_weekend() -> None:
    cal = calendar(OFFICE, "Europe/Berlin")
    due = cal.due(datetime(2026, 3, 27, 17, tzinfo=BERLIN), parse_limit("2h"))
    assert due == datetime(2026, 3, 30, 10, tzinfo=BERLIN) and due.utcoffset() == timedelta(hours=2)


# -- holidays -----------------------------------------------------------------------------------


def test_holiday_at_the_start() -> None:
    # National Day week 2026: 1-7 October off (the 10th, a Saturday, is a makeup workday).
    cal = calendar(LUNCH, holidays={"country": "CN"})
    assert cal.due(sh(2026, 10, 1, 10), parse_limit("1h")) == sh(2026, 10, 8, 10)
    assert calendar(LUNCH).due(sh(2026, 10, 1, 10), parse_limit("1h")) == sh(2026, 10, 1, 11)


def test_cn_makeup_saturday_is_a_working_day() -> None:
    cal = calendar(OFFICE, holidays={"country": "CN"})
    assert cal.is_working(sh(2026, 2, 28, 10))
    assert cal.due(sh(2026, 2, 27, 17), parse_limit("2h")) == sh(2026, 2, 28, 10)
    assert calendar(OFFICE).due(sh(2026, 2, 27, 17), parse_limit("2h")) == sh(2026, 3, 2, 10)


def test_makeup_day_works_with_the_hours_of_the_day_it_replaces() -> None:
    hours = {"mon-thu": ["09:00-18:00"], "fri": ["09:00-15:00"], "sat": ["10:00-12:00"]}
    cal = calendar(hours, holidays={"country": "CN"})
    assert hours_of(cal, date(2026, 1, 4)) == [
        ("01-04 09:00", "01-04 15:00")
    ]  # Sunday for Friday 01-02
    assert hours_of(cal, date(2026, 2, 28)) == [
        ("02-28 09:00", "02-28 18:00")
    ]  # Saturday for Monday 02-23
    assert hours_of(cal, date(2026, 3, 7)) == [
        ("03-07 10:00", "03-07 12:00")
    ]  # an ordinary Saturday
    assert hours_of(cal, date(2026, 5, 2)) == []  # Labour Day on a Saturday beats Saturday hours


def test_extra_holidays_and_workdays() -> None:
    cal = calendar(OFFICE, extra_holidays=["2026-03-09"])
    assert cal.due(sh(2026, 3, 6, 17), parse_limit("2h")) == sh(2026, 3, 10, 10)
    cal = calendar(
        {"mon": ["08:00-12:00"], "tue-fri": ["09:00-18:00"]}, extra_workdays=[date(2026, 3, 7)]
    )
    assert hours_of(cal, date(2026, 3, 7)) == [("03-07 08:00", "03-07 12:00")]  # a Saturday: Monday's hours
    cal = calendar(
        {"mon": ["08:00-12:00"], "tue-fri": ["09:00-18:00"]}, extra_workdays=[date(2026, 3, 12)]
    )
    assert hours_of(cal, date(2026, 3, 12)) == [("03-12 09:00", "03-12 18:00")]  # a Thursday: its own
    # A weekend day the holidays package pays a day off with, listed by hand too: the hours of the
    # weekday it stands in for (2026-01-04, a Sunday, works as Friday 2026-01-02).
    cal = calendar({"mon": ["08:00-12:00"], "fri": ["14:00-15:00"]}, holidays={"country": "CN"}, extra_workdays=["2026-01-04"])
    assert hours_of(cal, date(2026, 1, 4)) == [("01-04 14:00", "01-04 15:00")]
    cal = calendar(LUNCH, holidays={"country": "CN"}, extra_workdays=["2026-10-01"])
    assert cal.due(sh(2026, 10, 1, 10), parse_limit("1h")) == sh(
        2026, 10, 1, 11
    )  # beats National Day


# -- pauses -------------------------------------------------------------------------------------


def test_pause_outside_working_time_changes_nothing() -> None:
    cal, start = calendar(OFFICE), sh(2026, 3, 2, 9)
    pause = [(sh(2026, 3, 2, 19), sh(2026, 3, 3, 8))]
    assert (
        cal.due(start, parse_limit("10h"), pause)
        == cal.due(start, parse_limit("10h"))
        == sh(2026, 3, 3, 10)
    )


def test_pause_inside_working_time_extends_the_deadline() -> None:
    cal, start = calendar(OFFICE), sh(2026, 3, 2, 9)
    assert cal.due(start, parse_limit("2h"), [(sh(2026, 3, 2, 10), sh(2026, 3, 2, 11))]) == sh(
        2026, 3, 2, 12
    )
    overnight = [(sh(2026, 3, 2, 17), sh(2026, 3, 3, 10))]  # takes 17-18 and 09-10
    assert cal.due(start, parse_limit("9h"), overnight) == sh(2026, 3, 3, 11)
    assert cal.elapsed(start, sh(2026, 3, 3, 11), overnight) == timedelta(hours=9)


def test_deadline_can_fall_at_the_start_of_a_pause() -> None:
    cal = calendar(OFFICE)
    assert cal.due(
        sh(2026, 3, 2, 9), parse_limit("1h"), [(sh(2026, 3, 2, 10), sh(2026, 3, 2, 12))]
    ) == sh(2026, 3, 2, 10)


def test_pause_running_at_the_start() -> None:
    cal = calendar(OFFICE)
    assert cal.due(
        sh(2026, 3, 2, 9), parse_limit("1h"), [(sh(2026, 3, 2, 8), sh(2026, 3, 2, 9, 30))]
    ) == sh(2026, 3, 2, 10, 30)


# -- working-day limits -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "limit", "due"),
    [
        (sh(2026, 3, 4, 15), "2bd", sh(2026, 3, 6, 18)),  # Wednesday afternoon: Thursday, Friday
        (sh(2026, 3, 6, 23), "1bd", sh(2026, 3, 9, 18)),  # Friday night
        (sh(2026, 3, 7, 10), "1bd", sh(2026, 3, 9, 18)),  # Saturday does not count
        (sh(2026, 3, 9, 8), "1bd", sh(2026, 3, 10, 18)),  # nor Monday before opening
        (sh(2026, 3, 9, 18), "5bd", sh(2026, 3, 16, 18)),
    ],
)
def test_working_days(start: datetime, limit: str, due: datetime) -> None:
    assert calendar(OFFICE).due(start, parse_limit(limit)) == due


def test_working_days_over_holidays_and_a_makeup_saturday() -> None:
    cal = calendar(LUNCH, holidays={"country": "CN"})
    start = sh(2026, 9, 30, 10)
    assert cal.due(start, parse_limit("1bd")) == sh(2026, 10, 8, 18)
    assert cal.due(start, parse_limit("3bd")) == sh(2026, 10, 10, 18)


def test_working_days_extended_by_paused_working_time() -> None:
    cal, start = calendar(OFFICE), sh(2026, 3, 4, 15)
    inside = [(sh(2026, 3, 5, 10), sh(2026, 3, 5, 12))]
    assert cal.due(start, parse_limit("2bd"), inside) == sh(2026, 3, 9, 11)
    outside = [(sh(2026, 3, 5, 19), sh(2026, 3, 6, 8))]
    assert cal.due(start, parse_limit("2bd"), outside) == sh(2026, 3, 6, 18)
    across = [(sh(2026, 3, 6, 17), sh(2026, 3, 9, 10))]  # 1 h on Friday, and runs on past the close
    assert cal.due(start, parse_limit("2bd"), across) == sh(2026, 3, 9, 11)


def test_working_days_on_a_night_shift() -> None:
    cal = calendar({"mon-fri": ["22:00-06:00"]})
    # Tuesday 01:00 is in Monday's shift; the next whole shift is Tuesday's, ending Wednesday 06:00.
    assert cal.due(sh(2026, 3, 3, 1), parse_limit("1bd")) == sh(2026, 3, 4, 6)


# -- guards and bad specs -----------------------------------------------------------------------


def test_calendar_without_working_hours_is_refused() -> None:
    # Refused when the terms load (the spec), not when a check first counts on it.
    with pytest.raises(ValueError, match="no working hours on any day"):
        CalendarSpec(timezone="UTC", hours={"daily": ()})


def test_endless_holidays_raise_instead_of_looping() -> None:
    mondays = [date(2026, 3, 2) + timedelta(weeks=w) for w in range(540)]
    cal = calendar({"mon": ["09:00-10:00"]}, "UTC", extra_holidays=mondays)
    with pytest.raises(ValueError, match="no working time"):
        cal.due(datetime(2026, 3, 1, tzinfo=UTC), parse_limit("1h"))
    with pytest.raises(ValueError, match="no working day"):
        cal.due(datetime(2026, 3, 1, tzinfo=UTC), parse_limit("1bd"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"hours": {"mon-fri": ["9-18"]}}, 'bad window "9-18": expected HH:MM-HH:MM'),
        ({"hours": {"mon": ["25:00-26:00"]}}, 'bad window "25:00-26:00"'),
        ({"hours": {"mon": ["09:00-24:30"]}}, 'bad window "09:00-24:30"'),
        ({"hours": {"tue-xyz": ["09:00-18:00"]}}, 'unknown day "tue-xyz": expected mon..sun'),
        (
            {"hours": {"mon-fri": ["09:00-18:00"], "fri": ["10:00-11:00"]}},
            'day "fri" is given twice',
        ),
        ({"hours": {"mon": "09:00-18:00"}}, "valid tuple"),
        ({"timezone": "Mars/Base"}, 'unknown time zone "Mars/Base": expected an IANA name'),
        ({"holidays": {"country": "XX"}}, 'unknown country "XX": expected an ISO 3166-1'),
        (
            {"holidays": {"country": "DE", "subdivision": "ZZ"}},
            'unknown subdivision "ZZ" of DE: expected one of BB',
        ),
        ({"holidays": {"country": "CN", "region": "GD"}}, "Extra inputs are not permitted"),
        ({"workdays": []}, "Extra inputs are not permitted"),
        (
            {"extra_holidays": ["2026-12-24"], "extra_workdays": ["2026-12-24"]},
            "both in extra_holidays and extra_workdays",
        ),
        ({"extra_holidays": ["24.12.2026"]}, "extra_holidays"),
    ],
)
def test_bad_spec_is_refused_with_a_clear_message(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        CalendarSpec.model_validate({"timezone": "Asia/Shanghai", "hours": OFFICE, **changes})


def test_spec_accepts_the_documented_shape() -> None:
    spec = CalendarSpec.model_validate(
        {
            "timezone": "Asia/Shanghai",
            "hours": {"mon-fri": ["09:00-12:00", "13:30-18:00"], "sat": ["10:00-16:00"]},
            "holidays": {"country": "cn", "subdivision": None},
            "extra_holidays": [date(2026, 12, 24)],
            "extra_workdays": [],
        }
    )
    assert spec.holidays is not None and spec.holidays.country == "CN"
    wrapped = calendar({"fri-mon": ["10:00-11:00"]})  # a range may wrap over the weekend
    assert [bool(wrapped.working_windows(date(2026, 3, d))) for d in range(2, 9)] == [
        1,
        0,
        0,
        0,
        1,
        1,
        1,
    ]


# -- properties ---------------------------------------------------------------------------------

CALENDARS = [
    calendar(
        {"mon-fri": ["09:00-12:00", "13:30-18:00"], "sat": ["10:00-16:00"]},
        holidays={"country": "CN"},
    ),
    calendar(
        {"mon-fri": ["08:00-12:00", "13:00-17:00"], "sat": ["22:00-06:00"], "sun": ["01:00-04:00"]},
        "Europe/Berlin",
        holidays={"country": "DE", "subdivision": "BY"},
        extra_workdays=["2026-12-26"],
    ),
    calendar({"daily": ["00:00-24:00"]}, "UTC"),
    calendar(
        {"mon-fri": ["00:00-24:00"], "sun": ["01:30-03:30", "20:00-02:00"]}, "America/New_York"
    ),
    calendar({"daily": ["01:00-03:00"]}, "Australia/Lord_Howe", extra_holidays=["2026-04-05"]),
]

calendars = st.sampled_from(CALENDARS)
instants = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC)
)
limits = st.integers(min_value=0, max_value=300 * 3600).map(Limit.of_seconds)
# Sorted distinct offsets (seconds from the start) taken in pairs: disjoint pauses, some before it.
pause_offsets = st.lists(st.integers(-2 * 86400, 40 * 86400), unique=True, max_size=10).map(sorted)


def pauses_at(start: datetime, offsets: list[int]) -> list[tuple[datetime, datetime]]:
    points = [start + timedelta(seconds=s) for s in offsets]
    return list(zip(points[0::2], points[1::2], strict=False))


@settings(database=None, deadline=None)
@given(calendars, instants, limits)
def test_elapsed_inverts_due(cal: BusinessCalendar, start: datetime, limit: Limit) -> None:
    due = cal.due(start, limit)
    assert due >= start
    assert cal.elapsed(start, due) == timedelta(seconds=limit.seconds)


@settings(database=None, deadline=None)
@given(calendars, instants, limits, pause_offsets)
def test_elapsed_inverts_due_with_pauses(
    cal: BusinessCalendar, start: datetime, limit: Limit, offsets: list[int]
) -> None:
    pauses = pauses_at(start, offsets)
    due = cal.due(start, limit, pauses)
    assert due >= cal.due(start, limit) >= start
    assert cal.elapsed(start, due, pauses) == timedelta(seconds=limit.seconds)


@settings(database=None, deadline=None)
@given(calendars, instants, st.integers(0, 10 * 86400), limits, pause_offsets)
def test_due_is_monotone_in_the_start(
    cal: BusinessCalendar, start: datetime, later: int, limit: Limit, offsets: list[int]
) -> None:
    pauses = pauses_at(start, offsets)
    assert cal.due(start, limit, pauses) <= cal.due(start + timedelta(seconds=later), limit, pauses)


@settings(database=None, deadline=None)
@given(calendars, instants, limits, st.integers(0, 50 * 3600), pause_offsets)
def test_due_is_monotone_in_the_limit(
    cal: BusinessCalendar, start: datetime, limit: Limit, more: int, offsets: list[int]
) -> None:
    pauses = pauses_at(start, offsets)
    longer = Limit.of_seconds(limit.seconds + more)
    assert cal.due(start, limit, pauses) <= cal.due(start, longer, pauses)


@settings(database=None, deadline=None, max_examples=40)
@given(
    calendars,
    instants,
    st.integers(0, 2 * 1440),
    st.lists(st.integers(-60, 3000), unique=True, max_size=6),
)
def test_elapsed_agrees_with_counting_working_minutes(
    cal: BusinessCalendar, start: datetime, minutes: int, pause_minutes: list[int]
) -> None:
    # An oracle independent of the span walk: window edges and DST jumps fall on whole minutes.
    start = start.replace(second=0, microsecond=0)
    pauses = pauses_at(start, [60 * m for m in sorted(pause_minutes)])
    instants = (start + timedelta(minutes=m) for m in range(minutes))
    counted = sum(cal.is_working(t) and not any(a <= t < b for a, b in pauses) for t in instants)
    assert cal.elapsed(start, start + timedelta(minutes=minutes), pauses) == timedelta(
        minutes=counted
    )


@settings(database=None, deadline=None)
@given(calendars, instants, st.integers(1, 30))
def test_working_days_end_at_a_close_and_grow_with_n(
    cal: BusinessCalendar, start: datetime, n: int
) -> None:
    due = cal.due(start, Limit(n, "bd"))
    assert due > start and cal.is_working(due - timedelta(microseconds=1))
    assert any(
        close == due
        for day in (due.date() - timedelta(days=1), due.date())
        for _, close in cal.working_windows(day)
    )
    assert due <= cal.due(start, Limit(n + 1, "bd"))


@settings(database=None, deadline=None)
@given(instants, limits.filter(lambda limit: limit.seconds > 0), pause_offsets)
def test_24x7_utc_calendar_matches_the_wall_clock(
    start: datetime, limit: Limit, offsets: list[int]
) -> None:
    # Zero is left out: WallClock then skips a pause starting at `start`; parse_limit never gives 0.
    pauses = pauses_at(start, offsets)
    assert CALENDARS[2].due(start, limit, pauses) == WallClock(UTC).due(start, limit, pauses)
