"""Clients of a running production topology (bin/prod-up), from outside and through nginx only:
the REST API with a token, a staff page's session and websocket (which catches up after a
reconnect, as live.js does), and the SMSC simulator's control port (the citizen's phone).
Used by tests/prod and bench/prod/faults.py."""
from __future__ import annotations

import json
import re
import threading
import time

import requests
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tools.smsc.driver import Smsc, wait_for

DEMO_PASSWORD = "hotline12345"  # demo/county.py's; the topology under test is seeded with seed_demo


class Api:
    """One user's token session against base_url (nginx)."""

    def __init__(self, base_url: str, username: str, password: str = DEMO_PASSWORD):
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()
        answer = self.http.post(f"{self.base_url}/api/auth/token/", json={"username": username, "password": password},
                                timeout=15)
        answer.raise_for_status()
        self.token = answer.json()["token"]
        self.http.headers["Authorization"] = f"Token {self.token}"

    def request(self, method: str, path: str, expect: int | tuple = (200, 201), **kwargs) -> dict | list:
        answer = self.http.request(method, f"{self.base_url}{path}", timeout=kwargs.pop("timeout", 15), **kwargs)
        expected = (expect,) if isinstance(expect, int) else expect
        if answer.status_code not in expected:
            raise AssertionError(f"{method} {path}: {answer.status_code} {answer.text[:500]}")
        return answer.json() if answer.content else {}

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs):
        return self.request("POST", path, **kwargs)

    def me(self) -> dict:
        return self.get("/api/me/")


def session_cookie(base_url: str, username: str, password: str = DEMO_PASSWORD) -> str:
    """A staff member's login through the login page: the sessionid cookie a browser would hold."""
    browser = requests.Session()
    page = browser.get(f"{base_url}/login/", timeout=15)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = browser.post(f"{base_url}/login/", data={"username": username, "password": password,
                                                      "csrfmiddlewaretoken": token},
                          headers={"Referer": f"{base_url}/login/"}, timeout=15, allow_redirects=False)
    if answer.status_code != 302 or "sessionid" not in browser.cookies:
        raise AssertionError(f"login as {username} failed: {answer.status_code}")
    return f"sessionid={browser.cookies['sessionid']}"


class LiveSocket:
    """A staff page's websocket (/ws/staff/) through nginx, in a thread: keeps every ticket event it
    is sent, and after a lost connection reconnects and asks for what it missed (catchup since the
    last event id it saw), as static/js/live.js does."""

    def __init__(self, base_url: str, cookie: str):
        self.url = base_url.replace("http://", "ws://").rstrip("/") + "/ws/staff/"
        self.origin, self.cookie = base_url.rstrip("/"), cookie
        self.events: list[dict] = []
        self.ids: set[int] = set()
        self.reconnects = 0
        self.connected = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> LiveSocket:
        self._thread.start()
        if not self.connected.wait(20):
            raise TimeoutError(f"no websocket at {self.url}")
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)

    @property
    def last_id(self) -> int:
        with self._lock:
            return max(self.ids, default=0)

    def _keep(self, event: dict) -> None:
        with self._lock:
            if event["id"] not in self.ids:
                self.ids.add(event["id"])
                self.events.append(event)

    def _run(self) -> None:
        first = True
        while not self._stop.is_set():
            try:
                with connect(self.url, origin=self.origin, additional_headers={"Cookie": self.cookie},
                             open_timeout=5) as ws:
                    hello = json.loads(ws.recv(timeout=10))
                    if first:
                        with self._lock:
                            self.ids.add(hello["last_event_id"])  # where this client starts watching
                    else:
                        self.reconnects += 1
                        ws.send(json.dumps({"type": "catchup", "since": self.last_id}))
                    first = False
                    self.connected.set()
                    while not self._stop.is_set():
                        try:
                            message = json.loads(ws.recv(timeout=0.5))
                        except TimeoutError:
                            continue
                        if message.get("type") == "ticket-event":
                            self._keep(message["event"])
            except (OSError, ConnectionClosed, TimeoutError, json.JSONDecodeError):
                self.connected.clear()
                time.sleep(0.5)

    def kinds_for(self, number: str) -> list[str]:
        with self._lock:
            return [e["kind"] for e in sorted(self.events, key=lambda e: e["id"]) if e["number"] == number]


def smsc_at(topology) -> Smsc:
    """The simulator bin/prod-up started, steered through its control port."""
    return Smsc(port=topology.smsc_port, control_port=topology.smsc_control_port, journal=topology.smsc_journal)


def mt_texts(smsc: Smsc, phone: str) -> list[str]:
    """Every SMS the SMSC was asked to send to `phone`, the concatenated parts joined, in order."""
    return all_mt_texts(smsc.state()["submits"]).get(phone, [])


def all_mt_texts(submits: list[dict]) -> dict[str, list[str]]:
    """phone → the texts of the SMSC's submit_sm log, long messages' parts joined."""
    messages, parts = {}, {}
    for submit in submits:
        phone, raw = submit["dst"].removeprefix("86"), bytes.fromhex(submit["sm"])
        if submit["esm"] & 0x40:  # a part: UDH 05 00 03 ref total seq
            ref, total, seq = raw[3], raw[4], raw[5]
            got = parts.setdefault((phone, ref), {})
            got[seq] = raw[6:]
            if len(got) < total:
                continue
            del parts[(phone, ref)]
            text = b"".join(got[i] for i in range(1, total + 1)).decode("utf-16-be")
        else:
            text = raw.decode("utf-16-be") if submit["dc"] == 8 else raw.decode("latin-1")
        messages.setdefault(phone, []).append(text)
    return messages


__all__ = ["Api", "LiveSocket", "all_mt_texts", "mt_texts", "session_cookie", "smsc_at", "wait_for"]
