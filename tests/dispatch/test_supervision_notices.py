"""督办通知书: the print view and the PDF, and who may download them."""
import datetime as dt

import pytest

from dispatch import timers
from dispatch.models import SupervisionNotice
from dispatch.services import ticket_return, ticket_return_accept, ticket_sign
from dispatch.supervision_notices import render_notice_pdf
from hotline.models import Ticket

from ..live.helpers import dispatched
from ..pdf import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(operator, supervisor, unit_a, django_capture_on_commit_callbacks) -> SupervisionNotice:
    ticket = dispatched(operator, supervisor, unit_a, title="幸福路路灯损坏")
    with django_capture_on_commit_callbacks(execute=True):
        timers.sweep_lights(now=ticket.due_at + dt.timedelta(days=3))
    return SupervisionNotice.objects.get(ticket=ticket)


def urls(notice):
    base = f"/tickets/{notice.ticket_id}/supervision-notices/{notice.pk}"
    return f"{base}/", f"{base}.pdf"


def test_the_unit_reads_and_downloads_its_notice(client, notice, staff_a, unit_a):
    client.force_login(staff_a)
    html_url, pdf_url = urls(notice)
    page = client.get(html_url)
    assert page.status_code == 200
    text = page.content.decode()
    for expected in ("督办通知书", notice.ticket_number, "幸福路路灯损坏", unit_a.name, "超期天数", "3天", "督办要求"):
        assert expected in text
    pdf = client.get(pdf_url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and b"STSong-Light" in pdf.content


def test_other_units_and_displays_cannot_see_it(client, notice, staff_b, outsider, display_device):
    for user in (staff_b, outsider, display_device):
        client.force_login(user)
        assert all(client.get(url).status_code == 404 for url in urls(notice)), user


def test_anonymous_visitors_are_sent_to_login(client, notice):
    response = client.get(urls(notice)[1])
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_unit_the_ticket_moved_to_does_not_get_the_previous_units_notice(client, notice, staff_a, staff_b,
                                                                          supervisor, unit_b):
    ticket = Ticket.objects.get(pk=notice.ticket_id)
    client.force_login(staff_a)
    assert urls(notice)[0] in client.get(f"/unit/tickets/{ticket.pk}/").content.decode()
    ticket_sign(ticket=ticket, actor=staff_a)
    ticket_return(ticket=ticket, actor=staff_a, reason_code="not_ours", reason="不属于本单位职责")
    ticket_return_accept(ticket=ticket, actor=supervisor, lead_unit=unit_b)
    client.force_login(staff_b)
    page = client.get(f"/unit/tickets/{ticket.pk}/")
    assert page.status_code == 200
    assert urls(notice)[0] not in page.content.decode()
    assert client.get(urls(notice)[0]).status_code == 404
    client.force_login(supervisor)
    assert client.get(urls(notice)[0]).status_code == 200


def test_unknown_notice_or_ticket_is_404(client, notice, supervisor):
    client.force_login(supervisor)
    assert client.get(f"/tickets/{notice.ticket_id}/supervision-notices/999999/").status_code == 404
    assert client.get(f"/tickets/999999/supervision-notices/{notice.pk}/").status_code == 404


def test_the_pdf_text_is_real_chinese(notice):
    text = pdf_text(render_notice_pdf(notice))
    assert "督办通知书" in text and notice.ticket_number in text


def test_ticket_pages_can_list_the_notices_a_user_may_open(notice, staff_a, staff_b, supervisor):
    from dispatch.selectors import notices_for

    ticket = notice.ticket
    assert notices_for(supervisor, ticket) == [notice]
    assert notices_for(staff_a, ticket) == [notice]
    assert notices_for(staff_b, ticket) == []
