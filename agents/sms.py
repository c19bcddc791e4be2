"""The agents' two SMS hooks, registered by AgentsConfig.ready() (sms_gateway never imports this app):

- copies: the agent who filed a ticket gets the citizen's progress notices (sms_gateway.ticket_sms),
  unless the citizen opted the agent out; one query a batch.
- the keyword `QXDB [工单号]` (also `取消代办`): the citizen stops those copies, for one ticket or all
  the tickets agents filed for their number.
"""
import re

from hotline.models import Channel
from sms_gateway.intake import KeywordReply

from .models import Filing
from .services import agent_notices_stop

PREFIXES = ("QXDB", "取消代办")
NUMBER = re.compile(r"\d{11}")


def agent_copies(tickets) -> dict[int, list[str]]:
    ids = [t.pk for t in tickets if t.channel == Channel.AGENT]
    if not ids:
        return {}
    rows = (Filing.objects.filter(ticket_id__in=ids, agent_notified=True).exclude(agent__phone="")
            .values_list("ticket_id", "agent__phone"))
    copies: dict[int, list[str]] = {}
    for ticket_id, phone in rows:
        copies.setdefault(ticket_id, []).append(phone)
    return copies


def answer_keyword(*, phone: str, question: str) -> KeywordReply:
    match = NUMBER.search(question or "")
    changed = agent_notices_stop(citizen_phone=phone, number=match.group(0) if match else "")
    if not changed:
        return KeywordReply("reply_agent_optout_none", note="取消代办员短信：无可取消的工单")
    numbers = "、".join(f.ticket.number for f in changed)
    return KeywordReply("reply_agent_optout", {"numbers": numbers}, note=f"取消代办员短信：{numbers}",
                        fit="numbers", max_parts=2)
