"""Following a request past its own process: which request wrote an event.

A request queues its events in the outbox (production); a worker delivers them later in a
batch that may hold several requests' events, and the SMPP gateway submits the notices later
still. The request remembers its event ids here (the shared cache, for a day); the worker and
the gateway look them up and log under the request's id, so that `grep <request id>` over all
processes' logs shows a registration from the API call to the submit_sm of its receipt SMS.
"""
import logging

from django.core.cache import cache

from . import context

logger = logging.getLogger(__name__)
TTL_SECONDS = 24 * 3600


def _key(event_id: int) -> str:
    return f"ops:rid:ev:{event_id}"


def remember_events(event_ids: list[int]) -> None:
    request_id = context.current()
    if not request_id or not event_ids:
        return
    try:
        cache.set_many({_key(i): request_id for i in event_ids}, timeout=TTL_SECONDS)
    except Exception:
        logger.debug("request ids of events not remembered", exc_info=True)


def recall_events(event_ids) -> dict[int, str]:
    """{event id: request id} for the events a request wrote (those it can find)."""
    ids = list(event_ids)
    if not ids:
        return {}
    try:
        found = cache.get_many([_key(i) for i in ids])
    except Exception:
        return {}
    return {i: found[_key(i)] for i in ids if _key(i) in found}


def by_request(event_ids) -> dict[str, list[int]]:
    """The events grouped by the request that wrote them (events of no known request left out)."""
    groups: dict[str, list[int]] = {}
    for event_id, request_id in recall_events(event_ids).items():
        groups.setdefault(request_id, []).append(event_id)
    return groups
