"""Small filters used in long lists (a filter is far cheaper than an {% include %} per row)."""
from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from hotline import titles
from hotline.permissions import OFFICE

register = template.Library()

LIGHTS = {
    "red": '<span class="light red">红灯</span>',
    "yellow": '<span class="light yellow">黄灯</span>',
    "green": '<span class="light green">绿灯</span>',
}


@register.filter
def light_badge(light) -> str:
    return mark_safe(LIGHTS.get(light or "", ""))


# --- i24 portal part: long titles in lists -------------------------------------------------
@register.simple_tag
def cut_title(text, limit=30, tap=False) -> str:
    """A title cut at a pause or word boundary (hotline.titles.cut_title) with the whole title on
    hover (title=""). Inside a link, tapping opens the page that shows it whole; elsewhere pass
    tap=True: the short text is then focusable and a tap (focus) shows the whole title in place."""
    full = " ".join(str(text or "").split())
    short = titles.cut_title(full, int(limit))
    if short == full:
        return conditional_escape(full)
    if not tap:
        return format_html('<span class="cut-title" title="{}">{}</span>', full, short)
    return format_html('<span class="cut-title tap" title="{}" tabindex="0">'
                       '<span class="cut-short" aria-hidden="true">{}</span>'
                       '<span class="cut-full">{}</span></span>', full, short, full)


@register.filter
def may_publish_cases(user) -> bool:
    """Supervisors and admins review closed tickets for the public case list (cases.services)."""
    return bool(user and user.is_authenticated and user.has_role(*OFFICE))
