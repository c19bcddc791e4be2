"""The scheme versioned by month, edited in the admin by 中心管理员; a scheme a published month
used cannot change (copy it to a new version instead)."""
import datetime as dt

import pytest

from assessment.models import Scheme, SchemeIndicator
from assessment.selectors import month_scores, scheme_for
from assessment.services import assessment_month_publish
from audit.models import AuditEvent
from hotline.clock import frozen_at
from hotline.models import Role
from tests.conftest import make_user

from .conftest import at, make_scheme


@pytest.fixture
def centre_admin(db):
    return make_user("centre_admin", Role.ADMIN)


def test_the_scheme_in_force_is_the_latest_valid_from_not_after_the_month(db):
    v1 = make_scheme(valid_from=dt.date(2026, 1, 1), name="一版")
    v2 = make_scheme(valid_from=dt.date(2026, 10, 1), name="二版")
    assert scheme_for(dt.date(2025, 12, 31)) is None
    assert scheme_for(dt.date(2026, 1, 1)) == v1
    assert scheme_for(dt.date(2026, 9, 30)) == v1
    assert scheme_for(dt.date(2026, 10, 1)) == v2
    assert scheme_for(dt.date(2027, 3, 5)) == v2


def test_a_new_version_changes_only_the_months_from_its_start(september):
    # closure weighted 70 instead of 40 from October: September keeps the first version's scores
    make_scheme(valid_from=dt.date(2026, 10, 1), name="二版", closure_weight=70)
    b = next(s for s in month_scores(month=dt.date(2026, 9, 1)) if s.unit_id == september["B"].pk)
    assert b.score == 61.5


def admin_post(client, user, scheme, **changes):
    data = {"name": scheme.name, "valid_from": scheme.valid_from.isoformat(), "note": scheme.note,
            "indicators-TOTAL_FORMS": str(scheme.indicators.count()),
            "indicators-INITIAL_FORMS": str(scheme.indicators.count()),
            "indicators-MIN_NUM_FORMS": "0", "indicators-MAX_NUM_FORMS": "1000"}
    for n, row in enumerate(scheme.indicators.order_by("id")):
        for name in ("code", "rule", "weight", "lower", "upper", "per_event", "cap"):
            value = getattr(row, name)
            data[f"indicators-{n}-{name}"] = "" if value is None else str(value)
        data[f"indicators-{n}-id"] = str(row.pk)
        data[f"indicators-{n}-scheme"] = str(scheme.pk)
    data.update(changes)
    client.force_login(user)
    return client.post(f"/admin/assessment/scheme/{scheme.pk}/change/", data)


def test_centre_admin_edits_a_scheme_and_the_change_is_audited(client, centre_admin, scheme):
    response = admin_post(client, centre_admin, scheme, **{"indicators-0-weight": "45"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SchemeIndicator.objects.get(scheme=scheme, code="closure_rate").weight == 45
    assert AuditEvent.objects.filter(action="policy_changed", target_type="scheme").exists()


def test_a_bad_rule_is_refused_with_a_reason(client, centre_admin, scheme):
    response = admin_post(client, centre_admin, scheme, **{"indicators-0-lower": "100", "indicators-0-upper": "50"})
    assert response.status_code == 200
    assert "须满足 0 ≤ 下限 &lt; 上限 ≤ 100" in response.content.decode()
    response = admin_post(client, centre_admin, scheme, **{"indicators-3-rule": "linear"})
    assert "是件数指标，只能按件扣分或加分" in response.content.decode()


def test_a_published_scheme_cannot_be_edited_but_can_be_copied(client, centre_admin, people, september):
    scheme = Scheme.objects.get()
    with frozen_at(at("2026-10-02 09:00")):
        assessment_month_publish(month=dt.date(2026, 9, 1), actor=people["supervisor"])
        response = admin_post(client, centre_admin, scheme, **{"indicators-0-weight": "45"})
    assert response.status_code == 200
    assert "不能修改或删除" in response.content.decode()
    assert SchemeIndicator.objects.get(scheme=scheme, code="closure_rate").weight == 40

    with frozen_at(at("2026-10-02 09:00")):
        response = client.post("/admin/assessment/scheme/", {"action": "copy_as_new_version",
                                                             "_selected_action": [scheme.pk]}, follow=True)
    assert "已复制为" in response.content.decode()
    copy = Scheme.objects.exclude(pk=scheme.pk).get()
    assert copy.valid_from == dt.date(2026, 10, 1)  # the month after the published one
    assert sorted(copy.indicators.values_list("code", "weight")) == sorted(
        scheme.indicators.values_list("code", "weight"))
    # The copy is not used yet: it may be edited.
    assert admin_post(client, centre_admin, copy, **{"indicators-0-weight": "45"}).status_code == 302


def test_a_new_version_may_not_start_in_a_published_month(client, centre_admin, people, september):
    with frozen_at(at("2026-10-02 09:00")):
        assessment_month_publish(month=dt.date(2026, 9, 1), actor=people["supervisor"])
    client.force_login(centre_admin)
    response = client.post("/admin/assessment/scheme/add/", {
        "name": "补发版", "valid_from": "2026-09-01", "note": "",
        "indicators-TOTAL_FORMS": "0", "indicators-INITIAL_FORMS": "0",
        "indicators-MIN_NUM_FORMS": "0", "indicators-MAX_NUM_FORMS": "1000"})
    assert response.status_code == 200 and "新版本的起始月份须在其后" in response.content.decode()


@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.SUPERVISOR])
def test_only_the_centre_admin_opens_the_schemes(client, db, role):
    client.force_login(make_user(f"u_{role}", role))
    assert client.get("/admin/assessment/scheme/").status_code in (302, 403)


def test_the_default_scheme_is_valid_and_weighs_100(db):
    from assessment.scoring import Rule, validate
    from assessment.services import scheme_default_ensure

    scheme = scheme_default_ensure(valid_from=dt.date(2026, 1, 15))
    assert scheme.valid_from == dt.date(2026, 1, 1)
    rules = [Rule.of(row) for row in scheme.indicators.all()]
    assert [validate(rule) for rule in rules] == [None] * 10
    assert sum(r.weight for r in rules if r.rule == "linear") == 100
    assert scheme_default_ensure(valid_from=dt.date(2026, 1, 1)) is None  # once


def test_an_indicator_chosen_twice_is_refused(client, centre_admin, scheme):
    response = admin_post(client, centre_admin, scheme, **{"indicators-1-code": "closure_rate",
                                                           "indicators-1-lower": "0", "indicators-1-upper": "100"})
    assert response.status_code == 200
    assert scheme.indicators.filter(code="closure_rate").count() == 1
