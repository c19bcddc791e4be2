"""Filing and ruling appeals (申诉): the window, bad input, one open appeal, double rulings."""
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from appeals import rules
from appeals.models import Appeal
from appeals.services import appeal_file, appeal_reject, appeal_uphold
from dispatch.models import Survey
from hotline.errors import Conflict, InvalidInput, NotAllowed, NotFound, UnsupportedFile
from hotline.models import TicketEvent
from tests import factories as f

from .conftest import closed_late, dissatisfied, overdue, satisfied

REASON = "市民诉求超出政策范围，已按规定答复并留存录音"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def file_dissatisfied(people, **extra):
    ticket = dissatisfied(people)
    return appeal_file(ticket=ticket, actor=people["staff_a"], kind="dissatisfied", reason=REASON, **extra)


def test_unit_files_an_appeal_with_reason_and_attachment(people):
    photo = SimpleUploadedFile("现场照片.png", PNG, content_type="image/png")
    appeal = file_dissatisfied(people, files=[photo])
    assert appeal.state == "pending" and appeal.unit == people["staff_a"].unit
    assert appeal.survey.result == "dissatisfied"
    assert [a.name for a in appeal.attachments.all()] == ["现场照片.png"]
    event = TicketEvent.objects.filter(ticket=appeal.ticket, kind="appeal_filed").get()
    assert event.payload["reason"] == REASON and event.payload["appeal_kind_label"] == "不满意申诉"
    assert appeal.ruling_due_at == rules.ruling_deadlines(appeal.created_at)[0]


def test_filing_window_in_and_just_out_by_working_days(people, at, settings):
    settings.APPEAL_WINDOW_WORKING_DAYS = 3
    ticket = dissatisfied(people)
    answered = Survey.objects.get(ticket=ticket).answered_at
    end = rules.window_end(answered)
    local = timezone.localtime(end)
    assert (local.hour, local.minute) == (23, 59)
    # the end is the 3rd working day after the answer: at least 3 calendar days later
    assert (local.date() - timezone.localtime(answered).date()).days >= 3
    at(end + dt.timedelta(minutes=1))
    with pytest.raises(Conflict, match="3个工作日内") as refused:
        appeal_file(ticket=ticket, actor=people["staff_a"], kind="dissatisfied", reason=REASON)
    assert refused.value.code == "appeal_window_passed"
    assert not Appeal.objects.exists()
    at(end - dt.timedelta(minutes=1))
    assert appeal_file(ticket=ticket, actor=people["staff_a"], kind="dissatisfied", reason=REASON).pk


def test_overdue_window_counts_from_the_deadline(people, at, settings):
    settings.APPEAL_WINDOW_WORKING_DAYS = 1
    ticket = overdue(people)
    end = rules.window_end(ticket.due_at)
    at(end + dt.timedelta(seconds=30))
    with pytest.raises(Conflict, match="1个工作日内"):
        appeal_file(ticket=ticket, actor=people["staff_a"], kind="overdue", reason=REASON)
    at(end - dt.timedelta(seconds=30))
    assert appeal_file(ticket=ticket, actor=people["staff_a"], kind="overdue", reason=REASON).kind == "overdue"


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(people, reason):
    ticket = dissatisfied(people)
    with pytest.raises(InvalidInput, match="申诉理由不能为空") as refused:
        appeal_file(ticket=ticket, actor=people["staff_a"], kind="dissatisfied", reason=reason)
    assert refused.value.field == "reason"
    assert not Appeal.objects.exists() and not TicketEvent.objects.filter(kind="appeal_filed").exists()


def test_wrong_kind_is_refused(people):
    ticket = dissatisfied(people)
    with pytest.raises(InvalidInput, match="申诉类型须为") as refused:
        appeal_file(ticket=ticket, actor=people["staff_a"], kind="praise", reason=REASON)
    assert refused.value.field == "kind"
    # an overdue appeal on a ticket that was never late
    with pytest.raises(InvalidInput, match="没有超期"):
        appeal_file(ticket=ticket, actor=people["staff_a"], kind="overdue", reason=REASON)
    assert not Appeal.objects.exists()


def test_a_satisfied_survey_cannot_be_appealed(people):
    ticket = satisfied(people)
    with pytest.raises(InvalidInput, match="没有不满意的回访评价"):
        appeal_file(ticket=ticket, actor=people["staff_a"], kind="dissatisfied", reason=REASON)


def test_a_ticket_not_theirs(people):
    ticket = dissatisfied(people)
    with pytest.raises(NotFound):  # unit C never saw it
        appeal_file(ticket=ticket, actor=people["outsider"], kind="dissatisfied", reason=REASON)
    with pytest.raises(NotAllowed):  # the operator is no handling unit
        appeal_file(ticket=ticket, actor=people["operator"], kind="dissatisfied", reason=REASON)
    co = f.dispatched(people)  # unit B is the co-unit; it cannot appeal A's overdue
    from hotline.models import Ticket
    Ticket.objects.filter(pk=co.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(NotAllowed, match="当时的主办单位"):
        appeal_file(ticket=f.fresh(co), actor=people["staff_b"], kind="overdue", reason=REASON)
    assert not Appeal.objects.exists()


def test_a_second_open_appeal_is_refused_and_the_first_kept(people):
    first = file_dissatisfied(people)
    with pytest.raises(Conflict, match="已有同类申诉在审核中"):
        appeal_file(ticket=first.ticket, actor=people["staff_a"], kind="dissatisfied", reason="再次申诉")
    assert list(Appeal.objects.values_list("reason", flat=True)) == [REASON]


def test_a_file_that_is_not_what_it_says_is_refused(people):
    fake = SimpleUploadedFile("photo.png", b"<html><script>alert(1)</script></html>", content_type="image/png")
    ticket = dissatisfied(people)
    with pytest.raises(UnsupportedFile):
        appeal_file(ticket=ticket, actor=people["staff_a"], kind="dissatisfied", reason=REASON, files=[fake])
    assert not Appeal.objects.exists()


def test_uphold_records_who_and_why_and_flags_the_survey(people):
    appeal = file_dissatisfied(people)
    ruled = appeal_uphold(appeal=appeal, actor=people["supervisor"], note="录音证实已按政策答复")
    assert (ruled.state, ruled.decided_by) == ("upheld", people["supervisor"])
    assert ruled.decision_note == "录音证实已按政策答复"
    assert Survey.objects.get(pk=appeal.survey_id).appeal_upheld
    event = TicketEvent.objects.filter(ticket=appeal.ticket, kind="appeal_upheld").get()
    assert event.actor == people["supervisor"] and event.payload["note"] == "录音证实已按政策答复"


def test_uphold_of_an_overdue_excuses_the_ticket(people):
    ticket = closed_late(people)
    appeal = appeal_file(ticket=ticket, actor=people["staff_a"], kind="overdue", reason=REASON)
    appeal_uphold(appeal=appeal, actor=people["supervisor"], note="系统故障导致超期")
    assert f.fresh(ticket).overdue_excused
    with pytest.raises(Conflict, match="已经成立"):
        appeal_file(ticket=ticket, actor=people["staff_a"], kind="overdue", reason=REASON)


def test_reject_needs_a_reason_and_keeps_the_event(people):
    appeal = file_dissatisfied(people)
    with pytest.raises(InvalidInput, match="驳回理由不能为空"):
        appeal_reject(appeal=appeal, actor=people["supervisor"], reason=" ")
    assert Appeal.objects.get(pk=appeal.pk).state == "pending"
    appeal_reject(appeal=appeal, actor=people["supervisor"], reason="理由不充分")
    assert not Survey.objects.get(pk=appeal.survey_id).appeal_upheld
    assert TicketEvent.objects.filter(ticket=appeal.ticket, kind="appeal_rejected").exists()
    with pytest.raises(Conflict, match="已申诉并已裁定"):
        appeal_file(ticket=appeal.ticket, actor=people["staff_a"], kind="dissatisfied", reason=REASON)


def test_double_ruling_refused(people):
    appeal = file_dissatisfied(people)
    appeal_uphold(appeal=appeal, actor=people["supervisor"], note="成立")
    with pytest.raises(Conflict, match="不能重复裁定"):
        appeal_reject(appeal=appeal, actor=people["supervisor"], reason="驳回")
    with pytest.raises(Conflict, match="不能重复裁定"):
        appeal_uphold(appeal=appeal, actor=people["supervisor"], note="再次")
    assert Appeal.objects.get(pk=appeal.pk).state == "upheld"
    assert TicketEvent.objects.filter(ticket=appeal.ticket, kind__startswith="appeal_").count() == 2


def test_only_the_centre_rules(people):
    appeal = file_dissatisfied(people)
    for who in ("staff_a", "operator", "leader"):
        with pytest.raises(NotAllowed):
            appeal_uphold(appeal=appeal, actor=people[who], note="成立")
    assert Appeal.objects.get(pk=appeal.pk).state == "pending"


def test_unit_head_gets_an_sms_of_the_ruling_after_commit(people, django_capture_on_commit_callbacks):
    from sms_gateway.models import Message
    unit = people["staff_a"].unit
    unit.head_phone = "13900001111"
    unit.save()
    appeal = file_dissatisfied(people)
    with django_capture_on_commit_callbacks(execute=True):
        appeal_reject(appeal=appeal, actor=people["supervisor"], reason="证据不足")
    message = Message.objects.get(kind="appeal_ruling")
    assert message.to_number == "13900001111"
    assert appeal.ticket.number in message.body and "申诉驳回" in message.body and "证据不足" in message.body
