"""Periodic work: the assessment's event rollup (beat, every minute, beside reports')."""
from celery import shared_task


@shared_task(ignore_result=True)
def refresh_assessment_rollup():
    from . import rollup

    rollup.refresh()
