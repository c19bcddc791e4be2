"""A year's official holidays, imported by the system administrator once the State Council publishes them, and
the timeline's word when a deadline was counted without them."""
import datetime as dt

from django.db import transaction
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record
from hotline.errors import InvalidInput
from hotline.models import Role, Ticket
from hotline.permissions import require_role
from hotline.validation import validate_text
from hotline.workflow import record_event

from ..calendar import forget_calendar_warning, uncovered_years
from ..holidays import parse_holidays
from ..models import CalendarOverride, HolidayYear


@transaction.atomic
def holiday_year_import(*, year: int, text: str, actor, source: str = "", request=None) -> HolidayYear:
    """导入年度节假日: every day the pasted notice or list names becomes the calendar's word for
    that day; importing the same year again replaces what the last import said."""
    require_role(actor, Role.SYSADMIN, what="导入节假日安排")  # configuration (三员分立)
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise InvalidInput("年份须为2000到2100之间的整数", field="year")
    source = validate_text(source, field="source", label="依据", max_length=120, required=False)
    days = parse_holidays(text, year=year)
    before = HolidayYear.objects.filter(year=year).values("days_off", "make_up_days", "source").first() or {}
    holiday_year, _ = HolidayYear.objects.update_or_create(year=year, defaults={
        "source": source, "imported_at": timezone.now(), "imported_by": actor,
        "days_off": sum(not d.is_workday for d in days), "make_up_days": sum(d.is_workday for d in days),
    })
    CalendarOverride.objects.filter(holiday_year=holiday_year).delete()
    # The official list outranks an admin's earlier one-day word on the same day.
    CalendarOverride.objects.filter(day__in=[d.day for d in days]).delete()
    CalendarOverride.objects.bulk_create([
        CalendarOverride(day=d.day, is_workday=d.is_workday, note=d.note, holiday_year=holiday_year) for d in days
    ])
    audit_record(action=AuditAction.SETTING_CHANGED, actor=actor, request=request, target=holiday_year, detail={
        "op": "imported" if before else "created", "before": before,
        "after": {"days_off": holiday_year.days_off, "make_up_days": holiday_year.make_up_days, "source": source}})
    # Now, and again after commit: a page asking in between must not keep the stale warning.
    forget_calendar_warning()
    transaction.on_commit(forget_calendar_warning, robust=True)
    return holiday_year


def note_uncovered_calendar(*, ticket: Ticket, start: dt.datetime, end: dt.datetime) -> None:
    """A line on the timeline when a deadline running from `start` to `end` crossed a year without
    holidays: the date may move once the year's list is imported, and everyone should know."""
    tz = timezone.get_current_timezone()
    years = uncovered_years(timezone.localtime(start, tz).date(), timezone.localtime(end, tz).date())
    if years:
        record_event(ticket=ticket, kind="calendar_uncovered", payload={
            "years": years,
            "note": "、".join(f"{y}年" for y in years) + "法定节假日尚未导入，本期限按周一至周五推算",
        })
