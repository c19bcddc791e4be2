from celery import shared_task


@shared_task(name="bulletins.generate_due")
def generate_due() -> int:
    """Beat (and run_timers): make the bulletins the schedule owes; idempotent."""
    from assessment.services import rollups_refresh

    from .services import bulletins_generate_due

    rollups_refresh()  # the figures and scores come from the rollups: bring both up to date first
    return len(bulletins_generate_due())
