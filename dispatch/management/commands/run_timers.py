"""Run the beat schedule in this process, without a broker or a worker.

For the embedded default (no REDIS_URL): `bin/run` starts it beside the web server,
so the same timers run on a laptop with nothing installed. With Redis, run
`celery -A config worker` and `celery -A config beat` instead (docs in README).
Overlapping with a real beat is harmless: every timer claims its rows.
"""
import os
import time

from celery import current_app  # the project's app (config.celery), made current when settings load
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "在本进程内按 CELERY_BEAT_SCHEDULE 运行定时任务（无需消息队列），用于内置默认模式"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run every timer once and exit")
        parser.add_argument("--exit-with", type=int, metavar="PID",
                            help="stop when this process (the web server bin/run started) is gone")

    def handle(self, *args, once=False, exit_with=None, **options):
        schedule = settings.CELERY_BEAT_SCHEDULE
        next_run = dict.fromkeys(schedule, 0.0)
        failed = []
        while True:
            now = time.monotonic()
            for name, entry in schedule.items():
                if now < next_run[name]:
                    continue
                next_run[name] = now + float(entry["schedule"])
                try:
                    result = current_app.tasks[entry["task"]].apply().get(propagate=True)
                    self.stdout.write(f"{entry['task']}: {result}")
                except Exception as exc:  # one failing timer must not stop the others
                    failed.append(entry["task"])
                    self.stderr.write(f"{entry['task']} failed: {exc!r}")
            if once and failed:
                raise CommandError(f"{len(failed)} 个定时任务失败：{', '.join(failed)}")
            if once or (exit_with and not alive(exit_with)):
                return
            time.sleep(min(2.0, max(0.5, min(next_run.values()) - time.monotonic())))


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
