"""Open-now logic: weekdays, weekends, past midnight, whole days, the clock changes."""

from __future__ import annotations

from datetime import datetime, time, timezone

import pytest

from bot.support.opening_hours import ScheduleError, clock_time, read_schedules, status

UTC = timezone.utc

OFFICE = read_schedules([{"byday": "MO,TU,WE,TH,FR", "opens_at": "09:00", "closes_at": "17:00"}])
EVENINGS = read_schedules([{"byday": "MO,TU,WE,TH,FR,SA,SU", "opens_at": "15:00",
                            "closes_at": "00:00"}])  # fmt: skip
LATE = read_schedules([{"byday": "FR", "opens_at": "22:00", "closes_at": "02:00"}])
ALWAYS = read_schedules([{"byday": "MO,TU,WE,TH,FR,SA,SU", "opens_at": "00:00",
                          "closes_at": "00:00"}])  # fmt: skip


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("slots", "moment", "open_now"),
    [
        (OFFICE, utc(2026, 1, 14, 9, 30), True),  # Wednesday, GMT
        (OFFICE, utc(2026, 1, 14, 17, 0), False),  # closing time is closed
        (OFFICE, utc(2026, 1, 17, 12, 0), False),  # Saturday
        (OFFICE, utc(2026, 1, 18, 12, 0), False),  # Sunday
        (EVENINGS, utc(2026, 1, 14, 23, 30), True),  # until midnight
        (EVENINGS, utc(2026, 1, 15, 0, 30), False),  # just after midnight
        (LATE, utc(2026, 1, 16, 23, 0), True),  # Friday night
        (LATE, utc(2026, 1, 17, 1, 30), True),  # Saturday 01:30, still Friday's slot
        (LATE, utc(2026, 1, 17, 2, 30), False),
        (LATE, utc(2026, 1, 18, 1, 0), False),  # Sunday 01:00: Saturday has no slot
        (ALWAYS, utc(2026, 6, 21, 3, 0), True),
    ],
)
def test_open_now(slots, moment, open_now):
    assert status(slots, moment).open is open_now


def test_the_spring_clock_change_uses_uk_wall_time():
    # Clocks go forward on Sunday 29 March 2026. On Monday 30 March, 08:30 UTC
    # is 09:30 BST: open, although 08:30 would be closed in UTC.
    assert status(OFFICE, utc(2026, 3, 30, 8, 30)).open is True
    assert status(OFFICE, utc(2026, 3, 27, 8, 30)).open is False  # Friday, still GMT
    assert status(OFFICE, utc(2026, 3, 30, 16, 30)).open is False  # 17:30 BST


def test_the_autumn_clock_change():
    # Clocks go back on Sunday 25 October 2026; Monday 26 October is GMT again.
    assert status(OFFICE, utc(2026, 10, 23, 8, 30)).open is True  # Friday 09:30 BST
    assert status(OFFICE, utc(2026, 10, 26, 8, 30)).open is False  # Monday 08:30 GMT
    # 01:30 happens twice on 25 October; an overnight slot covers both.
    saturday_night = read_schedules([{"byday": "SA", "opens_at": "22:00", "closes_at": "03:00"}])
    assert status(saturday_night, utc(2026, 10, 25, 0, 30)).open is True
    assert status(saturday_night, utc(2026, 10, 25, 1, 30)).open is True


def test_closed_says_when_it_opens():
    assert status(OFFICE, utc(2026, 1, 14, 7, 0)).text == "Closed now. Opens today at 9am."
    assert status(OFFICE, utc(2026, 1, 14, 18, 0)).text == "Closed now. Opens tomorrow at 9am."
    assert status(OFFICE, utc(2026, 1, 16, 18, 0)).text == "Closed now. Opens Monday at 9am."
    assert status(ALWAYS, utc(2026, 1, 16, 18, 0)).text == "Open 24 hours, every day."


def test_times_read_the_gov_uk_way():
    assert [clock_time(time(h, m)) for h, m in ((9, 0), (17, 30), (12, 0), (0, 0), (9, 5))] == [
        "9am",
        "5:30pm",
        "midday",
        "midnight",
        "9:05am",
    ]


def test_no_hours_is_unknown_not_closed():
    result = status((), utc(2026, 1, 14, 12, 0))
    assert result.open is None and "not listed" in result.text


def test_oruk_v2_weekdays_and_validity_dates():
    slots = read_schedules(
        [
            {"weekday": "Saturday", "opens_at": "10:00", "closes_at": "15:00"},
            {"weekday": 7, "opens_at": "10:00:00", "closes_at": "15:00:00",
             "valid_to": "2026-01-31"},
        ]
    )  # fmt: skip
    assert status(slots, utc(2026, 1, 17, 12, 0)).open is True  # Saturday
    assert status(slots, utc(2026, 1, 18, 12, 0)).open is True  # Sunday in January
    assert status(slots, utc(2026, 2, 1, 12, 0)).open is False  # Sunday after valid_to


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"byday": "MO,XX", "opens_at": "09:00", "closes_at": "17:00"}, "schedules[0].byday"),
        ({"byday": "MO", "opens_at": "nine", "closes_at": "17:00"}, "schedules[0].opens_at"),
        ({"opens_at": "09:00", "closes_at": "17:00"}, "schedules[0]"),
    ],
)
def test_bad_schedules_name_the_field(entry, field):
    with pytest.raises(ScheduleError) as caught:
        read_schedules([entry])
    assert caught.value.field == field


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        status(OFFICE, datetime(2026, 1, 14, 12, 0))
