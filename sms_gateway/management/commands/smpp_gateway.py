"""python manage.py smpp_gateway — the one process that owns the SMPP session (SMPP_URL)."""
import logging
import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sms_gateway.smpp.session import Gateway, Options, SmppUrl


class Command(BaseCommand):
    help = "连接短信中心（SMPP_URL），收发短信：提交下行、处理回执与上行短信。只运行一个。"

    def add_arguments(self, parser):
        parser.add_argument("--url", default="", help="覆盖 SMPP_URL")
        parser.add_argument("--rate", type=float, default=settings.SMS_SMPP_RATE, help="每秒最多提交条数")
        parser.add_argument("--window", type=int, default=settings.SMS_SMPP_WINDOW, help="待响应的最大条数")

    def handle(self, *args, **options):
        url = options["url"] or settings.SMPP_URL
        if not url:
            raise CommandError("未设置 SMPP_URL（形如 smpp://system_id:password@host:port）")
        try:
            SmppUrl.parse(url)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if options["rate"] <= 0 or options["window"] <= 0:
            raise CommandError("--rate 与 --window 须为正数")
        logging.getLogger("sms_gateway").setLevel(logging.INFO)
        gateway = Gateway(url, Options(
            rate=options["rate"], window=options["window"],
            enquire_link_seconds=settings.SMS_SMPP_ENQUIRE_LINK_SECONDS,
            response_timeout=settings.SMS_SMPP_RESPONSE_TIMEOUT,
            doubt_seconds=settings.SMS_SMPP_DOUBT_SECONDS,
            reconnect_max=settings.SMS_SMPP_RECONNECT_MAX_SECONDS,
        ))
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: gateway.stop())
        self.stdout.write(f"SMPP gateway → {gateway.url.host}:{gateway.url.port} "
                          f"(rate {options['rate']:g}/s, window {options['window']})")
        gateway.run()
        self.stdout.write("SMPP gateway stopped")
