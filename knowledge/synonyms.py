"""The centre's synonym groups as the search reads them, loaded once per change.

Every process keeps the groups it read with the stamp they were read at (the newest
`updated_at` and the count); a search asks for the stamp (one tiny query) and reloads only
when an edit changed it, so that an edit in one process reaches the others at once."""
import threading

from django.db.models import Count, Max

from .models import KnowledgeSynonym
from .text import Synonyms

_lock = threading.Lock()
_cached: tuple[tuple, Synonyms] | None = None


def _stamp() -> tuple:
    row = KnowledgeSynonym.objects.aggregate(latest=Max("updated_at"), count=Count("id"))
    return (row["latest"], row["count"])


def current() -> Synonyms:
    global _cached
    stamp = _stamp()
    cached = _cached
    if cached is not None and cached[0] == stamp:
        return cached[1]
    with _lock:
        groups = Synonyms.of(KnowledgeSynonym.objects.order_by("id").values_list("words", flat=True))
        _cached = (stamp, groups)
    return groups
