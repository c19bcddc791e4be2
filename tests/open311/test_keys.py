"""Partner keys: `manage.py open311_key create NAME` prints api_key=… once and keeps only a hash;
list and disable; the admin creates (showing the key once) and disables; every issue and disable
is audited; usage is counted per day and in total."""
import hashlib
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from audit.models import AuditEvent
from hotline.models import Role
from open311.models import PartnerKey, PartnerKeyUsage
from tests.conftest import make_user

from .client import Open311Session
from .conftest import street_report

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("open311_key", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_command_creates_lists_and_disables(street):
    printed = run("create", "城市App")
    raw = re.fullmatch(r"api_key=(\S+)\n", printed).group(1)
    key = PartnerKey.objects.get(name="城市App")
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest() and raw not in key.key_hash
    assert key.user.role == Role.PARTNER and not key.user.has_usable_password()
    assert Open311Session("json", raw).post("requests", "post_requests", street_report(street)).status == 200
    assert "城市App" in run("list") and "启用" in run("list")
    assert "已停用" in run("disable", "城市App")
    assert Open311Session("json", raw).get("requests", "service_requests").status == 403
    actions = list(AuditEvent.objects.filter(target_type="open311_key").values_list("action", flat=True))
    assert sorted(actions) == ["token_issued", "token_revoked"]


def test_usage_is_counted(key_a, street):
    session = Open311Session("json", key_a.raw)
    session.post("requests", "post_requests", street_report(street))
    session.get("requests", "service_requests")
    key = PartnerKey.objects.get(pk=key_a.key.pk)
    assert (key.requests_total, key.filed_total) == (2, 1) and key.last_used_at
    [today] = PartnerKeyUsage.objects.filter(key=key)
    assert (today.requests, today.filed) == (2, 1)


def test_the_admin_shows_a_new_key_once_and_disables(db, plain):
    client = Client()
    client.force_login(make_user("sysadmin", Role.SYSADMIN))
    page = client.post("/admin/open311/partnerkey/add/", {
        "name": "网格化管理系统", "services": [plain.pk], "per_minute": 30, "per_hour": 600,
        "usage-TOTAL_FORMS": 0, "usage-INITIAL_FORMS": 0}, follow=True)
    assert page.status_code == 200
    raw = re.search(r"api_key=([A-Za-z0-9_\-]+)", page.content.decode()).group(1)
    key = PartnerKey.objects.get(name="网格化管理系统")
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest() and list(key.services.all()) == [plain]
    assert raw not in client.get(f"/admin/open311/partnerkey/{key.pk}/change/").content.decode()
    client.post("/admin/open311/partnerkey/", {"action": "disable", "_selected_action": [key.pk]})
    assert not PartnerKey.objects.get(pk=key.pk).is_enabled
    assert AuditEvent.objects.filter(target_type="open311_key", action="token_revoked").exists()


def test_a_key_limited_to_some_services(key_a, street, plain):
    key_a.key.services.set([plain])
    refused = Open311Session("json", key_a.raw).post("requests", "post_requests", street_report(street))
    assert refused.status == 403


def test_only_the_centre_issues_keys(operator):
    from hotline.errors import NotAllowed
    from open311.services import partner_key_create

    with pytest.raises(NotAllowed):
        partner_key_create(name="x", actor=operator)
