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


# Coverage: a year the package knows or an admin imported counts holidays; any other year counts
# weekends only, and the product says so (a warning for the office, a line on the timeline).
WARN_DAYS_AHEAD = 60


@lru_cache(maxsize=256)
def package_covers(year: int) -> bool:
    return package_knows(dt.date(year, 6, 1)) is not None


def uncovered_years(first: dt.date, last: dt.date) -> list[int]:
    """The years between two days (inclusive) whose holidays nobody knows."""
    years = [y for y in range(first.year, last.year + 1) if not package_covers(y)]
    if not years:
        return []
    from .models import HolidayYear

    imported = set(HolidayYear.objects.filter(year__in=years).values_list("year", flat=True))
    return [y for y in years if y not in imported]


def calendar_warning(today: dt.date) -> str | None:
    """What the office must be told: this year, or next year from 60 days before it, has no holidays."""
    last = today + dt.timedelta(days=WARN_DAYS_AHEAD)
    years = uncovered_years(today, dt.date(last.year, 1, 1) if last.year > today.year else today)
    if not years:
        return None
    names = "、".join(f"{y}年" for y in years)
    return (f"{names}的法定节假日和调休安排尚未导入，期限暂按周一至周五推算。"
            f"请系统管理员在“年度节假日安排”中导入国务院办公厅通知。")


def _warning_key(today: dt.date) -> str:
    return f"calendar-warning:{today:%Y%m%d}"


def office_calendar_warning() -> str | None:
    """calendar_warning for today, cached: every office page asks, the answer changes on import."""
    from django.core.cache import cache
    from django.utils import timezone

    today = timezone.localdate()
    value = cache.get(_warning_key(today))
    if value is None:
        value = calendar_warning(today) or ""
        cache.set(_warning_key(today), value, 600)
    return value or None


def forget_calendar_warning() -> None:
    from django.core.cache import cache
    from django.utils import timezone

    cache.delete(_warning_key(timezone.localdate()))
