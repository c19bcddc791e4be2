"""The period a bulletin covers: a day, an ISO week (Monday to Sunday) or a calendar month."""
import datetime as dt
from dataclasses import dataclass

from .models import Kind


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        if self.kind == Kind.DAILY:
            return f"{self.start.year}年{self.start.month}月{self.start.day}日"
        if self.kind == Kind.WEEKLY:
            return (f"{self.start.year}年{self.start.month}月{self.start.day}日至"
                    f"{self.end.month}月{self.end.day}日")
        return f"{self.start.year}年{self.start.month}月"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def period_containing(kind: str, day: dt.date) -> Period:
    if kind == Kind.DAILY:
        return Period(kind, day, day)
    if kind == Kind.WEEKLY:
        start = day - dt.timedelta(days=day.weekday())
        return Period(kind, start, start + dt.timedelta(days=6))
    if kind == Kind.MONTHLY:
        start = day.replace(day=1)
        following = (start + dt.timedelta(days=32)).replace(day=1)
        return Period(kind, start, following - dt.timedelta(days=1))
    raise ValueError(kind)


def last_complete(kind: str, today: dt.date) -> Period:
    """The latest period that ended before `today` (yesterday, last week, last month)."""
    return period_containing(kind, period_containing(kind, today).start - dt.timedelta(days=1))
