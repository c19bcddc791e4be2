"""The schedule makes the bulletins (beat and run_timers), recipients are told by SMS with the
link, and only the centre and leaders list and download them (downloads audited)."""
import datetime as dt

import pytest
from django.conf import settings as django_settings

from audit.models import AuditEvent
from bulletins.models import Bulletin, BulletinTemplate, Kind
from bulletins.services import bulletin_generate
from bulletins.tasks import generate_due
from hotline.clock import frozen_at
from sms_gateway.models import Message
from tests.reports.factories import at

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_too]


def test_the_beat_and_run_timers_schedule_the_task():
    entry = django_settings.CELERY_BEAT_SCHEDULE["bulletins-generate-due"]
    assert entry["task"] == "bulletins.generate_due"
    float(entry["schedule"])  # run_timers (the embedded default) reads a number of seconds
    from celery import current_app

    assert "bulletins.generate_due" in current_app.tasks


def test_the_task_makes_yesterdays_last_weeks_and_last_months_once(week):
    with frozen_at(at("2025-03-04 02:00")):  # a Tuesday
        assert generate_due() == 3
        assert generate_due() == 0  # idempotent: nothing owed any more
    made = {b.kind: (b.period_start, b.period_end) for b in Bulletin.objects.all()}
    assert made == {
        Kind.DAILY: (dt.date(2025, 3, 3), dt.date(2025, 3, 3)),
        Kind.WEEKLY: (dt.date(2025, 2, 24), dt.date(2025, 3, 2)),
        Kind.MONTHLY: (dt.date(2025, 2, 1), dt.date(2025, 2, 28)),
    }
    assert Bulletin.objects.get(kind=Kind.DAILY).figures["received"] == 4
    with frozen_at(at("2025-03-05 02:00")):
        assert generate_due() == 1  # the next day: the next daily only


def test_before_the_hour_nothing_is_made(week, settings):
    settings.BULLETIN_GENERATE_AFTER_HOUR = 3
    with frozen_at(at("2025-03-04 02:00")):
        assert generate_due() == 0
    assert not Bulletin.objects.exists()


def test_an_inactive_template_is_not_scheduled(week):
    BulletinTemplate.objects.exclude(kind=Kind.DAILY).update(is_active=False)
    with frozen_at(at("2025-03-04 02:00")):
        assert generate_due() == 1


def test_recipients_get_an_sms_with_the_link(week, leader, staff_a, committed, settings):
    settings.PUBLIC_BASE_URL = "https://12345.example.gov.cn"
    template = BulletinTemplate.objects.get(kind=Kind.DAILY)
    template.recipients.add(leader)  # phone 13900000009
    template.phones = "13700000001\nnot-a-number\n"
    template.save()
    with committed(), frozen_at(at("2025-03-04 02:00")):
        bulletin = bulletin_generate(template=template, period_start=dt.date(2025, 3, 3))
    sent = {m.to_number: m.body for m in Message.objects.filter(kind="bulletin")}
    assert set(sent) == {"13900000009", "13700000001"}
    link = f"https://12345.example.gov.cn/bulletins/{bulletin.pk}/pdf/"
    assert all(link in body and "12345热线工作日报" in body for body in sent.values())
    with committed(), frozen_at(at("2025-03-04 03:00")):
        bulletin_generate(template=template, period_start=dt.date(2025, 3, 3))
    assert Message.objects.filter(kind="bulletin").count() == 4  # a regeneration is told again


@pytest.fixture
def made(week):
    with frozen_at(at("2025-03-04 02:00")):
        generate_due()
    return Bulletin.objects.get(kind=Kind.DAILY)


@pytest.mark.parametrize("who", ["leader", "supervisor"])
def test_leaders_and_the_centre_list_and_download(made, client, who, request):
    client.force_login(request.getfixturevalue(who))
    page = client.get("/bulletins/")
    assert page.status_code == 200
    assert "12345热线工作日报（2025年3月3日）" in page.content.decode()
    only_weekly = client.get("/bulletins/?kind=weekly").content.decode()
    assert "工作周报" in only_weekly and "工作日报（" not in only_weekly
    february = client.get("/bulletins/?month=2025-02").content.decode()
    assert f'data-bulletin="{made.pk}"' not in february and "工作月报（2025年2月）" in february
    pdf = client.get(f"/bulletins/{made.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    xlsx = client.get(f"/bulletins/{made.pk}/xlsx/")
    assert xlsx.status_code == 200 and "attachment" in xlsx["Content-Disposition"]
    audits = AuditEvent.objects.filter(action="downloaded", target_id=str(made.pk))
    assert audits.count() == 2


@pytest.mark.parametrize("who", ["staff_a", "outsider", "operator", "display_device"])
def test_unit_staff_and_others_may_not(made, client, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/bulletins/").status_code == 403
    assert client.get(f"/bulletins/{made.pk}/pdf/").status_code == 403
    assert client.get(f"/bulletins/{made.pk}/xlsx/").status_code == 403
    assert not AuditEvent.objects.filter(action="downloaded").exists()


def test_anonymous_goes_to_login(made, client):
    assert client.get(f"/bulletins/{made.pk}/pdf/").status_code == 302


def test_bad_filters_and_unknown_files(made, client, leader):
    client.force_login(leader)
    assert client.get("/bulletins/?month=2025-13").status_code == 400
    assert client.get(f"/bulletins/{made.pk}/docx/").status_code == 404
    assert client.get("/bulletins/999999/pdf/").status_code == 404


def test_the_centre_regenerates_from_the_page(made, client, supervisor, leader):
    template = made.template
    client.force_login(leader)
    assert client.post("/bulletins/generate/", {"template": template.pk, "day": "2025-03-03"}).status_code == 403
    client.force_login(supervisor)
    assert client.post("/bulletins/generate/", {"template": template.pk, "day": "bad"}).status_code == 400
    response = client.post("/bulletins/generate/", {"template": template.pk, "day": "2025-03-03"})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.revision == 2 and Bulletin.objects.filter(template=template).count() == 1


def test_the_reports_menu_links_the_bulletins_for_readers_only(client, leader, operator):
    client.force_login(leader)
    assert 'href="/bulletins/"' in client.get("/reports/").content.decode()
    client.force_login(operator)
    assert 'href="/bulletins/"' not in client.get("/reports/").content.decode()


def test_run_timers_makes_the_daily_bulletin_without_celery(week, capsys):
    """The embedded default (bin/run without Redis): run_timers runs the beat schedule in process."""
    from django.core.management import call_command

    with frozen_at(at("2025-03-04 02:00")):
        call_command("run_timers", "--once")
    assert "bulletins.generate_due: 3" in capsys.readouterr().out
    daily = Bulletin.objects.get(kind=Kind.DAILY)
    assert daily.period_start == dt.date(2025, 3, 3) and daily.figures["received"] == 4
