"""Celery tasks for the timers. Thin: each calls one service in dispatch.timers / dispatch.supervision_notices.

They take ids (or nothing), are idempotent (every service claims its rows with a
conditional update), and retry database hiccups with exponential backoff. acks_late
(settings) puts a task whose worker died back on the queue; the services' transactions
mean a half-done run left nothing behind.
"""
import time

from celery import shared_task

from hotline.tasks import TRANSIENT_RETRY

from . import monitoring, supervision_notices, timers
from .services import suspension


@shared_task(name="dispatch.sweep_lights", **TRANSIENT_RETRY)
def sweep_lights() -> dict:
    started = time.perf_counter()
    result = timers.sweep_lights()
    monitoring.sweep_done(seconds=time.perf_counter() - started, urged=len(result.urged),
                          supervised=len(result.supervised))
    return {"urged": len(result.urged), "supervised": len(result.supervised)}


@shared_task(name="dispatch.remind_overdue", **TRANSIENT_RETRY)
def remind_overdue() -> int:
    return len(timers.remind_overdue())


@shared_task(name="dispatch.send_due_surveys", **TRANSIENT_RETRY)
def send_due_surveys() -> int:
    return len(timers.send_due_surveys())


@shared_task(name="dispatch.render_supervision_notice", **TRANSIENT_RETRY)
def render_supervision_notice(notice_id: int) -> bool:
    return supervision_notices.notice_render_file(notice_id=notice_id)


@shared_task(name="dispatch.resume_suspensions", **TRANSIENT_RETRY)
def resume_suspensions() -> int:
    """挂起 past the maximum resumes (issue 16, item 4); idempotent like the other timers."""
    return len(suspension.suspensions_resume_due())
