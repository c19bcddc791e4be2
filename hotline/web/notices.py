"""Written supervision notices (督办通知书) come from the live-push app. This page code only
links to them, and only when a model called SupervisionNotice with a `ticket` exists."""
from django.apps import apps


def notice_model():
    for model in apps.get_models():
        if model.__name__ == "SupervisionNotice" and any(f.name == "ticket" for f in model._meta.fields):
            return model
    return None


def supervision_notices(ticket) -> list[dict]:
    model = notice_model()
    if model is None:
        return []
    rows = []
    for notice in model.objects.filter(ticket=ticket).order_by("pk"):
        base = f"/tickets/{ticket.pk}/supervision-notices/{notice.pk}/"
        created = getattr(notice, "created_at", None)
        rows.append({"id": notice.pk, "url": base, "pdf": base.rstrip("/") + ".pdf", "created_at": created})
    return rows
