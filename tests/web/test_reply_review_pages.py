"""办结审核 on the pages (issue 16 item 3): the board's 待审核 with 审核通过 / 退回重办, the same on the
ticket page, the reason on the unit's ticket page and inbox, and the citizen seeing no reply before
the approval."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dispatch import services as ds
from hotline.models import TicketState

pytestmark = pytest.mark.django_db

ANSWER = "已组织施工队回填塌陷路面并重新铺设沥青，现场设置警示标志，现已恢复通行"
REASON = "未说明塌陷原因和后续防范措施，请补充后重新答复"


@pytest.fixture
def reviewing(dispatched, staff_a):
    """Unit A's reply to the complaint, with a photo, waits for the centre."""
    ds.ticket_sign(ticket=dispatched, actor=staff_a)
    photo = SimpleUploadedFile("修复后.jpg", b"\xff\xd8fake", content_type="image/jpeg")
    ds.ticket_reply(ticket=dispatched, actor=staff_a, text=ANSWER, files=[photo])
    dispatched.refresh_from_db()
    assert dispatched.state == TicketState.REVIEWING
    return dispatched


def html(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_the_board_lists_replies_awaiting_review_with_both_buttons(web, supervisor, operator, reviewing, unit_a):
    board = html(web(supervisor), "/board/")
    section = board[board.index('id="sec-review"'):]
    section = section[:section.index("</section>")]
    assert "待审核（办结审核）" in section and reviewing.number in section
    assert unit_a.name in section and ANSWER[:20] in section and "修复后.jpg" in section
    assert f'action="/tickets/{reviewing.pk}/do/review_approve/"' in section and "审核通过" in section
    assert f'action="/tickets/{reviewing.pk}/do/review_send_back/"' in section and 'name="reason"' in section
    part = html(web(supervisor), "/board/?part=review")  # the section's own live refresh
    assert part.lstrip().startswith('<section class="card" id="sec-review"') and reviewing.number in part
    watching = html(web(operator), "/board/?part=review")  # an operator watches, the supervisor decides
    assert reviewing.number in watching and "review_approve" not in watching and "办结审核由值班长进行" in watching


def test_approving_on_the_board_goes_back_to_the_board(web, supervisor, reviewing):
    client = web(supervisor)
    response = client.post(f"/tickets/{reviewing.pk}/do/review_approve/", {"next": "/board/"})
    assert response.status_code == 302 and response["Location"] == "/board/"
    reviewing.refresh_from_db()
    assert reviewing.state == TicketState.REPLIED
    board = html(client, "/board/")
    assert "审核通过，办理结果已告知市民并进入回访" in board
    section = board[board.index('id="sec-review"'):]
    assert reviewing.number not in section[:section.index("</section>")]


def test_a_send_back_without_a_reason_is_refused_on_the_page(web, supervisor, reviewing):
    response = web(supervisor).post(f"/tickets/{reviewing.pk}/do/review_send_back/", {"reason": "", "next": "/board/"})
    assert response.status_code == 400 and "请填写退回理由" in response.content.decode()
    reviewing.refresh_from_db()
    assert reviewing.state == TicketState.REVIEWING


def test_the_unit_reads_the_reason_on_its_ticket_and_in_its_inbox_and_replies_again(
        web, supervisor, staff_a, reviewing):
    unit = web(staff_a)
    page = html(unit, f"/unit/tickets/{reviewing.pk}/")
    assert 'id="awaiting-review"' in page and 'id="reply-form"' not in page
    assert reviewing.number not in html(unit, "/unit/") and reviewing.number in html(unit, "/unit/done/")

    response = web(supervisor).post(f"/tickets/{reviewing.pk}/do/review_send_back/", {"reason": REASON})
    assert response.status_code == 302
    page = html(unit, f"/unit/tickets/{reviewing.pk}/")
    sent_back = page[page.index('id="sent-back"'):]
    assert REASON in sent_back[:800] and "办理时限不变" in sent_back[:800]
    assert 'id="reply-form"' in page and 'id="review-hint"' in page
    inbox = html(unit, "/unit/")
    assert reviewing.number in inbox and "退回重办" in inbox and REASON[:15] in inbox
    assert reviewing.number not in html(unit, "/unit/done/")

    response = unit.post(f"/unit/tickets/{reviewing.pk}/", {"action": "reply", "text": "已处理。"})
    assert "套话" in response.content.decode()  # a token reply is refused on the page too
    response = unit.post(f"/unit/tickets/{reviewing.pk}/", {
        "action": "reply", "text": ANSWER + "。塌陷系地下排水管破裂所致，已更换管道并纳入月度巡查。"})
    assert response.status_code == 302
    reviewing.refresh_from_db()
    assert reviewing.state == TicketState.REVIEWING
    page = html(unit, f"/unit/tickets/{reviewing.pk}/")
    assert "办理结果已提交，待热线办审核" in page and 'id="sent-back"' not in page
    assert "退回理由：" + REASON in page  # the earlier reply stays on the record, marked


def test_the_ticket_page_has_the_review_for_the_supervisor_only(web, supervisor, operator, reviewing):
    page = html(web(supervisor), f"/tickets/{reviewing.pk}/")
    assert 'id="btn-review-approve"' in page and 'id="btn-review-send-back"' in page and ANSWER in page
    assert "待审核" in page
    watching = html(web(operator), f"/tickets/{reviewing.pk}/")
    assert "btn-review-approve" not in watching and "待值班长办结审核" in watching


def test_the_citizen_sees_no_reply_before_the_approval(web, supervisor, reviewing):
    from sms_gateway.intake import progress_detail

    citizen = web()
    citizen.post("/portal/query/", {"number": reviewing.number, "last4": "5678"})
    page = html(citizen, f"/portal/progress/{reviewing.number}/")
    assert '<span class="tag" id="state">办理中</span>' in page and "待审核" not in page
    assert ANSWER[:12] not in page and "满意度评价" not in page
    assert ANSWER[:12] not in progress_detail(reviewing) and "办理时限" in progress_detail(reviewing)
    ds.ticket_review_approve(ticket=reviewing, actor=supervisor)
    page = html(citizen, f"/portal/progress/{reviewing.number}/")
    assert "承办单位已答复" in page and ANSWER[:12] in page and "满意度评价" in page
