"""三员分立 (issue 20 item 2, docs/SECURITY-duties.md): the system administrator (accounts,
settings), the security administrator (roles) and the audit administrator (the audit log)
never read a ticket or a citizen; the superuser is for bootstrap only; 中心管理员 keeps the
centre's business. Each administrator's allowed and refused pages, API and admin pages."""
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from hotline.models import Role, User
from tests import factories as f
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

@pytest.fixture
def admins(db) -> dict[str, User]:
    return {
        "sysadmin": make_user("sysadmin", Role.SYSADMIN),
        "secadmin": make_user("secadmin", Role.SECADMIN),
        "auditor": make_user("auditor", Role.AUDITOR),
        "superuser": User.objects.create_superuser("root", password="pass-12345"),
    }


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["sysadmin", "secadmin", "auditor", "superuser"])
def test_no_administrator_reads_a_ticket_or_a_citizen(people, admins, api, who):
    ticket = f.dispatched(people)
    user, web = admins[who], client_of(admins[who])
    for url in (f"/tickets/{ticket.pk}/", f"/unit/tickets/{ticket.pk}/", f"/m/tickets/{ticket.pk}/", "/tickets/",
                "/console/", "/board/", "/console/missed-calls/", "/knowledge/", "/reports/"):
        response = web.get(url)
        assert response.status_code == 403, (who, url, response.status_code)
        assert ticket.citizen.phone not in response.content.decode()
    for url in (f"/api/tickets/{ticket.pk}/", "/api/tickets/", f"/api/citizens/history/?phone={ticket.citizen.phone}",
                "/api/inbox/"):
        response = api(user).get(url)
        assert response.status_code == 403, (who, url, response.status_code)
        assert ticket.citizen.phone not in response.content.decode()


def concrete_paths(ident: int) -> list[str]:
    """Every URL of the site with its parameters filled (a ticket's id, a word for text)."""
    paths = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and "format" not in route and ".*" not in route:
                path = re.sub(r"<int:\w+>|\(\?P<\w+>\[\^/\.\]\+\)", str(ident), route)
                path = re.sub(r"<(?:str|slug|path):\w+>|\(\?P<\w+>[^)]*\)", "x", path)
                paths.append("/" + path.replace("\\", ""))

    walk(get_resolver().url_patterns, "")
    return sorted(set(paths))


# What an administrator may open outside the admin site: the public pages and their own.
PUBLIC = ("/portal/", "/login/", "/logout/", "/favicon.ico", "/api/health/", "/api/schema/", "/api/me/", "/static/",
          "/metrics", "/api/auth/token/", "/display/", "/media/")
OWN = {"auditor": ("/audit/",), "secadmin": ("/account/security/",)}
# Everyone's own account pages: the password, the second factor, the login's second step.
PUBLIC = (*PUBLIC, "/account/password/", "/account/totp/", "/login/verify/")
EXACT = {"/", "/api/"}  # home (a redirect to one's own) and the API's index of endpoints


@pytest.mark.parametrize("who", ["sysadmin", "secadmin", "auditor", "superuser"])
def test_every_other_page_and_endpoint_refuses_the_administrators(people, admins, who):
    ticket = f.dispatched(people)
    web = client_of(admins[who])
    opened = []
    paths = concrete_paths(ticket.pk)
    assert f"/tickets/{ticket.pk}/" in paths and f"/api/tickets/{ticket.pk}/" in paths
    for path in paths:
        if path in EXACT or path.startswith(("/admin/", *PUBLIC, *OWN.get(who, ()))):
            continue
        response = web.get(path)
        if response.status_code < 300 or (response.status_code in (301, 302)
                                           and not response["Location"].startswith(("/login/", "/admin/login/"))):
            opened.append((path, response.status_code))
    assert not opened, f"{who} opened {opened}"


# --- the admin site ------------------------------------------------------------------------------
# Changelists by app/model (the admin's URLs).
CONFIGURATION = ["hotline/unit", "hotline/category", "dispatch/timelimitpolicy", "dispatch/approvalpolicy",
                 "dispatch/replyreviewpolicy", "dispatch/calendaroverride", "dispatch/holidayyear",
                 "sms_gateway/smstemplate", "sms_gateway/apiaccount"]
BUSINESS = ["hotline/citizen", "hotline/ticket", "hotline/ticketevent", "hotline/identityread", "sms_gateway/message",
            "channels_app/call", "dispatch/assignment", "dispatch/survey", "cases/publishedcase",
            "knowledge/knowledgepoint", "web/casevote"]
USERS, TOKENS = "hotline/user", "authtoken/tokenproxy"


@pytest.mark.parametrize(("who", "opens", "refused"), [
    ("sysadmin", [*CONFIGURATION, USERS], [*BUSINESS, TOKENS]),
    ("secadmin", [USERS, TOKENS, "hotline/unit"], [*CONFIGURATION[1:], *BUSINESS]),  # units: read, to pick one
    ("centre", BUSINESS, [*CONFIGURATION, USERS, TOKENS]),
    ("superuser", [USERS], [*CONFIGURATION, *BUSINESS, TOKENS]),
])
def test_each_admin_page_opens_for_its_role_only(admins, who, opens, refused):
    user = admins.get(who) or make_user("centre", Role.ADMIN)
    web = client_of(user)
    assert web.get("/admin/").status_code == 200
    for model in opens:
        assert web.get(f"/admin/{model}/").status_code == 200, (who, model)
    for model in refused:
        assert web.get(f"/admin/{model}/").status_code == 403, (who, model)


def test_the_security_administrator_reads_units_but_never_changes_them(admins, unit_a):
    web = client_of(admins["secadmin"])
    assert 'name="name"' not in web.get(f"/admin/hotline/unit/{unit_a.pk}/change/").content.decode()
    web.post(f"/admin/hotline/unit/{unit_a.pk}/change/", {"name": "改名", "code": unit_a.code, "kind": unit_a.kind})
    unit_a.refresh_from_db()
    assert unit_a.name != "改名"


@pytest.mark.parametrize("who", ["auditor", "operator", "supervisor", "leader", "staff_a", "display"])
def test_the_admin_site_is_closed_to_everyone_else(people, admins, who):
    response = client_of(admins.get(who) or people[who]).get("/admin/")
    assert response.status_code == 403 and "无权访问" in response.content.decode()


def test_the_admin_login_page_still_lets_anyone_sign_in(client, db):
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/login/").status_code == 200


# --- homes and menus -------------------------------------------------------------------------------
@pytest.mark.parametrize(("who", "home", "menu"), [
    ("sysadmin", "/admin/", {"/admin/", "/admin/hotline/user/"}),
    ("secadmin", "/account/security/", {"/account/security/", "/admin/hotline/user/"}),
    ("auditor", "/audit/", {"/audit/"}),
    ("superuser", "/admin/", {"/admin/hotline/user/"}),
])
def test_each_administrator_lands_on_its_own_home(admins, who, home, menu):
    from web.context import nav_for

    assert client_of(admins[who]).get("/").headers["Location"] == home
    assert {url for _, url, _ in nav_for(admins[who])} == menu


def test_the_centre_administrator_keeps_the_business_and_its_records(people):
    from web.context import nav_for

    centre = make_user("centre", Role.ADMIN)
    ticket = f.dispatched(people)
    web = client_of(centre)
    assert web.get("/").headers["Location"] == "/board/"
    page = web.get(f"/tickets/{ticket.pk}/")
    assert page.status_code == 200 and ticket.citizen.phone in page.content.decode()
    assert ("admin", "/admin/", "管理后台") in nav_for(centre)


# --- accounts: the system administrator's, without roles -------------------------------------------
def test_the_system_administrator_creates_an_account_without_a_role(admins):
    web = client_of(admins["sysadmin"])
    form = web.get("/admin/hotline/user/add/").content.decode()
    assert 'name="role"' not in form and 'name="is_superuser"' not in form and 'name="unit"' not in form
    response = web.post("/admin/hotline/user/add/", {
        "username": "newbie", "usable_password": "true", "password1": "x-Long-pass-9876",
        "password2": "x-Long-pass-9876", "display_name": "新同事", "role": "supervisor", "is_superuser": "on"})
    assert response.status_code == 302
    newbie = User.objects.get(username="newbie")
    assert (newbie.role, newbie.is_superuser, newbie.display_name) == (Role.UNASSIGNED, False, "新同事")
    # 未分配角色: signs in, and opens nothing until the security administrator assigns a role.
    assert client_of(newbie).get("/board/").status_code == 403


def test_the_system_administrator_edits_deactivates_and_resets_but_never_assigns(people, admins):
    web = client_of(admins["sysadmin"])
    operator = people["operator"]
    page = web.get(f"/admin/hotline/user/{operator.pk}/change/").content.decode()
    assert 'name="display_name"' in page and 'name="is_active"' in page
    assert 'name="role"' not in page and 'name="unit"' not in page and 'name="is_superuser"' not in page
    web.post(f"/admin/hotline/user/{operator.pk}/change/", {
        "username": "operator", "display_name": "话务员小张", "phone": "", "extension": "8001", "email": "",
        "role": "supervisor", "is_superuser": "on"})  # is_active left out: deactivated
    operator.refresh_from_db()
    assert (operator.is_active, operator.role, operator.is_superuser) == (False, Role.OPERATOR, False)
    response = web.post(f"/admin/hotline/user/{operator.pk}/password/", {
        "password1": "New-pass-2468x", "password2": "New-pass-2468x", "usable_password": "true"})
    assert response.status_code == 302
    operator.refresh_from_db()
    assert operator.check_password("New-pass-2468x")


@pytest.mark.parametrize("target", ["secadmin", "auditor", "sysadmin", "superuser"])
def test_the_system_administrator_keeps_off_the_administrators_accounts(admins, target):
    web = client_of(admins["sysadmin"])
    other = admins[target]
    assert web.get(f"/admin/hotline/user/{other.pk}/password/").status_code == 403
    web.post(f"/admin/hotline/user/{other.pk}/change/", {"username": other.username, "display_name": "改名"})
    other.refresh_from_db()
    assert other.display_name != "改名" and other.is_active


# --- roles: the security administrator's -----------------------------------------------------------
def test_the_security_administrator_assigns_roles_and_units_only(people, admins, unit_a):
    web = client_of(admins["secadmin"])
    operator = people["operator"]
    page = web.get(f"/admin/hotline/user/{operator.pk}/change/").content.decode()
    assert 'name="role"' in page and 'name="unit"' in page
    assert 'name="display_name"' not in page and 'name="is_active"' not in page and "password/" not in page
    assert 'name="is_superuser"' not in page  # granted by nobody here: createsuperuser only
    response = web.post(f"/admin/hotline/user/{operator.pk}/change/", {
        "role": "unit_staff", "unit": unit_a.pk, "is_superuser": "on", "is_active": "", "display_name": "x"})
    assert response.status_code == 302
    operator.refresh_from_db()
    assert (operator.role, operator.unit, operator.is_superuser, operator.is_active, operator.display_name) == (
        Role.UNIT_STAFF, unit_a, False, True, "话务员小张")
    assert web.get(f"/admin/hotline/user/{operator.pk}/password/").status_code == 403
    assert web.get("/admin/hotline/user/add/").status_code == 403


def test_unit_staff_still_need_a_unit(people, admins):
    web = client_of(admins["secadmin"])
    operator = people["operator"]
    response = web.post(f"/admin/hotline/user/{operator.pk}/change/", {"role": "unit_staff", "unit": ""})
    assert "承办单位的工作人员须选择所属单位" in response.content.decode()
    operator.refresh_from_db()
    assert operator.role == Role.OPERATOR


def test_nobody_assigns_their_own_role(admins):
    me = admins["secadmin"]
    web = client_of(me)
    assert 'name="role"' not in web.get(f"/admin/hotline/user/{me.pk}/change/").content.decode()  # read only
    web.post(f"/admin/hotline/user/{me.pk}/change/", {"role": "sysadmin"})
    me.refresh_from_db()
    assert me.role == Role.SECADMIN


def test_the_security_administrator_may_take_the_superuser_flag_away(admins):
    root = admins["superuser"]
    web = client_of(admins["secadmin"])
    assert 'name="is_superuser"' in web.get(f"/admin/hotline/user/{root.pk}/change/").content.decode()
    assert web.post(f"/admin/hotline/user/{root.pk}/change/", {"role": "unassigned", "unit": ""}).status_code == 302
    root.refresh_from_db()
    assert not root.is_superuser


# --- the superuser: bootstrap only ---------------------------------------------------------------
def test_createsuperuser_makes_an_account_without_a_business_role(db):
    from io import StringIO

    from django.core.management import call_command

    call_command("createsuperuser", "--noinput", "--username", "boot", "--email", "", stdout=StringIO())
    boot = User.objects.get(username="boot")
    assert boot.is_superuser and boot.role == Role.UNASSIGNED
    assert not boot.has_role(*(role for role in Role.values if role != Role.UNASSIGNED))


def test_the_superuser_creates_the_three_administrators(admins):
    web = client_of(admins["superuser"])
    form = web.get("/admin/hotline/user/add/").content.decode()
    assert 'name="role"' in form and "超级用户仅用于初始化" in form
    for username, role in (("sys2", "sysadmin"), ("sec2", "secadmin"), ("aud2", "auditor")):
        response = web.post("/admin/hotline/user/add/", {
            "username": username, "usable_password": "true", "password1": "x-Long-pass-9876",
            "password2": "x-Long-pass-9876", "role": role, "display_name": username})
        assert response.status_code == 302, response.content.decode()[:300]
        assert User.objects.get(username=username).role == role


def test_a_superuser_holds_no_business_role(admins):
    from django.core.exceptions import ValidationError

    root = admins["superuser"]
    root.role = Role.ADMIN
    with pytest.raises(ValidationError, match="超级用户仅用于初始化"):
        root.clean()


def test_what_the_superuser_does_stands_out_in_the_audit_trail(admins):
    from audit.models import AuditAction
    from audit.services import audit_record

    row = audit_record(action=AuditAction.LOGIN, actor=admins["superuser"])
    plain = audit_record(action=AuditAction.LOGIN, actor=admins["sysadmin"])
    assert row.detail == {"superuser": True} and plain.detail == {}
    page = client_of(admins["superuser"]).get("/admin/").content.decode()
    assert "超级用户会话" in page


def test_an_old_account_breaking_a_rule_is_explained_not_a_crash(people, admins):
    legacy = people["staff_a"]
    User.objects.filter(pk=legacy.pk).update(unit=None)  # from before the rule
    response = client_of(admins["sysadmin"]).post(f"/admin/hotline/user/{legacy.pk}/change/", {
        "username": "staff_a", "display_name": "改名", "is_active": "on"})
    assert response.status_code == 200 and "承办单位的工作人员须选择所属单位" in response.content.decode()
