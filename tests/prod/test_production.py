"""The production topology (bin/prod-up's processes) end to end, through nginx only.

The smoke test: a citizen's long SMS complaint arrives through the SMSC, the office, the leader and
the unit act on it through the REST API, the survey SMS goes out and is answered, the display feed
and a websocket client (through nginx) see it all. The fault test: bench/prod/faults.py with
CI-sized numbers (a few registrations and SMS a second; the worker killed, Redis and PostgreSQL
restarted, the SMPP gateway killed): nothing the clients were told was accepted may be lost or
doubled. One module: one topology (conftest's `prod`, module-scoped) for both.
"""
import importlib.util
import sys
from pathlib import Path

import pytest
import requests

from tools.prod_client import Api, LiveSocket, mt_texts, session_cookie, smsc_at, wait_for

pytestmark = pytest.mark.integration

PHONE = "13912340021"
COMPLAINT = ("我要投诉：幸福小区东门外的道路塌陷已经两个星期了，坑越来越大，晚上路灯也不亮，"
             "已经有两位老人在这里摔倒，电动车也翻过车。多次打物业电话都说不归他们管，请政府尽快派人修复，"
             "并在修好之前设置围挡和警示标志。")  # 110 characters: three SMS parts


def test_a_complaint_by_sms_through_the_whole_production_topology(prod, tmp_path):
    base = prod.url
    smsc = smsc_at(prod)
    operator, supervisor, leader, unit = (Api(base, name) for name in ("operator", "supervisor", "leader", "zjj"))
    socket = LiveSocket(base, session_cookie(base, "supervisor")).start()
    try:
        # The citizen's long complaint: three parts, delivered by the SMSC out of order.
        smsc.mo(**{"from": "86" + PHONE, "text": COMPLAINT, "parts": 3, "reverse": True})

        def arrived():
            found = operator.get("/api/tickets/", params={"channel": "sms", "q": "幸福小区东门外"})["results"]
            return found[0] if found else None
        listed = wait_for(arrived, timeout=30, what="the operator to see the SMS ticket")
        ticket = operator.get(f"/api/tickets/{listed['id']}/")
        assert ticket["content"] == COMPLAINT and ticket["channel"] == "sms"
        number, path = ticket["number"], f"/api/tickets/{listed['id']}"
        receipt = wait_for(lambda: [t for t in mt_texts(smsc, PHONE) if number in t], timeout=30,
                           what="the receipt SMS at the SMSC")
        assert receipt[0].startswith("【某市12345】")

        supervisor.post(f"{path}/submit-for-approval/", json={"leader": leader.me()["id"], "note": "请领导批示"})
        zjj = unit.me()["unit"]["id"]
        leader.post(f"{path}/instruct/", json={"text": "请住建局三日内修复并设置围挡。", "units": [zjj]})
        category = supervisor.get("/api/categories/", params={"q": "基础设施"})[0]["id"]
        supervisor.post(f"{path}/dispatch/", json={"lead_unit": zjj, "category": category})
        unit.post(f"{path}/sign/")
        photo = b"\x89PNG\r\n\x1a\n" + b"\0" * 200
        replied = unit.post(f"{path}/reply/", data={"text": "已在塌陷路段设置围挡，道路已回填修复并恢复通行。"},
                            files=[("files", ("repaired.png", photo, "image/png"))])
        attachment = replied["replies"][0]["attachments"][0]
        assert attachment["name"] == "repaired.png" or attachment.get("filename") == "repaired.png"
        # A complaint's reply is reviewed by the centre (办结审核) before the survey follows.
        assert replied["state"] == "reviewing"
        supervisor.post(f"{path}/review-approve/", json={})

        # The survey goes out at beat's next send_due_surveys (every minute); ask the worker now.
        prod.celery("call", "dispatch.send_due_surveys")
        survey = wait_for(lambda: [t for t in mt_texts(smsc, PHONE) if "满意" in t], timeout=30,
                          what="the survey SMS at the SMSC")
        assert survey
        smsc.mo(**{"from": "86" + PHONE, "text": "1"})
        closed = wait_for(lambda: operator.get(f"{path}/").get("state") == "closed", timeout=30,
                          what="the answered survey to close the ticket")
        assert closed

        display = Api(base, "display")

        def on_display():
            recent = display.get("/api/display/summary.json")["recent"]
            return [r for r in recent if r["number"] == number and r["state"] == "已办结"]
        shown = wait_for(on_display, timeout=45, what="the display feed to show the closed ticket")
        assert PHONE not in str(shown)

        expected = ["register", "submit_for_approval", "instruct", "dispatch", "sign", "reply_for_review",
                    "review_approve", "survey_sent", "callback_satisfied"]
        try:
            wait_for(lambda: expected[-1] in socket.kinds_for(number), timeout=20, what="the socket to hear the end")
        except TimeoutError:
            raise AssertionError(f"the socket heard {socket.kinds_for(number)}") from None
        heard = [k for k in socket.kinds_for(number) if k in expected]
        assert heard == expected, socket.kinds_for(number)
    finally:
        socket.stop()


def test_static_files_and_api_docs_through_nginx(prod):
    base = prod.url
    docs = requests.get(f"{base}/api/schema/docs/", timeout=15)
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assert requests.get(f"{base}/api/schema/", timeout=30).status_code == 200
    for path in [p for p in _asset_paths(docs.text)] + ["/static/favicon.svg"]:
        answer = requests.get(f"{base}{path}", timeout=15)
        assert answer.status_code == 200 and answer.content, path
    # Through nginx, as a load balancer asks: serving (a sweep not yet run reads "degraded", still 200).
    health = requests.get(f"{base}/api/health/", timeout=15)
    assert health.status_code == 200 and health.json()["status"] in ("ok", "degraded"), health.text
    assert {name: check["status"] for name, check in health.json()["checks"].items()
            if name in ("database", "redis")} == {"database": "up", "redis": "up"}, health.text
    assert requests.get(f"{base}/login/", timeout=15).status_code == 200


def _asset_paths(html: str) -> list[str]:
    import re

    paths = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert paths, "the API docs page links its own static files"
    return paths


FAULTS_SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "prod" / "faults.py"


def load_faults():
    spec = importlib.util.spec_from_file_location("bench_prod_faults", FAULTS_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_faults_under_load_lose_and_double_nothing(prod):
    faults = load_faults()
    result = faults.run(prod, prod.postgres, prod.redis, rate=2, sms_rate=1, phase=3, settle_seconds=90)
    faults.print_report(result)
    tickets, notices = result["tickets"], result["notices"]
    assert tickets["sent"] > 0 and tickets["lost"] == 0 and tickets["duplicated"] == 0, tickets
    assert tickets["refused_but_created"] == 0, tickets
    assert notices["lost"] == 0 and notices["duplicated"] == 0, notices
    assert not any(result["backlog_after"].values()), result["backlog_after"]
    assert result["display"]["agrees"], result["display"]
    assert result["board"]["agrees"], result["board"]
    assert result["websocket"]["missed"] == 0, result["websocket"]
    assert set(result["recovery_seconds"]) == {"worker", "redis", "postgres", "smpp"}
