"""挂起 on the pages (issue 16, item 4): the unit's 申请挂起, the board's 挂起待审 (同意挂起 / 驳回) and
挂起中 (恢复办理), the centre's ticket page, and the timeline with the span and the moved deadline."""
import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from dispatch import services as ds
from dispatch.models import Suspension
from hotline.clock import frozen_at
from hotline.models import Ticket
from tests import factories as f

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def section(html: str, name: str) -> str:
    start = html.index(f'id="sec-{name}"')
    end = html.find("<section", start + 1)
    return html[start:end if end > 0 else len(html)]


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_unit_asks_on_its_ticket_page_and_sees_the_request_waiting(web, people):
    ticket = f.in_progress(people)
    page = web(people["staff_a"])
    html = text_of(page.get(f"/unit/tickets/{ticket.pk}/"))
    assert 'id="suspension-form"' in html and "申请挂起" in html and "等待市民补充材料" in html
    missing = page.post(f"/unit/tickets/{ticket.pk}/", {"action": "suspend", "suspend-reason_kind": "litigation",
                                                        "suspend-expected_days": "3", "suspend-reason": ""})
    assert missing.status_code == 200 and "请说明等待什么、为何暂不能办理" in text_of(missing)
    assert not Suspension.objects.exists()
    done = page.post(f"/unit/tickets/{ticket.pk}/", {"action": "suspend", "suspend-reason_kind": "litigation",
                                                     "suspend-expected_days": "3",
                                                     "suspend-reason": "当事人已起诉，待法院判决"}, follow=True)
    html = text_of(done)
    assert "挂起申请已提交" in html and 'id="suspension-pending"' in html
    assert Suspension.objects.get().reason_kind == "litigation"
    co = text_of(web(people["staff_b"]).get(f"/unit/tickets/{ticket.pk}/"))
    assert 'id="suspension-form"' not in co, "the co-unit does not ask"


def test_the_board_decides_and_resumes_and_an_operator_sees_the_lists_without_buttons(web, people):
    ticket = f.with_pending_suspension(people)
    board = web(people["supervisor"])
    pending = section(text_of(board.get("/board/")), "suspensions")
    assert ticket.number in pending and "同意挂起" in pending and "驳回" in pending and "预计 5 个工作日" in pending
    operators = section(text_of(web(people["operator"]).get("/board/")), "suspensions")
    assert ticket.number in operators and "同意挂起" not in operators
    suspension = Suspension.objects.get()
    done = board.post(f"/board/suspensions/{suspension.pk}/decide/", {"approve": "1", "note": ""}, follow=True)
    assert f"工单 {ticket.number} 已挂起，停止计时" in text_of(done)
    assert f.fresh(ticket).state == "suspended"
    part = text_of(board.get("/board/?part=suspended"))
    assert ticket.number in part and "恢复办理" in part and "自动恢复" in part
    assert ticket.number not in text_of(board.get("/board/?part=suspensions"))
    again = board.post(f"/board/suspensions/{suspension.pk}/decide/", {"approve": "0"}, follow=True)
    assert "没有待审核的挂起申请" in text_of(again)
    assert web(people["operator"]).post(f"/board/suspended/{ticket.pk}/resume/").status_code == 403
    resumed = board.post(f"/board/suspended/{ticket.pk}/resume/", follow=True)
    assert f"工单 {ticket.number} 已恢复办理，办理时限顺延至" in text_of(resumed)
    assert f.fresh(ticket).state == "in_progress"


def test_the_centres_ticket_page_refuses_and_the_operator_may_ask(web, people):
    ticket = f.with_pending_suspension(people)
    page = web(people["supervisor"])
    html = text_of(page.get(f"/tickets/{ticket.pk}/"))
    assert 'id="suspension-request"' in html and 'id="btn-suspension-approve"' in html
    assert "等待市民提供房屋产权证明" in html
    refused = page.post(f"/tickets/{ticket.pk}/do/suspension_decide/",
                        {"approve": "0", "note": "请先电话联系市民"}, follow=True)
    assert "挂起申请已审核" in text_of(refused)
    assert Suspension.objects.get().state == "rejected"
    assert f.fresh(ticket).state == "in_progress"
    operator = web(people["operator"])
    html = text_of(operator.get(f"/tickets/{ticket.pk}/"))
    assert "为等待市民的工单申请挂起" in html and 'id="btn-suspension-approve"' not in html
    asked = operator.post(f"/tickets/{ticket.pk}/do/suspend/", {
        "suspend-reason_kind": "citizen_materials", "suspend-expected_days": "2",
        "suspend-reason": "市民出差，回来后补充现场照片"}, follow=True)
    assert "挂起申请已提交" in text_of(asked)
    assert Suspension.objects.filter(state="pending").get().requested_by == people["operator"]


def test_a_suspended_ticket_on_its_pages_and_the_timeline_shows_the_span_and_the_moved_deadline(web, people):
    with frozen_at(dt.datetime(2026, 11, 2, 10, 0, tzinfo=SH)):
        ticket = f.in_progress(people)
    with frozen_at(dt.datetime(2026, 11, 6, 15, 0, tzinfo=SH)):
        ds.ticket_suspension_request(ticket=ticket, actor=people["staff_a"], reason_kind="site_condition",
                                     reason="雨季无法施工", expected_days=3)
        ds.ticket_suspension_decide(ticket=ticket, actor=people["supervisor"], approve=True)
    unit = web(people["staff_a"])
    html = text_of(unit.get(f"/unit/tickets/{ticket.pk}/"))
    assert 'id="suspension-active"' in html and 'id="reply-form"' not in html and "现场条件暂不具备" in html
    home = text_of(unit.get("/unit/"))
    assert 'id="suspended"' in home and ticket.number in home
    office = text_of(web(people["supervisor"]).get(f"/tickets/{ticket.pk}/"))
    assert 'id="btn-resume"' in office
    with frozen_at(dt.datetime(2026, 11, 9, 9, 0, tzinfo=SH)):
        done = web(people["supervisor"]).post(f"/tickets/{ticket.pk}/do/resume/", {"note": "天气好转"}, follow=True)
    html = text_of(done)
    assert "已恢复办理，办理时限已顺延" in html
    assert "挂起原因：现场条件暂不具备" in html and "预计挂起工作日：3" in html
    assert "挂起期间：2026-11-06 15:00 至 2026-11-09 09:00，计18小时（工作日时间）" in html
    assert "期限：办理时限由 2026-11-16 23:59 顺延至 2026-11-17 17:59" in html
    assert "恢复方式：值班长恢复办理" in html
    assert 'id="suspension-history"' in html and "已恢复" in html
    assert Ticket.objects.get(pk=ticket.pk).state == "in_progress"


def test_the_citizens_progress_page_says_the_ticket_waits_and_resumed(client, people):
    from web.timeline import public_lines

    ticket = f.suspended(people)
    ds.ticket_resume(ticket=ticket, actor=people["supervisor"])
    labels = [line.label for line in public_lines(ticket.events.order_by("id"))]
    assert "工单暂缓办理（挂起），期间不计办理时限" in labels and "工单恢复办理" in labels
    assert not any("申请挂起" in label for label in labels)
