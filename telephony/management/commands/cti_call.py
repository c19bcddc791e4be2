"""Play a call as the CTI system would, without telephony: for demos and for trying the console.

    python manage.py cti_call 13812345678 --extension 8001           # rings, is answered: pop-up
    python manage.py cti_call 13812345678 --missed                   # rings, caller hangs up
"""
import uuid

from django.core.management.base import BaseCommand, CommandError

from hotline.errors import HotlineError

from ...calls import cti_event_apply, parse_cti_event


class Command(BaseCommand):
    help = "模拟一通来电（newCall → answer → hangup），用于演示来电弹屏和未接来电"

    def add_arguments(self, parser):
        parser.add_argument("caller", help="主叫号码")
        parser.add_argument("--extension", default="", help="接听坐席分机号")
        parser.add_argument("--missed", action="store_true", help="未接：振铃后挂机")
        parser.add_argument("--keep-open", action="store_true", help="接听后不挂机")

    def handle(self, *args, caller, extension, missed, keep_open, **options):
        if not missed and not extension:
            raise CommandError("接听须提供 --extension，或用 --missed 模拟未接来电")
        call_id = f"demo-{uuid.uuid4().hex[:12]}"
        events = ["newCall"] + ([] if missed else ["answer"]) + ([] if keep_open else ["hangup"])
        try:
            for event in events:
                call = cti_event_apply(parse_cti_event(
                    {"event": event, "call_id": call_id, "caller": caller, "called": "12345",
                     "extension": extension}))
                self.stdout.write(f"{event}: {call.call_id} → {call.get_state_display()}")
        except HotlineError as exc:
            raise CommandError(exc.message) from None
