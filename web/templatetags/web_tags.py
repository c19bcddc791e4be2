"""Small filters used in long lists (a filter is far cheaper than an {% include %} per row)."""
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

LIGHTS = {
    "red": '<span class="light red">红灯</span>',
    "yellow": '<span class="light yellow">黄灯</span>',
    "green": '<span class="light green">绿灯</span>',
}


@register.filter
def light_badge(light) -> str:
    return mark_safe(LIGHTS.get(light or "", ""))
