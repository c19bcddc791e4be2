"""A supervisor reviews a closed ticket's public text and publishes it as a typical case (or withdraws it)."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cases import services as case_services
from cases.models import PublishedCase
from cases.selectors import case_draft
from dispatch.visibility import ticket_get_for
from hotline.models import TicketState, TicketType
from hotline.permissions import OFFICE
from photos.selectors import ticket_photos

from ..case_forms import CaseReviewForm, CaseWithdrawForm
from .common import call_service, role_required


def publishable(ticket) -> bool:
    return ticket.state == TicketState.CLOSED and ticket.ticket_type != TicketType.REPORT


def _page(request, ticket, form, withdraw_form=None, status=200):
    return render(request, "tickets/case_review.html", {
        "ticket": ticket, "form": form, "withdraw_form": withdraw_form or CaseWithdrawForm(),
        "case": PublishedCase.objects.filter(ticket=ticket).select_related("published_by", "withdrawn_by").first(),
        "publishable": publishable(ticket), "nav": "tickets",
    }, status=status)


@role_required(*OFFICE)
def case_review(request, ticket_id: int):
    """GET: the ticket's own words beside the scrubbed draft; POST: publish what the reviewer approved."""
    ticket = ticket_get_for(request.user, ticket_id)
    photos = ticket_photos(ticket=ticket, user=request.user)
    if request.method != "POST":
        chosen = [p.pk for p in photos if p.public]
        return _page(request, ticket, CaseReviewForm(initial=case_draft(ticket) | {"public_photo_ids": chosen},
                                                     photos=photos))
    form = CaseReviewForm(request.POST, photos=photos)
    if form.is_valid() and call_service(form, case_services.case_publish, ticket=ticket, actor=request.user,
                                        **form.cleaned_data) is not None:
        messages.success(request, f"工单 {ticket.number} 已公开为典型案例")
        return redirect(f"/tickets/{ticket.pk}/case/")
    return _page(request, ticket, form, status=400)


@require_POST
@role_required(*OFFICE)
def case_withdraw(request, ticket_id: int):
    ticket = ticket_get_for(request.user, ticket_id)
    form = CaseWithdrawForm(request.POST)
    if form.is_valid() and call_service(form, case_services.case_withdraw, ticket=ticket, actor=request.user,
                                        reason=form.cleaned_data["reason"]) is not None:
        messages.success(request, f"工单 {ticket.number} 已撤回公开")
        return redirect(f"/tickets/{ticket.pk}/case/")
    photos = ticket_photos(ticket=ticket, user=request.user)
    review = CaseReviewForm(initial=case_draft(ticket) | {"public_photo_ids": [p.pk for p in photos if p.public]},
                            photos=photos)
    return _page(request, ticket, review, withdraw_form=form, status=409)
