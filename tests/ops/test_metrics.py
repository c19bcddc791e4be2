"""/metrics: Prometheus text for whoever holds the token, 401/403 for anyone else."""
import pytest
from prometheus_client.parser import text_string_to_metric_families

from ops import shared

pytestmark = pytest.mark.django_db


def scrape(client, token: str) -> dict:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def count_of(samples: dict, route: str, status: str) -> float:
    key = ("hotline_http_request_duration_seconds_count", (("method", "GET"), ("route", route), ("status", status)))
    return samples.get(key, 0.0)


def test_a_request_is_counted_by_route_and_status_class(client, settings):
    before = count_of(scrape(client, settings.METRICS_TOKEN), "api-health", "2xx")
    client.get("/api/health/")
    client.get("/api/health/")
    after = scrape(client, settings.METRICS_TOKEN)
    assert count_of(after, "api-health", "2xx") == before + 2


def test_without_the_token_it_is_401_and_with_a_wrong_one_403(client):
    missing = client.get("/metrics")
    assert missing.status_code == 401 and missing["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer not-the-token").status_code == 403
    assert b"hotline_" not in missing.content


def test_only_the_allowed_addresses_may_scrape_when_a_list_is_set(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {settings.METRICS_TOKEN}").status_code == 403
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {settings.METRICS_TOKEN}").status_code == 200


def test_the_shared_gauges_and_counters_are_there(client, settings, people, django_capture_on_commit_callbacks):
    from tests import factories

    with django_capture_on_commit_callbacks(execute=True):
        factories.registered(people)  # its receipt SMS goes through the local transport
    shared.process_gauge("ws:staff", 3, ttl=60)
    shared.beat("sweep_lights", seconds=0.042, urged=0, supervised=0)

    samples = scrape(client, settings.METRICS_TOKEN)

    assert samples[("hotline_sms_sent_total", (("transport", "local"),))] >= 1
    assert samples[("hotline_websocket_connections", (("kind", "staff"),))] == 3
    assert samples[("hotline_timer_sweep_duration_seconds", ())] == 0.042
    assert samples[("hotline_outbox_rows", ())] == 0 and samples[("hotline_sms_queue_parts", ())] == 0
    assert all(value == 1 for (name, _), value in samples.items() if name == "hotline_metrics_source_up")


def test_the_token_is_derived_from_the_secret_key_unless_set(settings):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("metrics_token", stdout=out)
    assert out.getvalue().strip() == settings.METRICS_TOKEN and len(settings.METRICS_TOKEN) == 32
