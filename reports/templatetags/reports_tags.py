from django import template

register = template.Library()


@register.filter
def pct(value) -> str:
    """0.9234 → 92.3%; None (no denominator) → —."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.1f}%"
