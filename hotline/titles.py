"""Shortening a title for a list row: cut where a reader expects a pause, never inside a number
or a Latin word, and say so with an ellipsis (the pages show the whole title on hover and tap)."""
import re

ELLIPSIS = "…"
# A pause: after these, or at a space.
PAUSES = set("，。、；：！？,.;:!?）)】」』》 ")
# Characters that belong together when adjacent: Latin letters, digits, and the marks inside a
# number ("3.5", "1,200", "10:30", "50%"), an address ("3-2") or a word ("Wi-Fi", "don't").
_WORD_RE = re.compile(r"[A-Za-z0-9]+(?:[.,:%'/_-][A-Za-z0-9%]+)*%?")
# Near the limit only: a pause further back than this share of it loses to a plain boundary.
PAUSE_REACH = 0.6


def _inside_word(text: str) -> set[int]:
    """Positions i where cutting text[:i] would split a Latin word or a number."""
    inside = set()
    for match in _WORD_RE.finditer(text):
        inside.update(range(match.start() + 1, match.end()))
    return inside


def cut_title(text: str, limit: int) -> str:
    """`text` (whitespace folded) if it has at most `limit` characters; else a prefix of at most
    limit-1 characters ending at a pause or a character boundary outside any word or number,
    with "…" added."""
    text = " ".join(str(text or "").split())
    if limit < 2 or len(text) <= limit:
        return text
    inside = _inside_word(text)
    allowed = [i for i in range(1, limit) if i not in inside]
    pauses = [i for i in allowed if text[i - 1] in PAUSES or text[i] == " "]
    reach = int(limit * PAUSE_REACH)
    if pauses and pauses[-1] >= reach:
        cut = pauses[-1]
    elif allowed:
        cut = allowed[-1]
    else:
        cut = limit - 1  # one word longer than the whole row: nothing better exists
    head = text[:cut].rstrip("，、；：,;: ")
    return (head or text[:cut]) + ELLIPSIS
