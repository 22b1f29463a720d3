"""Whether a service is open now, from its Open Referral UK schedules.

Times in a directory are UK wall-clock times, so "now" is converted to
Europe/London before comparing: 09:00 means 09:00 in winter (GMT) and in summer
(BST) alike, and the clock changes need no special case. A slot whose closing
time is not after its opening time runs past midnight (``22:00``-``02:00``), and
``00:00``-``00:00`` means the whole day. No schedule means "we don't know", which
is said as such rather than guessed.

Schedules follow ORUK v3 (``byday`` "MO,TU", ``opens_at``, ``closes_at``,
optional ``valid_from``/``valid_to``); ORUK v2 ``regular_schedules`` with
``weekday`` are read too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
V2_WEEKDAYS = {name.lower(): code for name, code in zip(DAY_NAMES, DAYS, strict=True)}


class ScheduleError(ValueError):
    """A schedule entry that cannot be read; ``field`` names the bad part."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        super().__init__(f"{field}: {problem}")


@dataclass(frozen=True)
class Slot:
    """One weekly opening: a day, and opening and closing wall-clock times."""

    day: int  # 0 = Monday
    opens: time
    closes: time
    valid_from: date | None = None
    valid_to: date | None = None

    @property
    def overnight(self) -> bool:
        return self.closes <= self.opens  # includes 00:00-00:00, the whole day

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or day >= self.valid_from) and (
            self.valid_to is None or day <= self.valid_to
        )

    def covers(self, moment: datetime) -> bool:
        """Whether this slot is open at ``moment`` (a Europe/London wall-clock time)."""
        today, now = moment.date(), moment.time()
        if moment.weekday() == self.day and self.valid_on(today) and now >= self.opens:
            if self.overnight or now < self.closes:
                return True
        yesterday = today - timedelta(days=1)
        return (
            self.overnight
            and yesterday.weekday() == self.day
            and self.valid_on(yesterday)
            and now < self.closes
        )


@dataclass(frozen=True)
class OpenStatus:
    open: bool | None  # None: the directory has no hours for this service
    text: str


def _time(value: Any, field: str) -> time:
    if not isinstance(value, str):
        raise ScheduleError(field, "expected a time like 09:00")
    text = value.strip()
    if text in ("24:00", "24:00:00"):
        return time(0, 0)
    try:
        return time.fromisoformat(text[:8] if len(text) > 5 else text)
    except ValueError:
        raise ScheduleError(field, f"expected a time like 09:00, got {value!r}") from None


def _date(value: Any, field: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ScheduleError(field, f"expected a date like 2026-01-31, got {value!r}") from None


def read_schedules(
    schedules: Sequence[Mapping[str, Any]], where: str = "schedules"
) -> tuple[Slot, ...]:
    """ORUK schedule entries as slots; raises :class:`ScheduleError` naming the field."""
    slots: list[Slot] = []
    for index, entry in enumerate(schedules):
        field = f"{where}[{index}]"
        if not isinstance(entry, Mapping):
            raise ScheduleError(field, "expected an object")
        days = _days(entry, field)
        opens = _time(entry.get("opens_at"), f"{field}.opens_at")
        closes = _time(entry.get("closes_at"), f"{field}.closes_at")
        valid_from = _date(entry.get("valid_from"), f"{field}.valid_from")
        valid_to = _date(entry.get("valid_to"), f"{field}.valid_to")
        slots.extend(Slot(day, opens, closes, valid_from, valid_to) for day in days)
    return tuple(slots)


def _days(entry: Mapping[str, Any], field: str) -> list[int]:
    if entry.get("byday"):
        codes = [code.strip().upper() for code in str(entry["byday"]).split(",")]
        unknown = [code for code in codes if code not in DAYS]
        if unknown:
            raise ScheduleError(f"{field}.byday", f"unknown day {', '.join(unknown)}; use MO..SU")
        return [DAYS.index(code) for code in codes]
    weekday = entry.get("weekday")  # ORUK v2
    if isinstance(weekday, int) and 1 <= weekday <= 7:
        return [weekday - 1]
    if isinstance(weekday, str) and weekday.strip().lower() in V2_WEEKDAYS:
        return [DAYS.index(V2_WEEKDAYS[weekday.strip().lower()])]
    raise ScheduleError(field, "needs byday (e.g. MO,TU) or weekday")


def london_time(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("a timezone-aware datetime is needed")
    return moment.astimezone(LONDON)


def is_open(slots: Iterable[Slot], moment: datetime) -> bool:
    local = london_time(moment)
    return any(slot.covers(local) for slot in slots)


def status(slots: Sequence[Slot], moment: datetime) -> OpenStatus:
    """Open now or not, in plain words, with the next opening when closed."""
    if not slots:
        return OpenStatus(None, "Opening times not listed: check before you go or call.")
    local = london_time(moment)
    if all(slot.opens == slot.closes == time(0, 0) for slot in slots) and len(
        {slot.day for slot in slots}
    ) == len(DAYS):
        return OpenStatus(True, "Open 24 hours, every day.")
    if any(slot.covers(local) for slot in slots):
        return OpenStatus(True, "Open now.")
    upcoming = next_opening(slots, local)
    if upcoming is None:
        return OpenStatus(False, "Closed now.")
    return OpenStatus(False, f"Closed now. Opens {_when(upcoming, local)}.")


def next_opening(slots: Sequence[Slot], local: datetime) -> datetime | None:
    for offset in range(0, 8):
        day = local.date() + timedelta(days=offset)
        starts = sorted(
            datetime.combine(day, slot.opens, tzinfo=LONDON)
            for slot in slots
            if slot.day == day.weekday() and slot.valid_on(day)
        )
        for start in starts:
            if start > local:
                return start
    return None


def clock_time(moment: time | datetime) -> str:
    """GOV.UK style, one format everywhere: 9am, 5:30pm, midday, midnight."""
    if moment.hour == 0 and moment.minute == 0:
        return "midnight"
    if moment.hour == 12 and moment.minute == 0:
        return "midday"
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


def _when(start: datetime, local: datetime) -> str:
    clock = clock_time(start)
    if start.date() == local.date():
        return f"today at {clock}"
    if start.date() == local.date() + timedelta(days=1):
        return f"tomorrow at {clock}"
    return f"{DAY_NAMES[start.weekday()]} at {clock}"
