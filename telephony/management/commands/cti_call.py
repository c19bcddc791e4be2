"""Play a call as the CTI system would, without telephony: for demos and for trying the console.

    python manage.py cti_call 13812345678 --extension 8001           # rings, is answered: pop-up
    python manage.py cti_call 13812345678 --missed                   # rings, caller hangs up
    python manage.py cti_call 13812345678 --extension 8001 --url http://127.0.0.1:9000

The pop-up reaches the operator's open console through the channel layer of the server that
holds the websocket. The embedded default's layer lives inside each process, so the command
sends its events to the running server's CTI webhook (/cti/events/, as a switch does; the
address is --url, else PUBLIC_BASE_URL, which is bin/run's). With a shared layer (Redis) it
applies them here: the push reaches every server.
"""
import json
import urllib.error
import urllib.request
import uuid

from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hotline.errors import HotlineError

from ...calls import cti_event_apply, parse_cti_event
from ...models import Call

TIMEOUT_SECONDS = 10


def layer_is_shared() -> bool:
    """Whether a push made in this process reaches websockets held by other processes."""
    return not isinstance(get_channel_layer(), InMemoryChannelLayer)


class Command(BaseCommand):
    help = "模拟一通来电（newCall → answer → hangup），用于演示来电弹屏和未接来电"

    def add_arguments(self, parser):
        parser.add_argument("caller", help="主叫号码")
        parser.add_argument("--extension", default="", help="接听坐席分机号")
        parser.add_argument("--missed", action="store_true", help="未接：振铃后挂机")
        parser.add_argument("--keep-open", action="store_true", help="接听后不挂机")
        delivery = parser.add_mutually_exclusive_group()
        delivery.add_argument("--url", default=None,
                              help="正在运行的服务地址，事件经其来电接口 /cti/events/ 送达"
                                   "（默认：内置模式下为 PUBLIC_BASE_URL，即 bin/run 的地址）")
        delivery.add_argument("--in-process", action="store_true",
                              help="在本进程内处理事件（仅当通道层为 Redis 等共享层时弹屏能送达浏览器）")

    def handle(self, *args, caller, extension, missed, keep_open, url, in_process, **options):
        if not missed and not extension:
            raise CommandError("接听须提供 --extension，或用 --missed 模拟未接来电")
        if url is None and not in_process:
            in_process = layer_is_shared()
            url = None if in_process else settings.PUBLIC_BASE_URL
        call_id = f"demo-{uuid.uuid4().hex[:12]}"
        events = ["newCall"] + ([] if missed else ["answer"]) + ([] if keep_open else ["hangup"])
        for event in events:
            body = {"event": event, "call_id": call_id, "caller": caller, "called": "12345", "extension": extension}
            state, operator_found = self.apply_here(body) if in_process else self.send(url.rstrip("/"), body)
            self.stdout.write(f"{event}: {call_id} → {Call.State(state).label}")
            if event == "answer" and not operator_found:
                self.stderr.write(f"分机 {extension} 没有对应的在岗话务员：不会弹屏")

    def apply_here(self, body: dict) -> tuple[str, bool]:
        try:
            call = cti_event_apply(parse_cti_event(body))
        except HotlineError as exc:
            raise CommandError(exc.message) from None
        return call.state, call.operator_id is not None

    def send(self, base: str, body: dict) -> tuple[str, bool]:
        """POST one event to the server's CTI webhook, as the switch does."""
        if not settings.CTI_SECRET:
            raise CommandError("未配置 CTI_SECRET：请为本命令和服务设置同一个 CTI_SECRET，或用 --in-process")
        request = urllib.request.Request(
            f"{base}/cti/events/", data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json", "X-CTI-Secret": settings.CTI_SECRET},
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                answer = json.loads(response.read().decode())
        except urllib.error.HTTPError as exc:
            raise CommandError(f"{base} 拒绝了来电事件（HTTP {exc.code}）：{_error_message(exc)}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise CommandError(f"无法连接 {base}（{reason}）：请先启动服务（bin/run），或用 --url 指定其地址") from None
        return answer["state"], bool(answer.get("operator"))


def _error_message(exc: urllib.error.HTTPError) -> str:
    try:
        return json.loads(exc.read().decode())["error"]["message"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return exc.reason or "未知错误"
