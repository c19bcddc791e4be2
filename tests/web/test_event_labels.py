"""Every kind of event the code can write reads as Chinese on every timeline: the staff ticket
page, the leader's and the unit's pages, the citizen's progress page, the live push and the API."""
import ast
import re
from pathlib import Path

import pytest

from dispatch import services as ds
from dispatch.models import TimerReminder
from dispatch.timers import LIGHT_NOTICES
from hotline.event_kinds import EVENT_LABELS, UNKNOWN_LABEL, event_label
from hotline.events import new_event, save_events
from hotline.workflow import TRANSITIONS
from live.payloads import kind_label as live_kind_label
from web.timeline import NOT_PUBLIC, PUBLIC_LABELS
from web.timeline import kind_label as staff_kind_label

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
APPS = ["hotline", "dispatch", "sms_gateway", "telephony", "live", "reports", "cases", "web", "api", "demo",
        "knowledge", "assessment", "appeals", "exports", "bulletins", "open311", "agents", "photos", "places"]
CHINESE = re.compile(r"[\u4e00-\u9fff]")
WRITERS = ("events import", "workflow import")


SMS_SENDERS = {"sms_send", "sms_send_many"}


def _called(node: ast.Call) -> str:
    return getattr(node.func, "id", None) or getattr(node.func, "attr", "")


def written_kinds() -> set[str]:
    """Every kind the code can write: the string literals given as `kind=` or `action=` in the
    modules that write events, the transitions, and the kinds the timers write from tables."""
    kinds = set(TRANSITIONS) | set(TimerReminder.Kind.values) | set(LIGHT_NOTICES.values())
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            if "migrations" in path.parts or not any(w in source for w in WRITERS):
                continue
            for node in ast.walk(ast.parse(source)):
                if not isinstance(node, ast.Call) or _called(node) in SMS_SENDERS:
                    continue  # an SMS's kind names the message, not a timeline line
                for keyword in node.keywords:
                    if keyword.arg in ("kind", "action"):
                        kinds |= {c.value for c in ast.walk(keyword.value)
                                  if isinstance(c, ast.Constant) and isinstance(c.value, str)}
    return kinds


KINDS = sorted(written_kinds())


def test_the_scan_finds_the_kinds_written_outside_transitions():
    assert {"register", "sms_sent", "urge", "co_sign", "merged_in", "survey_sent", "case_published"} <= set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_a_chinese_label(kind):
    assert kind in EVENT_LABELS, f"{kind} has no label in hotline/event_kinds.py"
    for label in (event_label(kind), staff_kind_label(kind), live_kind_label(kind)):
        assert CHINESE.search(label) and kind not in label
    # The citizen's page names it in Chinese, or leaves it out on purpose.
    assert kind in NOT_PUBLIC or CHINESE.search(PUBLIC_LABELS[kind])


def test_an_unknown_kind_never_shows_its_code():
    assert event_label("some_new_kind") == UNKNOWN_LABEL


@pytest.fixture
def every_kind(make_ticket, supervisor, leader, unit_a):
    """A ticket seen by the leader (instructed) and unit A, with one line of every kind."""
    ticket = make_ticket(content="小区路灯不亮")
    ds.ticket_submit_for_approval(ticket=ticket, actor=supervisor, leader=leader)
    ds.ticket_instruct(ticket=ticket, actor=leader, text="请处理", units=[unit_a])
    ds.ticket_dispatch(ticket=ticket, actor=supervisor, lead_unit=unit_a)
    save_events([new_event(ticket=ticket, kind=kind, actor_label="系统", payload={"note": "记录"}) for kind in KINDS])
    ticket.refresh_from_db()
    return ticket


def _timeline_text(html: str) -> str:
    start = html.index('class="timeline"')
    return html[start:html.index("</ol>", start)]


def test_no_timeline_shows_a_kind_code(every_kind, web, api, supervisor, leader, staff_a):
    pages = {
        "staff": web(supervisor).get(f"/tickets/{every_kind.pk}/"),
        "leader": web(leader).get(f"/m/tickets/{every_kind.pk}/"),
        "unit": web(staff_a).get(f"/unit/tickets/{every_kind.pk}/"),
    }
    citizen = web()
    citizen.post("/portal/query/", {"number": every_kind.number, "last4": "5678"})
    pages["portal"] = citizen.get(f"/portal/progress/{every_kind.number}/")
    for name, response in pages.items():
        assert response.status_code == 200, name
        timeline = _timeline_text(response.content.decode())
        shown = [kind for kind in KINDS if re.search(rf"(?<![A-Za-z0-9_-]){kind}(?![A-Za-z0-9_-])", timeline)]
        assert not shown, f"{name} timeline shows {shown}"
        assert UNKNOWN_LABEL not in timeline
    assert "发送短信" in _timeline_text(pages["staff"].content.decode())
    assert "您的诉求已受理" in _timeline_text(pages["portal"].content.decode())

    events = api(supervisor).get(f"/api/tickets/{every_kind.pk}/timeline/").json()
    assert {e["kind"] for e in events} >= set(KINDS)
    assert all(CHINESE.search(e["kind_label"]) and e["kind_label"] != UNKNOWN_LABEL for e in events)
