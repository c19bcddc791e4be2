"""Periodic and on-demand work: rollups, keyword counts, the display snapshot."""
from celery import shared_task


@shared_task(ignore_result=True)
def refresh_rollups():
    from . import rollup

    rollup.refresh()


@shared_task(ignore_result=True)
def refresh_keywords():
    from .intelligence import hot_topics

    hot_topics.refresh_recent(days=2)


@shared_task(ignore_result=True)
def rebuild_display_snapshot():
    from . import display

    display.rebuild()
