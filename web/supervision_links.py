"""Links to the written supervision notices (督办通知书) a person may open on a ticket page."""
from django.urls import reverse

from dispatch.selectors import notices_for


def supervision_notices(user, ticket) -> list[dict]:
    return [
        {
            "id": notice.pk,
            "url": reverse("supervision-notice", args=[ticket.pk, notice.pk]),
            "pdf": reverse("supervision-notice-pdf", args=[ticket.pk, notice.pk]),
            "created_at": notice.created_at,
        }
        for notice in sorted(notices_for(user, ticket), key=lambda n: n.pk)
    ]
