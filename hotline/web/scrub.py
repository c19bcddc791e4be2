"""Making free text safe for public pages: no phones, ID numbers, e-mails or house numbers.

The portal's public case list and a citizen's progress page run every text
through `scrub_public`. It is deliberately greedy: a public page that hides a
harmless number is better than one that shows a private one.
"""
import re

from hotline.privacy import mask_name

# Runs of 5+ digits (phones with or without separators, ID numbers with a final X, bank cards).
_LONG_NUMBER = re.compile(r"(?:\+?86[-\s]?)?\d[\d\s-]{3,}\d[Xx]?")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# House-level address parts: 3栋, 2单元, 501室, 12号楼, 8号 ...
_HOUSE = re.compile(r"\d+\s*(?:号楼|栋|幢|单元|室|号|楼|层)")
MASK = "＊＊"


def scrub_public(text: str, *, names: tuple[str, ...] = (), max_length: int | None = None) -> str:
    """Remove what could identify a person. `names` (the citizen's name) become 张某."""
    text = text or ""
    for name in names:
        name = (name or "").strip()
        if len(name) >= 2:
            text = text.replace(name, mask_name(name))
    text = _EMAIL.sub(MASK, text)
    text = _HOUSE.sub(lambda m: MASK + re.sub(r"[\d\s]", "", m.group(0)), text)
    text = _LONG_NUMBER.sub(lambda m: MASK if sum(c.isdigit() for c in m.group(0)) >= 5 else m.group(0), text)
    if max_length is not None and len(text) > max_length:
        text = text[: max_length - 1] + "…"
    return text
