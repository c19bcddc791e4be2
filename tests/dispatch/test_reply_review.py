"""办结审核 (reply review, issue 16 item 3): a reviewed type's lead reply waits for the centre, which
approves it (then the survey and the citizen's result SMS follow, as after any reply) or sends it
back with a reason (the unit handles it again, the deadline unchanged). Empty or token replies are
refused for every unit reply. Which types are reviewed is a policy edited in the admin."""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from dispatch import services as d
from dispatch.models import Assignment, Reply, ReplyReviewPolicy, Survey
from dispatch.selectors import replies_awaiting_review, sent_back_replies, ticket_actions_for
from hotline.clock import frozen_at
from hotline.errors import Conflict, InvalidInput, NotAllowed
from hotline.models import Role, Ticket, TicketEvent, TicketState
from sms_gateway.models import Message
from tests import factories as f
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

FIRST = "已联系物业公司上门查看，确认是楼上住户水管老化漏水，已督促更换水管。"
SECOND = "已督促物业更换楼上破损水管并修补市民家墙面，经现场查看不再漏水，市民表示认可。"
REASON = "未说明墙面修补由谁负责、何时完成，请补充后重新答复"


def kinds(ticket) -> list[str]:
    return list(TicketEvent.objects.filter(ticket=ticket).exclude(kind="sms_sent").values_list("kind", flat=True))


def sms(ticket, template: str) -> list[str]:
    return list(Message.objects.filter(ticket=ticket, kind=template).order_by("id").values_list("body", flat=True))


def lead_part(ticket) -> Assignment:
    return Assignment.objects.get(ticket=ticket, role=Assignment.Role.LEAD, is_current=True)


def reply(people, ticket, text=FIRST, who="staff_a"):
    return d.ticket_reply(ticket=ticket, actor=people[who], text=text, confirm_absent_co_units=True)


# --- the two paths at reply time -------------------------------------------------------------

def test_a_complaints_reply_waits_for_the_centre_and_tells_the_citizen_nothing(people, committed):
    ticket = f.in_progress(people)  # a complaint: reviewed by default
    with committed():
        answer = reply(people, ticket)
    ticket = f.fresh(ticket)
    assert ticket.state == TicketState.REVIEWING and ticket.is_open
    assert abs(ticket.replied_at - answer.created_at) < dt.timedelta(seconds=1) and ticket.callback_due_at is None
    assert answer.review_state == Reply.Review.PENDING
    assert kinds(ticket)[-1] == "reply_for_review"
    assert not Survey.objects.filter(ticket=ticket).exists()
    assert sms(ticket, "citizen_result") == []  # the citizen hears nothing before the approval
    assert lead_part(ticket).state == Assignment.State.REPLIED  # the unit's part is done (已办)
    assert list(replies_awaiting_review()) == [answer]
    assert ticket_actions_for(people["supervisor"], ticket)[-2:] == ["review-approve", "review-send-back"]
    assert ticket_actions_for(people["staff_a"], ticket) == []


def test_a_type_without_review_is_replied_at_once_as_before(people, committed):
    ticket = f.in_progress(people, ticket_type="help")
    with committed():
        answer = reply(people, ticket)
    ticket = f.fresh(ticket)
    assert ticket.state == TicketState.REPLIED and ticket.callback_due_at is not None
    assert answer.review_state == Reply.Review.NONE and kinds(ticket)[-1] == "reply"
    assert Survey.objects.get(ticket=ticket).state == Survey.State.PENDING
    [result] = sms(ticket, "citizen_result")
    assert "已督促更换水管" in result
    assert list(replies_awaiting_review()) == []


# --- approval ------------------------------------------------------------------------------

def test_approval_opens_the_survey_and_sends_the_approved_result(people, committed):
    ticket = f.in_progress(people)
    answer = reply(people, ticket)
    with committed():
        approved = d.ticket_review_approve(ticket=ticket, actor=people["supervisor"], note="答复完整")
    assert approved.state == TicketState.REPLIED and approved.callback_due_at > answer.created_at
    assert approved.replied_at < answer.created_at + dt.timedelta(seconds=1)  # on-time-ness: the unit's reply's
    survey = Survey.objects.get(ticket=ticket)
    assert survey.state == Survey.State.PENDING and survey.due_at == approved.callback_due_at
    [result] = sms(ticket, "citizen_result")
    assert "已督促更换水管" in result
    answer.refresh_from_db()
    assert (answer.review_state, answer.reviewed_by, answer.review_note) == (
        "approved", people["supervisor"], "答复完整")
    event = TicketEvent.objects.get(ticket=ticket, kind="review_approve")
    assert (event.from_state, event.to_state) == ("reviewing", "replied")
    assert event.payload["reply_id"] == answer.pk and event.payload["reply_text"] == FIRST
    assert list(replies_awaiting_review()) == []


def test_on_time_is_judged_by_the_reply_not_by_the_approval(people):
    ticket = f.in_progress(people)
    reply(people, ticket)
    due = f.fresh(ticket).due_at
    with frozen_at(due + dt.timedelta(days=2)):  # the centre approves after the deadline
        d.ticket_review_approve(ticket=ticket, actor=people["supervisor"])
    d.survey_record(ticket=ticket, actor=people["operator"], result="satisfied")
    assert f.fresh(ticket).closed_on_time is True


# --- send back -------------------------------------------------------------------------------

def test_a_send_back_returns_the_ticket_to_the_unit_which_replies_again(people, committed):
    ticket = f.in_progress(people)
    first = reply(people, ticket)
    due = f.fresh(ticket).due_at
    with committed():
        back = d.ticket_review_send_back(ticket=ticket, actor=people["supervisor"], reason=REASON)
    assert back.state == TicketState.IN_PROGRESS and back.due_at == due and back.replied_at is None
    part = lead_part(ticket)
    assert (part.state, part.replied_at, part.ended_at) == (Assignment.State.SIGNED, None, None)
    first.refresh_from_db()
    assert (first.review_state, first.review_note) == (Reply.Review.SENT_BACK, REASON)
    assert sent_back_replies([ticket.pk]) == {ticket.pk: first}
    # The unit head is told why, and that the deadline stands; the citizen hears nothing.
    [notice] = sms(ticket, "unit_sent_back")
    assert REASON[:20] in notice and "退回" in notice and timezone.localtime(due).strftime("%m月%d日%H:%M") in notice
    head = people["staff_a"].unit.head_phone
    assert Message.objects.filter(ticket=ticket, kind="unit_sent_back").get().to_number == head
    assert sms(ticket, "citizen_result") == []
    assert "reply" in ticket_actions_for(people["staff_a"], back)

    second = reply(people, ticket, SECOND)
    assert f.fresh(ticket).state == TicketState.REVIEWING and sent_back_replies([ticket.pk]) == {}
    assert list(replies_awaiting_review()) == [second]
    with committed():
        d.ticket_review_approve(ticket=ticket, actor=people["supervisor"])
    [result] = sms(ticket, "citizen_result")  # once, with the approved (second) reply
    assert "市民表示认可" in result and "已督促更换水管" not in result
    assert kinds(ticket)[-4:] == ["reply_for_review", "review_send_back", "reply_for_review", "review_approve"]
    assert [r.review_state for r in Reply.objects.filter(ticket=ticket).order_by("id")] == ["sent_back", "approved"]


def test_a_send_back_needs_a_reason_and_changes_nothing_without_one(people, api):
    ticket = f.reviewing(people)
    before = f.fresh(ticket).version, TicketEvent.objects.count()
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        response = api(people["supervisor"]).post(f"/api/tickets/{ticket.pk}/review-send-back/", body, format="json")
        assert response.status_code == 400, response.content
        assert response.json()["error"]["field"] == "reason"
    with pytest.raises(InvalidInput) as refused:
        d.ticket_review_send_back(ticket=ticket, actor=people["supervisor"], reason="")
    assert refused.value.field == "reason" and "退回理由" in refused.value.message
    assert (f.fresh(ticket).version, TicketEvent.objects.count()) == before
    assert f.fresh(ticket).state == TicketState.REVIEWING


def test_a_sent_back_ticket_stays_red_past_its_deadline(people):
    """The clock kept running during the review: sent back after the deadline, it is overdue."""
    from dispatch.deadlines import ticket_light

    ticket = f.in_progress(people)
    reply(people, ticket)
    due = f.fresh(ticket).due_at
    assert ticket_light(f.fresh(ticket), due + dt.timedelta(hours=1)) is None  # under review: no light
    with frozen_at(due + dt.timedelta(hours=1)):
        back = d.ticket_review_send_back(ticket=ticket, actor=people["supervisor"], reason=REASON)
    assert back.due_at == due and ticket_light(back, due + dt.timedelta(hours=2)) == "red"


def test_co_units_still_open_may_answer_after_a_send_back(people):
    ticket = f.in_progress(people, co_signed=True)  # co-unit B signed, has not answered
    reply(people, ticket)  # the lead confirms it replies without B
    with pytest.raises(Conflict):  # under review nobody but the centre acts
        d.ticket_reply(ticket=ticket, actor=people["staff_b"], text="交通局已在施工路段设置围挡和警示标志")
    d.ticket_review_send_back(ticket=ticket, actor=people["supervisor"], reason=REASON)
    co = d.ticket_reply(ticket=ticket, actor=people["staff_b"], text="交通局已在施工路段设置围挡和警示标志")
    assert not co.is_lead and co.review_state == ""
    reply(people, ticket, SECOND)
    assert "absent_co_units" not in TicketEvent.objects.filter(ticket=ticket, kind="reply_for_review").last().payload


# --- who and when ----------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["operator", "staff_a", "staff_b", "leader"])
def test_only_the_office_decides(people, who):
    ticket = f.reviewing(people)
    for decide in (lambda: d.ticket_review_approve(ticket=ticket, actor=people[who]),
                   lambda: d.ticket_review_send_back(ticket=ticket, actor=people[who], reason=REASON)):
        with pytest.raises(NotAllowed):
            decide()
    assert f.fresh(ticket).state == TicketState.REVIEWING


def test_a_decided_review_cannot_be_decided_again(people, api):
    ticket = f.reviewing(people)
    sup = api(people["supervisor"])
    assert sup.post(f"/api/tickets/{ticket.pk}/review-approve/", {}, format="json").status_code == 200
    again = sup.post(f"/api/tickets/{ticket.pk}/review-send-back/", {"reason": REASON}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "state_conflict"
    in_hand = f.in_progress(people)
    assert sup.post(f"/api/tickets/{in_hand.pk}/review-approve/", {}, format="json").status_code == 409


def test_a_stale_if_match_is_refused(people, api):
    ticket = f.reviewing(people)
    sup = api(people["supervisor"])
    version = sup.get(f"/api/tickets/{ticket.pk}/").json()["version"]
    d.ticket_review_send_back(ticket=ticket, actor=people["supervisor"], reason=REASON)
    reply(people, ticket, SECOND)
    stale = sup.post(f"/api/tickets/{ticket.pk}/review-approve/", {}, format="json", HTTP_IF_MATCH=f'"{version}"')
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_version"


def test_merging_a_reviewing_ticket_withdraws_its_review(people):
    ticket = f.reviewing(people)
    d.ticket_merge(ticket=ticket, into=f.registered(people), actor=people["supervisor"], reason="同一处漏水")
    assert Reply.objects.get(ticket=ticket, is_lead=True).review_state == Reply.Review.CANCELLED
    assert list(replies_awaiting_review()) == []


# --- empty and token replies -----------------------------------------------------------------

@pytest.mark.parametrize(("text", "says"), [
    ("", "不能为空"), ("。。。！", "不能为空"), ("已处理", "套话"), ("已处理。", "套话"), ("已办结！", "套话"),
    ("您好，该问题已处理完毕，谢谢。", "套话"), ("已处理已处理已处理已处理已处理已处理", "套话"),
    ("已修复路面", "过于简单"), ("路灯 已 修好 了 ， ！", "过于简单"),
])
@pytest.mark.parametrize("who", ["staff_a", "staff_b"])  # the lead's reply and the co-unit's opinion
def test_empty_or_token_replies_are_refused_and_nothing_is_saved(people, api, text, says, who):
    ticket = f.in_progress(people, co_signed=True)
    before = (f.fresh(ticket).version, TicketEvent.objects.count(),
              list(Assignment.objects.filter(ticket=ticket).values_list("state", flat=True)))
    response = api(people[who]).post(f"/api/tickets/{ticket.pk}/reply/",
                                     {"text": text, "confirm_absent_co_units": True}, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["field"] == "text" and says in error["message"]
    if text:  # (an empty text is the API body's own 400, before the service)
        assert ("办理结果" if who == "staff_a" else "协办意见") in error["message"]
    assert not Reply.objects.exists()
    assert (f.fresh(ticket).version, TicketEvent.objects.count(),
            list(Assignment.objects.filter(ticket=ticket).values_list("state", flat=True))) == before


def test_the_minimum_length_is_a_setting(people, settings):
    settings.HOTLINE_REPLY_MIN_LENGTH = 5
    ticket = f.in_progress(people, ticket_type="help", co=False)
    assert d.ticket_reply(ticket=ticket, actor=people["staff_a"], text="路灯灯泡已更换").text == "路灯灯泡已更换"
    settings.HOTLINE_REPLY_MIN_LENGTH = 40
    other = f.in_progress(people, ticket_type="help", co=False)
    with pytest.raises(InvalidInput) as refused:
        d.ticket_reply(ticket=other, actor=people["staff_a"], text=FIRST)
    assert "至少写40个字" in refused.value.message


# --- the policy ------------------------------------------------------------------------------

def test_complaints_and_reports_are_reviewed_by_default_and_a_missing_row_is_not():
    assert dict(ReplyReviewPolicy.objects.values_list("ticket_type", "review_required")) == {
        "complaint": True, "report": True}
    assert d.reply_review_required("complaint") and d.reply_review_required("report")
    assert not d.reply_review_required("help") and not d.reply_review_required("consultation")


def test_a_policy_changed_in_the_admin_takes_effect_at_once(people, client):
    assert d.reply_review_required("complaint")  # read once: now in the cache
    client.force_login(make_user("sysadmin", Role.SYSADMIN))  # configuration is the system administrator's
    row = ReplyReviewPolicy.objects.get(ticket_type="complaint")
    page = client.get(reverse("admin:dispatch_replyreviewpolicy_changelist")).content.decode()
    assert "办结审核规则" in page and "投诉" in page
    response = client.post(reverse("admin:dispatch_replyreviewpolicy_change", args=[row.pk]),
                           {"ticket_type": "complaint"})  # review_required unticked
    assert response.status_code == 302
    response = client.post(reverse("admin:dispatch_replyreviewpolicy_add"),
                           {"ticket_type": "help", "review_required": "on"})
    assert response.status_code == 302

    complaint = f.in_progress(people, co=False)
    reply(people, complaint)
    assert f.fresh(complaint).state == TicketState.REPLIED  # no longer reviewed
    help_ticket = f.in_progress(people, ticket_type="help", co=False)
    reply(people, help_ticket)
    assert f.fresh(help_ticket).state == TicketState.REVIEWING  # now reviewed
    ReplyReviewPolicy.objects.filter(ticket_type="help").delete()
    assert not d.reply_review_required("help")


def test_the_api_schema_lists_the_review_actions(api, people):
    schema = api(people["supervisor"]).get("/api/schema/?format=json").json()
    approve = schema["paths"]["/api/tickets/{id}/review-approve/"]["post"]
    send_back = schema["paths"]["/api/tickets/{id}/review-send-back/"]["post"]
    assert "办结审核通过" in approve["description"] and "退回重办" in send_back["description"]
    body = send_back["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert schema["components"]["schemas"][body]["required"] == ["reason"]
    assert "reviewing" in schema["components"]["schemas"]["TicketStateEnum"]["enum"]


def test_the_ticket_detail_shows_each_replys_review(people, api):
    ticket = f.reviewing(people)
    d.ticket_review_send_back(ticket=ticket, actor=people["supervisor"], reason=REASON)
    detail = api(people["staff_a"]).get(f"/api/tickets/{ticket.pk}/").json()
    [lead] = [r for r in detail["replies"] if r["is_lead"]]
    assert (lead["review_state"], lead["review_note"]) == ("sent_back", REASON) and lead["reviewed_at"]
    assert detail["state"] == "in_progress" and "reply" in detail["actions"]
    assert Ticket.objects.get(pk=ticket.pk).state == "in_progress"


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_approve_and_send_back_at_once_one_wins_the_other_gets_409(people):
    """On PostgreSQL, ten supervisors' clicks at the same instant: the row lock decides."""
    from tests.dispatch.test_concurrency import race

    ticket = f.reviewing(people)
    requests = [(f"/api/tickets/{ticket.pk}/review-approve/", {}),
                (f"/api/tickets/{ticket.pk}/review-send-back/", {"reason": REASON})] * 5
    results = race(people["supervisor"], requests)
    winners = [r for r in results if r[1] == 200]
    assert len(winners) == 1 and {status for _, status, _ in results if status != 200} == {409}
    decided = [e for e in kinds(ticket) if e in ("review_approve", "review_send_back")]
    assert decided == [winners[0][0].replace("-", "_")]
    [lead] = Reply.objects.filter(ticket=ticket, is_lead=True)
    assert lead.review_state == ("approved" if decided == ["review_approve"] else "sent_back")
