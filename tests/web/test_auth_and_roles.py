"""Signing in lands each role on its own home; pages refuse the wrong roles."""
import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who, home", [
    ("operator", "/console/"), ("supervisor", "/board/"), ("leader", "/m/"), ("staff_a", "/unit/"),
])
def test_login_lands_on_role_home(web, people, who, home):
    client = web()
    r = client.post("/login/", {"username": people[who].username, "password": "pass-12345"})
    assert r.status_code == 302 and r["Location"] == home
    assert client.get("/").headers["Location"] == home
    assert client.get(home).status_code == 200


def test_wrong_password_shows_chinese_error_and_keeps_username(web, operator):
    r = web().post("/login/", {"username": "operator", "password": "nope"})
    html = r.content.decode()
    assert r.status_code == 200
    assert "用户名或密码不正确" in html
    assert 'value="operator"' in html


def test_anonymous_is_sent_to_login(web):
    for url in ("/console/", "/board/", "/m/", "/unit/", "/tickets/"):
        r = web().get(url)
        assert r.status_code == 302 and r["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("who, url", [
    ("leader", "/console/"), ("staff_a", "/board/"), ("operator", "/m/"), ("leader", "/unit/"),
    ("staff_a", "/tickets/"), ("display", "/console/"),
])
def test_wrong_role_gets_chinese_403(web, people, who, url):
    r = web(people[who]).get(url)
    assert r.status_code == 403
    assert "无权" in r.content.decode()


def test_logout_needs_post_and_ends_session(web, operator):
    client = web(operator)
    assert client.get("/logout/").status_code == 200
    client.post("/logout/")
    assert client.get("/console/").status_code == 302


def test_base_page_loads_live_js_and_htmx_only_from_our_static(web, operator):
    html = web(operator).get("/console/").content.decode()
    assert "/static/js/live.js" in html and "/static/vendor/htmx/htmx.min.js" in html
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html
    assert "/static/js/live.js" not in web().get("/login/").content.decode()


def test_sms_link_to_a_ticket_survives_the_login(web, leader):
    client = web()
    r = client.get("/m/tickets/5/")
    assert r["Location"] == "/login/?next=/m/tickets/5/"
    r = client.post("/login/?next=/m/tickets/5/", {"username": "leader", "password": "pass-12345",
                                                   "next": "/m/tickets/5/"})
    assert r["Location"] == "/m/tickets/5/"


def test_login_ignores_an_outside_next(web, leader):
    r = web().post("/login/", {"username": "leader", "password": "pass-12345", "next": "https://evil.example/"})
    assert r["Location"] == "/m/"
