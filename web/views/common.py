"""What every page view shares: role checks, calling a service from a form, lights, citizens."""
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils import timezone

from dispatch.deadlines import ticket_light
from hotline.errors import Conflict, HotlineError, InvalidInput, NotAllowed, NotFound, UnsupportedFile
from hotline.models import Role
from hotline.privacy import citizen_as_seen_by, ticket_as_seen_by, tickets_as_seen_by

HOME_BY_ROLE = {
    Role.OPERATOR: "/console/",
    Role.SUPERVISOR: "/board/",
    Role.ADMIN: "/board/",
    Role.LEADER: "/m/",
    Role.UNIT_STAFF: "/unit/",
    Role.DISPLAY: "/display/",
    # 三员分立: the system and security administrators work in the admin site (each sees only
    # its own pages there), the audit administrator on the audit page and nowhere else.
    Role.SYSADMIN: "/admin/",
    Role.SECADMIN: "/account/security/",
    Role.AUDITOR: "/audit/",
    Role.AGENT: "/agent/",  # issue 19: village agents (agents/)
}


def home_url(user) -> str:
    if user.is_superuser:
        return "/admin/"  # bootstrap only: the accounts pages of the admin site
    return HOME_BY_ROLE.get(user.role, "/portal/")


def role_required(*roles):
    """Signed-in users with one of `roles` only; others get a Chinese 403 page with a way home."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.has_role(*roles):
                return render(request, "errors/403.html", {"home": home_url(user)}, status=403)
            try:
                return view(request, *args, **kwargs)
            except NotFound as exc:
                return render(request, "errors/404.html", {"message": exc.message, "home": home_url(user)},
                              status=404)
            except NotAllowed as exc:
                return render(request, "errors/403.html", {"message": exc.message, "home": home_url(user)},
                              status=403)

        return wrapper

    return decorator


def call_service(form, service, *, raises: tuple = (), **kwargs):
    """Run a service; a domain error lands on the form (on its field when it has one).

    Returns the service's result, or None when it failed (the form now has the error).
    `raises`: errors the caller answers itself (e.g. NotAllowed, which role_required turns into a 403).
    """
    try:
        return service(**kwargs)
    except raises:
        raise
    except (InvalidInput, UnsupportedFile) as exc:
        field = exc.field if exc.field in form.fields else None
        form.add_error(field, exc.message)
    except (Conflict, NotAllowed, NotFound, HotlineError) as exc:
        form.add_error(None, exc.message)
    return None


def light_of(ticket, now=None) -> str | None:
    return ticket_light(ticket, now or timezone.now())


def with_lights(tickets, now=None) -> list:
    """Attach `.light` to each ticket (a pure function of its deadline and now)."""
    now = now or timezone.now()
    rows = list(tickets)
    for ticket in rows:
        ticket.light = ticket_light(ticket, now)
    return rows


def citizen_view(user, ticket) -> dict | None:
    """The caller as this user may see them: whole for the office and units, masked for leaders,
    hidden outside the centre on a confidential ticket (hotline.privacy)."""
    return citizen_as_seen_by(ticket=ticket, user=user)


# --- issue 16 item 8: what a page shows of a ticket goes through hotline.privacy -------------
def ticket_lens(user, ticket):
    return ticket_as_seen_by(ticket=ticket, user=user)


def shown_parts(lens, *, replies=(), instructions=()) -> tuple[list, list]:
    """The replies (with their attachments, prefetched) and instructions of a ticket page, each
    given what partials/replies.html shows: `shown_text`, and each attachment `shown_name`."""
    replies = lens.name_attachments(replies)
    instructions = list(instructions)
    for instruction in instructions:
        instruction.shown_text = lens.text(instruction.text)
    return replies, instructions


def with_safe_titles(user, tickets) -> list:
    """Each ticket of a list gets `safe_title`: its title as this user may read it (leaders
    masked; units and leaders with the citizen taken out of a confidential ticket's). The
    citizens a confidential row needs are read in one query."""
    rows = list(tickets)
    for lens in tickets_as_seen_by(tickets=rows, user=user):
        lens.ticket.safe_title = lens.title
    return rows


def safe_next(request, default: str) -> str:
    """A local `next` from the form, never an outside address."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default
