"""The public citizen portal: submit, query progress, answer the survey, browse published cases.

No login. Citizens' names and phones never appear here (at most a masked phone to the
person who just proved they know it); public text is scrubbed (hotline.privacy.scrub_text).
"""
import secrets

from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cases.selectors import case_categories, case_months, case_search, published_cases
from dispatch import services as dispatch_services
from dispatch.models import Survey
from hotline.errors import HotlineError
from hotline.models import Channel, Ticket, TicketType
from hotline.models.tickets import public_state_label
from hotline.privacy import mask_phone, scrub_text
from hotline.selectors import ticket_by_number, ticket_timeline
from hotline.services import tickets as ticket_services
from photos.selectors import public_photos
from photos.services import photos_add
from places.services import ticket_locate

from .. import captcha, ratelimit
from ..models import CaseVote
from ..portal_forms import CaseFilterForm, PortalSubmitForm, PortalSurveyForm, QueryForm
from ..timeline import public_lines

VERIFIED_KEY = "portal_verified"
VOTER_COOKIE = "portal_voter"
CASES_PER_PAGE = 10
PORTAL_LABEL = "市民（网站）"


def portal_home(request):
    return render(request, "portal/home.html", {"query_form": QueryForm()})


def portal_submit(request):
    if request.method == "POST" and request.POST.get("refresh_captcha"):
        # 看不清，换一题 without JavaScript: the form again with what was typed, and a new question.
        typed = {name: request.POST.get(name, "") for name in PortalSubmitForm.base_fields if name != "captcha"}
        image, refused = _refreshed_captcha(request)
        return _submit_page(request, PortalSubmitForm(initial=typed), image, refused)
    if request.method == "POST":
        form = PortalSubmitForm(request.POST, request.FILES)
        if not ratelimit.allow(request, "portal_submit"):
            form.add_error(None, "提交过于频繁，请稍后再试或拨打12345热线")
        elif form.is_valid():
            if not captcha.check(request, form.cleaned_data["captcha"]):
                form.add_error("captcha", "验证码不正确，请重新计算新的算式")
            else:
                ticket = _register(form)
                if ticket is not None:
                    _verify(request, ticket)
                    request.session["portal_submitted"] = ticket.pk
                    return redirect("/portal/submitted/")
        form.ask_for_photos_again()
        # A fresh question on every showing of the form; the typed answer is cleared, the rest kept.
        form.data = form.data.copy()
        form.data["captcha"] = ""
    else:
        form = PortalSubmitForm()
    return _submit_page(request, form, captcha.new_challenge(request))


def _submit_page(request, form, image: str, refused: str = ""):
    return render(request, "portal/submit.html", {"form": form, "captcha_image": image, "captcha_refused": refused})


def _refreshed_captcha(request) -> tuple[str, str]:
    """A new question, or (over the limit) the same one again with the reason: (image, refusal)."""
    if not ratelimit.allow(request, "portal_captcha"):
        image = captcha.current_image(request)
        if image is not None:
            return image, "换题过于频繁，请计算当前算式或稍后再试"
    return captcha.new_challenge(request), ""


@require_POST
def portal_captcha(request):
    """看不清，换一题 with htmx: only the captcha field is replaced, so nothing typed is lost."""
    if not request.headers.get("HX-Request"):
        return redirect("/portal/submit/")
    image, refused = _refreshed_captcha(request)
    return render(request, "portal/_captcha.html", {"form": PortalSubmitForm(), "captcha_image": image,
                                                    "captcha_refused": refused})


@transaction.atomic
def _register_with_place_and_photos(data):
    place = data["place"]
    ticket = ticket_services.ticket_register(
        actor=None, actor_label=PORTAL_LABEL, channel=Channel.WEB, ticket_type=data["ticket_type"],
        content=data["content"], citizen_phone=data["citizen_phone"], citizen_name=data["citizen_name"],
        title=data["title"], address=data["address"], area=place.area,
    )
    if place.latitude is not None:  # issue 19 item 5
        ticket = ticket_locate(ticket=ticket, latitude=place.latitude, longitude=place.longitude, area=place.area)
    photos_add(ticket=ticket, files=data["photos"], actor=None, actor_label=PORTAL_LABEL)  # issue 19 item 4
    return ticket


def _register(form):
    try:
        return _register_with_place_and_photos(form.cleaned_data)
    except HotlineError as exc:
        field = exc.field if exc.field in form.fields else None
        form.add_error(field, exc.message)
        return None


def portal_submitted(request):
    ticket_id = request.session.get("portal_submitted")
    ticket = Ticket.objects.filter(pk=ticket_id).first() if ticket_id else None
    if ticket is None:
        return redirect("/portal/")
    return render(request, "portal/submitted.html", {"ticket": ticket})


def _verify(request, ticket):
    verified = [i for i in request.session.get(VERIFIED_KEY, []) if i != ticket.pk][-9:]
    request.session[VERIFIED_KEY] = [*verified, ticket.pk]


def _is_verified(request, ticket) -> bool:
    return ticket.pk in request.session.get(VERIFIED_KEY, [])


def portal_query(request):
    form = QueryForm(request.POST or None)
    if request.method == "POST":
        if not ratelimit.allow(request, "portal_query"):
            form.add_error(None, "查询过于频繁，请10分钟后再试")
        elif form.is_valid():
            ticket = ticket_by_number(form.cleaned_data["number"])
            phone = ticket.citizen.phone if ticket is not None and ticket.citizen_id else ""
            if ticket is None or not phone.endswith(form.cleaned_data["last4"]):
                # One message for both, so that the form does not tell which numbers exist.
                form.add_error(None, "工单编号或电话后四位不正确")
            else:
                _verify(request, ticket)
                return redirect(f"/portal/progress/{ticket.number}/")
    return render(request, "portal/query.html", {"form": form})


def portal_progress(request, number: str):
    ticket = ticket_by_number(number)
    if ticket is None or not _is_verified(request, ticket):
        messages.info(request, "请输入工单编号和联系电话后四位查询")
        return redirect("/portal/query/")
    return _progress(request, ticket, PortalSurveyForm())


def _progress(request, ticket, survey_form, status=200):
    names = (ticket.citizen.name,) if ticket.citizen_id else ()
    pending = Survey.objects.filter(ticket=ticket, state=Survey.State.PENDING).exists()
    return render(request, "portal/progress.html", {
        "ticket": ticket, "title": scrub_text(ticket.title, names=names, max_length=None),
        "state_label": public_state_label(ticket.state),
        "content": scrub_text(ticket.content, names=names, max_length=None),
        "phone": mask_phone(ticket.citizen.phone) if ticket.citizen_id else "",
        "lines": public_lines(ticket_timeline(ticket), names=names),
        "survey_form": survey_form if pending else None,
        "answered": Survey.objects.filter(ticket=ticket, state=Survey.State.ANSWERED).order_by("-id").first(),
    }, status=status)


@require_POST
def portal_survey(request, number: str):
    ticket = ticket_by_number(number)
    if ticket is None or not _is_verified(request, ticket):
        return redirect("/portal/query/")
    form = PortalSurveyForm(request.POST)
    if not ratelimit.allow(request, "portal_survey"):
        form.add_error(None, "提交过于频繁，请稍后再试")
    elif form.is_valid():
        try:
            dispatch_services.survey_record(
                ticket=ticket, actor=None, actor_label=PORTAL_LABEL, result=form.cleaned_data["result"],
                comment=form.cleaned_data["comment"],
            )
        except HotlineError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "感谢您的评价！")
            return redirect(f"/portal/progress/{ticket.number}/")
    return _progress(request, ticket, form, status=400)


def portal_cases(request):
    """典型案例: only cases a supervisor reviewed and published (cases app), with a word search and
    category and month filters. The texts were scrubbed when published and are shown as reviewed."""
    form = CaseFilterForm(request.GET or None, categories=case_categories(), months=case_months())
    filters = {}
    if form.is_bound:
        # A filter that is not one of the choices is said so and left out; the others still apply.
        form.is_valid()
        filters = form.cleaned_data
    qs = case_search(words=filters.get("q", ""), category_id=int(filters.get("category") or 0) or None,
                     month=filters.get("month", ""))
    page = Paginator(qs.select_related("category"), CASES_PER_PAGE).get_page(request.GET.get("page"))
    ids = [case.ticket_id for case in page]
    votes = {row["ticket"]: row for row in CaseVote.objects.filter(ticket_id__in=ids).values("ticket").annotate(
        up=Count("id", filter=Q(choice=CaseVote.Choice.SATISFIED)),
        down=Count("id", filter=Q(choice=CaseVote.Choice.DISSATISFIED)))}
    photos = {}
    for photo in public_photos(ids):  # issue 19: only the photos the centre published with the case
        photos.setdefault(photo.ticket_id, []).append(photo)
    voter = _voter(request)
    mine = dict(CaseVote.objects.filter(ticket_id__in=ids, voter=voter).values_list("ticket_id", "choice")) \
        if voter else {}
    cases = [{
        "id": case.ticket_id, "type": TicketType(case.ticket_type).label if case.ticket_type in TicketType.values
        else "", "category": case.category.name if case.category_id else "", "closed_at": case.closed_at,
        "title": case.title, "summary": case.summary, "answer": case.answer, "unit": case.unit_name,
        "up": votes.get(case.ticket_id, {}).get("up", 0), "down": votes.get(case.ticket_id, {}).get("down", 0),
        "mine": mine.get(case.ticket_id), "photos": photos.get(case.ticket_id, []),
    } for case in page]
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "portal/cases.html", {
        "cases": cases, "page": page, "form": form, "query": params.urlencode(),
        "filtered": any(filters.get(k) for k in ("q", "category", "month")),
    })


def _voter(request) -> str:
    try:
        return request.get_signed_cookie(VOTER_COOKIE, salt="portal-vote")
    except (KeyError, signing.BadSignature):
        return ""


@require_POST
def portal_vote(request, ticket_id: int):
    case = published_cases().select_related("ticket").filter(ticket_id=ticket_id).first()
    if case is None:
        raise Http404("案例不存在")
    ticket = case.ticket
    choice = request.POST.get("choice", "")
    back = request.POST.get("back", "")
    # Back to the list the citizen voted from (its filters and page), never to another site.
    back = back if back.startswith("?") and "\n" not in back else ""
    target = f"/portal/cases/{back}#case-{ticket.pk}"
    if choice not in CaseVote.Choice.values:
        messages.error(request, "请选择满意或不满意")
        return redirect(target)
    if not ratelimit.allow(request, "portal_vote"):
        messages.error(request, "评价过于频繁，请稍后再试")
        return redirect(target)
    voter = _voter(request) or secrets.token_hex(16)
    try:
        with transaction.atomic():
            CaseVote.objects.create(ticket=ticket, choice=choice, voter=voter)
    except IntegrityError:
        messages.info(request, "您已评价过该案例，谢谢参与")
    else:
        messages.success(request, "感谢您的评价")
    response = redirect(target)
    response.set_signed_cookie(VOTER_COOKIE, voter, salt="portal-vote", max_age=3 * 365 * 24 * 3600,
                               httponly=True, samesite="Lax")
    return response
