"""The 督办通知书 pages: a print view and the PDF, for the office and the unit it was sent to."""
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit.models import AuditAction
from audit.services import audit_file
from hotline.errors import NotFound
from hotline.models import Role
from hotline.selectors import unit_subtree_ids

from .models import SupervisionNotice
from .supervision_notices import notice_context, notice_pdf_bytes
from .visibility import ticket_get_for


def notice_for(user, ticket_id: int, notice_id: int) -> SupervisionNotice:
    """Visible when the ticket is; a unit sees only the notices addressed to it (or its sub-units)."""
    try:
        ticket = ticket_get_for(user, ticket_id)
    except NotFound:
        raise Http404("工单不存在") from None
    notice = SupervisionNotice.objects.filter(pk=notice_id, ticket=ticket).first()
    if notice is None:
        raise Http404("督办通知书不存在")
    if user.role == Role.UNIT_STAFF and notice.unit_id not in unit_subtree_ids(user.unit):
        raise Http404("督办通知书不存在")
    return notice


@require_GET
@login_required
def notice_print(request, ticket_id: int, notice_id: int):
    notice = notice_for(request.user, ticket_id, notice_id)
    return render(request, "dispatch/supervision_notice.html", notice_context(notice))


@require_GET
@login_required
def notice_pdf(request, ticket_id: int, notice_id: int):
    notice = notice_for(request.user, ticket_id, notice_id)
    response = HttpResponse(notice_pdf_bytes(notice), content_type="application/pdf")
    name = f"supervision-notice-{notice.ticket_number}-{notice.pk}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    audit_file(action=AuditAction.DOWNLOADED, request=request, file_name=name, target=notice.ticket)
    return response
