"""Every change of roles, accounts, settings, templates, policies and knowledge points leaves an
audit row (issue 20 item 3): who, what, and the changed fields before and after; no secret and
no citizen's data in it; written with the change (a refused change leaves none)."""
import pytest
from django.test import Client

from audit.changes import SECRET
from audit.models import AuditAction, AuditEvent
from hotline.models import Role, User
from tests.conftest import ensure_reference_data, make_user

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rows(action) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


@pytest.fixture
def sysadmin(db):
    return make_user("sysadmin", Role.SYSADMIN)


@pytest.fixture
def secadmin(db):
    return make_user("secadmin", Role.SECADMIN)


# --- roles and accounts ------------------------------------------------------------------------------
def test_a_role_assignment_is_recorded_with_before_and_after(secadmin, operator, unit_a):
    signed_in(secadmin).post(f"/admin/hotline/user/{operator.pk}/change/", {"role": "unit_staff", "unit": unit_a.pk})
    [row] = rows(AuditAction.ROLE_CHANGED)
    assert (row.actor, row.actor_role, row.target_type, row.target_id) == (secadmin, "secadmin", "user",
                                                                          str(operator.pk))
    assert row.detail["before"] == {"role": "operator", "unit": None}
    assert row.detail["after"] == {"role": "unit_staff", "unit": unit_a.name}
    assert not rows(AuditAction.ACCOUNT_CHANGED)  # the account itself did not change


def test_making_someone_an_administrator_lets_them_into_the_admin_site(secadmin, operator):
    signed_in(secadmin).post(f"/admin/hotline/user/{operator.pk}/change/", {"role": "sysadmin", "unit": ""})
    operator.refresh_from_db()
    assert operator.is_staff
    [row] = rows(AuditAction.ROLE_CHANGED)
    assert row.detail["before"] == {"role": "operator", "is_staff": False}
    assert row.detail["after"] == {"role": "sysadmin", "is_staff": True}


def test_an_account_created_deactivated_and_reset_is_recorded(sysadmin):
    web = signed_in(sysadmin)
    web.post("/admin/hotline/user/add/", {
        "username": "newbie", "usable_password": "true", "password1": "x-Long-pass-9876",
        "password2": "x-Long-pass-9876", "display_name": "新同事", "phone": "13912345678"})
    newbie = User.objects.get(username="newbie")
    web.post(f"/admin/hotline/user/{newbie.pk}/change/", {"username": "newbie", "display_name": "新同事",
                                                          "phone": "13912345678", "is_active": ""})
    web.post(f"/admin/hotline/user/{newbie.pk}/password/", {
        "password1": "New-pass-2468x", "password2": "New-pass-2468x", "usable_password": "true"})
    created, deactivated, reset = rows(AuditAction.ACCOUNT_CHANGED)
    assert all(row.actor == sysadmin and row.target_id == str(newbie.pk) for row in (created, deactivated, reset))
    assert created.detail["op"] == "created" and created.detail["after"]["username"] == "newbie"
    assert created.detail["after"]["phone"] == "139****5678"  # contacts masked in the trail
    assert (deactivated.detail["op"], deactivated.detail["before"], deactivated.detail["after"]) == (
        "deactivated", {"is_active": True}, {"is_active": False})
    assert reset.detail == {"op": "password_reset"}
    assert "2468" not in str([r.detail for r in rows(AuditAction.ACCOUNT_CHANGED)])
    assert not rows(AuditAction.ROLE_CHANGED)  # created without a role


def test_the_superuser_making_an_administrator_is_recorded_and_flagged(db):
    root = User.objects.create_superuser("root", password="pass-12345")
    signed_in(root).post("/admin/hotline/user/add/", {
        "username": "aud", "usable_password": "true", "password1": "x-Long-pass-9876",
        "password2": "x-Long-pass-9876", "role": "auditor", "display_name": "审计员"})
    [account] = rows(AuditAction.ACCOUNT_CHANGED)
    [role] = rows(AuditAction.ROLE_CHANGED)
    assert role.detail["after"]["role"] == "auditor" and role.detail["before"] == {}
    assert account.detail["superuser"] is True and role.detail["superuser"] is True and role.actor == root


def test_a_refused_change_leaves_no_row_and_no_change(secadmin, sysadmin):
    from hotline.errors import NotAllowed
    from hotline.services.accounts import account_save

    secadmin.role = Role.SYSADMIN
    with pytest.raises(NotAllowed):
        account_save(actor=secadmin, user=secadmin)  # nobody raises their own rights
    sysadmin.role = Role.SUPERVISOR
    with pytest.raises(NotAllowed):
        account_save(actor=make_user("sys2", Role.SYSADMIN), user=sysadmin)
    assert not AuditEvent.objects.exists()
    assert User.objects.get(pk=secadmin.pk).role == Role.SECADMIN


# --- settings, templates, policies: the admin's hooks ------------------------------------------------
def test_a_policy_change_and_delete_are_recorded(sysadmin):
    from dispatch.models import ReplyReviewPolicy

    ensure_reference_data()
    policy = ReplyReviewPolicy.objects.get(ticket_type="complaint")
    web = signed_in(sysadmin)
    web.post(f"/admin/dispatch/replyreviewpolicy/{policy.pk}/change/", {"ticket_type": "complaint"})
    web.post(f"/admin/dispatch/replyreviewpolicy/{policy.pk}/delete/", {"post": "yes"})
    changed, deleted = rows(AuditAction.POLICY_CHANGED)
    assert changed.actor == sysadmin and changed.target_type == "replyreviewpolicy"
    assert changed.detail == {"op": "changed", "before": {"review_required": True}, "after": {"review_required": False}}
    assert deleted.detail["op"] == "deleted" and deleted.detail["before"]["ticket_type"] == "complaint"
    assert not ReplyReviewPolicy.objects.filter(pk=policy.pk).exists()


def test_a_template_edit_is_recorded(sysadmin):
    from sms_gateway.models import SmsTemplate

    ensure_reference_data()
    template = SmsTemplate.objects.order_by("pk").first()
    signed_in(sysadmin).post(f"/admin/sms_gateway/smstemplate/{template.pk}/change/", {
        "name": template.name, "recipient": template.recipient, "text": "您好，这是一条新的模板内容。",
        "optional": "on" if template.optional else "", "is_active": "on"})
    [row] = rows(AuditAction.TEMPLATE_CHANGED)
    assert row.detail["op"] == "changed" and row.detail["after"]["text"] == "您好，这是一条新的模板内容。"
    assert row.detail["before"]["text"] == template.text[:200] + ("…" if len(template.text) > 200 else "")


def test_a_setting_edit_is_recorded_and_a_secret_is_never_written(sysadmin):
    web = signed_in(sysadmin)
    web.post("/admin/dispatch/calendaroverride/add/", {"day": "2027-02-08", "is_workday": "on", "note": "调休上班"})
    web.post("/admin/sms_gateway/apiaccount/add/", {"friendly_name": "工单系统", "auth_token": "tok-very-secret-123",
                                                    "is_active": "on"})
    day, account = rows(AuditAction.SETTING_CHANGED)
    assert day.detail["op"] == "created" and day.detail["after"]["day"] == "2027-02-08"
    assert account.detail["after"]["auth_token"] == SECRET
    assert "tok-very-secret" not in str(account.detail)


def test_a_holiday_import_is_recorded(sysadmin):
    from dispatch.services.calendar import holiday_year_import

    holiday_year_import(year=2027, text="2027-01-01 休 元旦\n2027-01-09 班", actor=sysadmin, source="通知")
    holiday_year_import(year=2027, text="2027-01-01 休 元旦", actor=sysadmin, source="更正")
    first, second = rows(AuditAction.SETTING_CHANGED)
    assert first.detail["after"] == {"days_off": 1, "make_up_days": 1, "source": "通知"}
    assert second.detail["before"] == {"days_off": 1, "make_up_days": 1, "source": "通知"}
    assert second.detail["after"]["make_up_days"] == 0 and second.actor == sysadmin


# --- knowledge points ------------------------------------------------------------------------------------
def test_each_step_of_a_knowledge_point_is_recorded(supervisor, staff_a):
    from knowledge.services.points import PointFields, point_create, point_publish, point_update, point_withdraw

    point = point_create(actor=staff_a, fields=PointFields(title="燃气开户", answer="携带身份证到营业厅办理。"),
                         submit=True)
    point = point_publish(point=point, actor=supervisor)
    point = point_update(point=point, actor=supervisor,
                         fields=PointFields(title="燃气开户办理", answer="携带身份证到营业厅办理。", unit=staff_a.unit))
    point_withdraw(point=point, actor=supervisor, note="政策调整")
    steps = rows(AuditAction.KNOWLEDGE_CHANGED)
    assert [(r.detail["op"], r.actor) for r in steps] == [
        ("created", staff_a), ("submitted", staff_a), ("published", supervisor), ("updated", supervisor),
        ("withdrawn", supervisor)]
    assert all(r.target_type == "knowledgepoint" and r.target_id == str(point.pk) for r in steps)
    assert steps[0].detail["before"] == {} and steps[0].detail["after"]["title"] == "燃气开户"
    assert (steps[2].detail["before"], steps[2].detail["after"]) == ({"state": "pending"}, {"state": "published"})
    assert (steps[3].detail["before"], steps[3].detail["after"]) == ({"title": "燃气开户"}, {"title": "燃气开户办理"})
    assert steps[4].detail["note"] == "政策调整" and steps[4].detail["after"] == {"state": "withdrawn"}


def test_synonym_changes_are_recorded(supervisor):
    from knowledge.services.synonyms import synonym_delete, synonym_save

    group = synonym_save(actor=supervisor, words="燃气 天然气")
    synonym_save(actor=supervisor, words="燃气 天然气 煤气", synonym=group)
    synonym_delete(actor=supervisor, synonym=group)
    made, changed, deleted = rows(AuditAction.KNOWLEDGE_CHANGED)
    assert made.detail == {"op": "created", "before": {}, "after": {"words": "燃气 天然气"}}
    assert changed.detail["before"] == {"words": "燃气 天然气"}
    assert changed.detail["after"] == {"words": "燃气 天然气 煤气"}
    assert deleted.detail["op"] == "deleted" and deleted.actor == supervisor
