"""The ruling told to the appealing unit by SMS after commit (a bus subscriber, AppealsConfig.ready):
to the unit head's mobile, once per ruling event (dedupe key), through sms_gateway.services. The unit's
staff also see the ruling live (live.push sends the event to the ticket's audience) and on its pages."""
import logging

from hotline.models import Unit
from sms_gateway import codec
from sms_gateway.services import SmsError, sms_send

logger = logging.getLogger(__name__)
RULINGS = {"appeal_upheld": "申诉成立", "appeal_rejected": "申诉驳回"}
NOTE_CHARS = 40


def ruling_text(event) -> str:
    p = event.payload
    note = " ".join(str(p.get("note", "")).split())
    if len(note) > NOTE_CHARS:
        note = note[:NOTE_CHARS] + "…"
    return (f"{p.get('unit', '')}：贵单位对工单{event.ticket.number}的{p.get('appeal_kind_label', '申诉')}，"
            f"热线办裁定{RULINGS[event.kind]}。{note}")


def on_ruling(event) -> None:
    if event.kind not in RULINGS:
        return
    unit = Unit.objects.filter(pk=event.payload.get("unit_id")).first()
    if unit is None or not unit.head_phone or not codec.is_mobile(unit.head_phone):
        return
    try:
        sms_send(to=unit.head_phone, body=ruling_text(event), kind="appeal_ruling", ticket=event.ticket,
                 dedupe_key=f"appeal_ruling:{event.pk}:{unit.head_phone}")
    except SmsError as exc:
        logger.warning("appeal ruling SMS for event %s refused: %s", event.pk, exc)
