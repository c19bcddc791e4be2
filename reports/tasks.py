"""Periodic and on-demand work: rollups, keyword counts, the display snapshot."""
from celery import shared_task


@shared_task(ignore_result=True)
def refresh_rollups():
    from . import rollup

    rollup.refresh()


@shared_task(ignore_result=True)
def refresh_keywords():
    """Today's terms every run; yesterday's once more on the first run of a new day
    (tickets registered just before midnight)."""
    from django.core.cache import cache
    from django.utils import timezone

    from .intelligence import hot_topics

    today = timezone.localdate().isoformat()
    days = 1 if cache.get("reports:keywords:day") == today else 2
    hot_topics.refresh_recent(days=days)
    cache.set("reports:keywords:day", today, 2 * 86400)


@shared_task(ignore_result=True)
def rebuild_display_snapshot():
    from . import display

    display.rebuild()
