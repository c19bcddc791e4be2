"""Holidays past the calendar package (issue 16, item 10): an admin imports a year's official
list; until then the office is warned and a deadline in that year says it counted weekends only."""
import datetime as dt

import chinese_calendar
import pytest

from dispatch.calendar import WorkCalendar, calendar_warning, uncovered_years
from dispatch.holidays import parse_holidays
from dispatch.models import CalendarOverride, HolidayYear
from dispatch.services import holiday_year_import
from hotline.clock import frozen_at
from hotline.errors import InvalidInput, NotAllowed
from hotline.models import Role, TicketEvent
from tests import factories as f
from tests.conftest import make_user

# The State Council's notices as published (国办发明电〔2024〕12号 and 〔2025〕7号), sentences as printed.
NOTICE_2025 = """一、元旦：1月1日（周三）放假1天，不调休。
二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
三、清明节：4月4日（周五）至6日（周日）放假，共3天。
四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。"""
NOTICE_2026 = """一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。"""
# A made-up year for the import tests: 2027 is past the package; New Year on a Friday, a make-up Saturday.
LIST_2027 = """2027-01-01 休 元旦
2027-01-04 休 元旦
2027-01-09 班 元旦调休"""


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.mark.parametrize(("year", "notice"), [(2025, NOTICE_2025), (2026, NOTICE_2026)])
def test_a_published_notice_reads_as_the_package_knows_it(year, notice):
    days = parse_holidays(notice, year=year)
    assert days, "the notice names days"
    assert [d.day for d in days if chinese_calendar.is_workday(d.day) != d.is_workday] == []
    # Every official day off on a weekday, and every make-up day, is in the list.
    official = {day for day in (dt.date(year, 1, 1) + dt.timedelta(n) for n in range(365))
                if day.year == year and chinese_calendar.is_workday(day) != (day.weekday() < 5)}
    assert official <= {d.day for d in days}
    spring = next(d for d in days if d.note == "春节")
    assert spring.is_workday is False


def test_a_plain_list_reads_day_by_day():
    days = parse_holidays(LIST_2027, year=2027)
    assert [(d.day.isoformat(), d.is_workday, d.note) for d in days] == [
        ("2027-01-01", False, "元旦"), ("2027-01-04", False, "元旦"), ("2027-01-09", True, "元旦调休")]


@pytest.mark.parametrize(("text", "says"), [
    ("", "请粘贴"),
    ("这是一段无关的文字。", "没有读出任何日期"),
    ("2027-01-01 休\n2027-01-01 班", "同时被写为放假和上班"),
    ("2026-10-01 休", "不在2027年内"),
    ("一、春节：2月30日放假。", "不是有效日期"),
    ("2027-01-01 休\n2027-01-02 歇", "请写明"),
    ("一、元旦：1月1日至30日放假。", "超过两周"),
    ("2027-01-09 班", "没有放假的日期"),
])
def test_what_cannot_be_read_is_named_and_nothing_is_saved(db, text, says):
    admin = make_user("sysadmin", Role.SYSADMIN)
    with pytest.raises(InvalidInput, match=says) as error:
        holiday_year_import(year=2027, text=text, actor=admin)
    assert error.value.field == "text"
    assert not HolidayYear.objects.exists() and not CalendarOverride.objects.exists()


def test_only_the_system_administrator_imports(people):
    centre = make_user("centre", Role.ADMIN)  # 中心管理员: business, not configuration (三员分立)
    for actor in (*(people[role] for role in ("operator", "supervisor", "leader", "staff_a")), centre):
        with pytest.raises(NotAllowed):
            holiday_year_import(year=2027, text=LIST_2027, actor=actor)
    assert not HolidayYear.objects.exists()


def test_imported_days_count_and_a_second_import_replaces_the_first(db):
    admin = make_user("sysadmin", Role.SYSADMIN)
    calendar_before = WorkCalendar(dt.date(2026, 12, 30))
    # Weekends only: Thursday 31 Dec → the 2nd working day after is Monday 4 Jan.
    assert calendar_before.nth_workday_after(dt.date(2026, 12, 31), 2) == dt.date(2027, 1, 4)

    year = holiday_year_import(year=2027, text=LIST_2027, actor=admin, source="测试通知")
    assert (year.days_off, year.make_up_days, year.imported_by) == (2, 1, admin)
    calendar = WorkCalendar(dt.date(2026, 12, 30))
    # 1 Jan and 4 Jan off, Saturday 9 Jan worked: after 31 Dec come 5, 6, 7, 8, 9 Jan.
    assert calendar.nth_workday_after(dt.date(2026, 12, 31), 5) == dt.date(2027, 1, 9)

    holiday_year_import(year=2027, text="2027-01-01 休 元旦", actor=admin)
    assert list(CalendarOverride.objects.values_list("day", flat=True)) == [dt.date(2027, 1, 1)]
    assert HolidayYear.objects.get().days_off == 1


def test_the_office_is_warned_from_sixty_days_before_a_year_without_holidays(db):
    assert calendar_warning(dt.date(2026, 10, 1)) is None  # 92 days before 2027
    warning = calendar_warning(dt.date(2026, 12, 4))
    assert "2027年" in warning and "按周一至周五推算" in warning
    assert uncovered_years(dt.date(2026, 12, 4), dt.date(2027, 3, 1)) == [2027]
    holiday_year_import(year=2027, text=LIST_2027, actor=make_user("sysadmin", Role.SYSADMIN))
    assert calendar_warning(dt.date(2026, 12, 4)) is None
    assert "2028年" in calendar_warning(dt.date(2027, 11, 15))


def test_a_deadline_counted_in_a_year_without_holidays_says_so_on_the_timeline(people):
    with frozen_at(at(2026, 12, 28, 10, 0)):
        ticket = f.dispatched(people)
    notes = TicketEvent.objects.filter(ticket=ticket, kind="calendar_uncovered")
    assert [e.payload["years"] for e in notes] == [[2027]]
    assert "2027年法定节假日尚未导入" in notes.get().payload["note"]

    # Inside a known year, or once the year is imported, no such line.
    with frozen_at(at(2026, 11, 2, 10, 0)):
        quiet = f.dispatched(people)
    assert not TicketEvent.objects.filter(ticket=quiet, kind="calendar_uncovered").exists()
    holiday_year_import(year=2027, text=LIST_2027, actor=make_user("sysadmin", Role.SYSADMIN))
    with frozen_at(at(2026, 12, 28, 10, 0)):
        imported = f.dispatched(people)
    assert not TicketEvent.objects.filter(ticket=imported, kind="calendar_uncovered").exists()


def test_the_supervisor_sees_the_warning_and_the_admin_imports_through_its_page(client, people):
    admin = make_user("sysadmin", Role.SYSADMIN, is_staff=True)
    with frozen_at(at(2026, 12, 4, 9, 0)):
        client.force_login(people["supervisor"])
        assert "2027年的法定节假日和调休安排尚未导入" in client.get("/board/").content.decode()
        client.force_login(people["operator"])
        assert "尚未导入" not in client.get("/console/").content.decode()

        client.force_login(admin)
        page = client.get("/admin/")
        assert "2027年的法定节假日和调休安排尚未导入" in page.content.decode()
        form = {"year": "2027", "source": "国务院办公厅关于2027年部分节假日安排的通知", "text": LIST_2027}
        preview = client.post("/admin/dispatch/holidayyear/import/", form | {"preview": "1"})
        assert "2027-01-09" in preview.content.decode() and "确认导入" in preview.content.decode()
        assert not HolidayYear.objects.exists(), "a preview saves nothing"
        bad = client.post("/admin/dispatch/holidayyear/import/", form | {"text": "无关文字", "save": "1"})
        assert "没有读出任何日期" in bad.content.decode()
        saved = client.post("/admin/dispatch/holidayyear/import/", form | {"save": "1"})
        assert saved.status_code == 302
        assert HolidayYear.objects.get().source.startswith("国务院办公厅")
        client.force_login(people["supervisor"])
        assert "尚未导入" not in client.get("/board/").content.decode()
