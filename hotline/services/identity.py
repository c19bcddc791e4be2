"""Issue 16 item 8: the record of the centre reading confidential tickets' callers whole.

Recorded where a person of the centre is shown a confidential ticket's citizen unmasked:
the ticket page, the API's detail (and an action's answer, which is the detail), and, set-based
(one INSERT for a page, whatever its length), the API's list pages, the caller history and the
回访 list. Lists that show no citizen (search, the board) record nothing. The ticket's
registration answer is not a read: the operator just typed the caller in."""
from ..models import IdentityRead
from ..privacy import is_centre, is_confidential


def identity_reads_record(*, actor, tickets, surface: str) -> int:
    """Record that `actor` read these tickets' citizens whole on `surface` (IdentityRead.Surface),
    for those of them that are confidential; one INSERT. Returns how many were recorded."""
    if not is_centre(actor):
        return 0
    label = (getattr(actor, "display_name", "") or actor.username)[:150]
    rows = [IdentityRead(ticket_id=t.pk, user=actor, user_label=label, surface=surface)
            for t in tickets if getattr(t, "citizen_id", None) and is_confidential(t)]
    if rows:
        IdentityRead.objects.bulk_create(rows)
    return len(rows)
