"""Working days: admin overrides, then the Chinese calendar, then weekends only.

`chinesecalendar` knows the State Council's holidays and make-up working days
for the years it ships (2004–2026 in the pinned version). For other years we
fall back to Monday–Friday; an admin adds the year's holidays as overrides as
soon as they are published.
"""
import datetime as dt
from functools import lru_cache

import chinese_calendar

from .models import CalendarOverride

# One query per computation is cheaper than invalidation across processes, but a
# deadline computation looks far ahead at most this many days.
LOOKAHEAD_DAYS = 400


@lru_cache(maxsize=4096)
def package_knows(day: dt.date) -> bool | None:
    """The package's word on a day, or None when the year is outside its data."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def default_is_workday(day: dt.date) -> bool:
    known = package_knows(day)
    return day.weekday() < 5 if known is None else known


class WorkCalendar:
    """A calendar with the overrides of a date window loaded once."""

    def __init__(self, start: dt.date, days: int = LOOKAHEAD_DAYS):
        end = start + dt.timedelta(days=days)
        self.overrides = dict(
            CalendarOverride.objects.filter(day__range=(start, end)).values_list("day", "is_workday")
        )

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return default_is_workday(day)

    def nth_workday_after(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day strictly after `day` (n >= 1); `day` itself never counts."""
        if n < 1:
            raise ValueError("n must be at least 1")
        counted = 0
        current = day
        while counted < n:
            current += dt.timedelta(days=1)
            if self.is_workday(current):
                counted += 1
        return current

    def workday_before(self, day: dt.date, *, not_before: dt.date) -> dt.date | None:
        """The last working day strictly before `day`, if there is one on or after `not_before`."""
        current = day - dt.timedelta(days=1)
        while current >= not_before:
            if self.is_workday(current):
                return current
            current -= dt.timedelta(days=1)
        return None

    def workday_after(self, day: dt.date, *, not_after: dt.date) -> dt.date | None:
        """The first working day strictly after `day`, if there is one on or before `not_after`."""
        current = day + dt.timedelta(days=1)
        while current <= not_after:
            if self.is_workday(current):
                return current
            current += dt.timedelta(days=1)
        return None


def is_workday(day: dt.date) -> bool:
    return WorkCalendar(day, days=0).is_workday(day)
