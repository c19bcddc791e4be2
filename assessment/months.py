"""Months as the assessment names them: the 1st of the month, parsed from what people type."""
import datetime as dt
import re

from django.utils import timezone

from hotline.errors import InvalidInput

MONTH_FORMAT = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-\d{1,2})?\s*$")


def month_of(value) -> dt.date:
    """The 1st of the month of a date, or of "YYYY-MM" / "YYYY-MM-DD"; anything else is a 400."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value.replace(day=1)
    match = MONTH_FORMAT.match(str(value or ""))
    if not match or not (1 <= int(match[2]) <= 12) or not (2000 <= int(match[1]) <= 2100):
        raise InvalidInput("月份格式应为 YYYY-MM，例如 2026-11", field="month")
    return dt.date(int(match[1]), int(match[2]), 1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def previous_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def last_day(month: dt.date) -> dt.date:
    return next_month(month) - dt.timedelta(days=1)


def months_back(month: dt.date, count: int) -> dt.date:
    for _ in range(count):
        month = previous_month(month)
    return month


def current_month() -> dt.date:
    return timezone.localdate().replace(day=1)


def label(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"
