"""The centre's synonym groups as the search reads them, loaded once per change.

Every process keeps the groups it read with the stamp they were read at (the newest
`updated_at` and the count); a search asks for the stamp (one tiny query) and reloads only
when an edit changed it, so that an edit in one process reaches the others at once."""
import threading
import time

from django.db.models import Count, Max

from .models import KnowledgeSynonym
from .text import Synonyms

_lock = threading.Lock()
_cached: tuple[tuple, Synonyms] | None = None
_checked_at = 0.0
# How long a process trusts its groups before asking for the stamp again: a search while typing
# saves a round trip; an edit in another process reaches this one within this time (this
# process's own edits at once: the services call forget()).
TRUST_SECONDS = 2.0


def forget() -> None:
    global _cached
    _cached = None


def _stamp() -> tuple:
    row = KnowledgeSynonym.objects.aggregate(latest=Max("updated_at"), count=Count("id"))
    return (row["latest"], row["count"])


def current() -> Synonyms:
    global _cached, _checked_at
    cached = _cached
    if cached is not None and time.monotonic() - _checked_at < TRUST_SECONDS:
        return cached[1]
    stamp = _stamp()
    _checked_at = time.monotonic()
    if cached is not None and cached[0] == stamp:
        return cached[1]
    with _lock:
        groups = Synonyms.of(KnowledgeSynonym.objects.order_by("id").values_list("words", flat=True))
        _cached = (stamp, groups)
    return groups
