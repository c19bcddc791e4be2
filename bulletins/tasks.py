from celery import shared_task


@shared_task(name="bulletins.generate_due")
def generate_due() -> int:
    """Beat (and run_timers): make the bulletins the schedule owes; idempotent."""
    from reports import rollup

    from .services import bulletins_generate_due

    rollup.refresh()  # the figures come from the rollups: bring them up to date first
    return len(bulletins_generate_due())
