"""Under gunicorn's several workers every scrape, whichever worker answers it, counts the
requests all of them served (prometheus_client's multiprocess mode, set up by gunicorn.conf.py)."""
import urllib.request

import pytest
from django.conf import settings
from prometheus_client.parser import text_string_to_metric_families

from tests.processes import free_port, start_gunicorn, stop

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def health_count(port: int) -> float:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/metrics",
                                     headers={"Authorization": f"Bearer {settings.METRICS_TOKEN}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read().decode()
    return sum(sample.value for family in text_string_to_metric_families(text) for sample in family.samples
               if sample.name == "hotline_http_request_duration_seconds_count"
               and sample.labels.get("route") == "api-health")


def test_every_scrape_sums_the_requests_of_all_workers(tmp_path):
    port = free_port()
    server = start_gunicorn(port, tmp_path / "gunicorn.log", WEB_THREADS="1")
    try:
        for _ in range(20):  # new connections: the workers share them out
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health/", timeout=30).read()
        scrapes = [health_count(port) for _ in range(6)]
    finally:
        stop(server)
    assert scrapes == [20.0] * 6
