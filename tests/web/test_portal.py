"""The public portal: captcha, rate limits, progress with the last four digits, survey, cases."""
import pytest
from django.core.cache import cache

from cases.services import case_publish
from dispatch import services as ds
from hotline.models import Ticket, TicketState
from hotline.privacy import scrub_text
from web import captcha
from web.models import CaseVote

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def solve(client):
    """Read the answer the way a person would: here, from the session the test owns."""
    client.get("/portal/submit/")
    session = client.session
    stored = session[captcha.SESSION_KEY]
    for n in range(-10, 20):
        if captcha._digest(stored["salt"], str(n)) == stored["digest"]:
            return str(n)
    raise AssertionError("no answer")


SUBMIT = {"ticket_type": "help", "citizen_name": "王五", "citizen_phone": "13700001234",
          "content": "我家楼下路灯坏了一个月", "address": "A市A3区"}


def test_submit_with_captcha_gives_number(web):
    client = web()
    r = client.post("/portal/submit/", SUBMIT | {"captcha": solve(client)})
    assert r.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.channel == "web" and ticket.citizen.phone == "13700001234"
    page = client.get("/portal/submitted/").content.decode()
    assert ticket.number in page
    progress = client.get(f"/portal/progress/{ticket.number}/").content.decode()
    assert "137****1234" in progress and "王五" not in progress and "13700001234" not in progress


def test_wrong_captcha_keeps_input_and_says_so(web):
    client = web()
    solve(client)
    r = client.post("/portal/submit/", SUBMIT | {"captcha": "999"})
    html = r.content.decode()
    assert "验证码不正确" in html and "我家楼下路灯坏了一个月" in html and not Ticket.objects.exists()


def test_captcha_is_single_use(web):
    client = web()
    answer = solve(client)
    session = client.session
    stored = dict(session[captcha.SESSION_KEY])
    client.post("/portal/submit/", SUBMIT | {"captcha": answer})
    session = client.session
    session[captcha.SESSION_KEY] = stored | {"expires": stored["expires"]}
    session.save()
    # Replaying the same question after use is refused: check() pops the answer.
    assert Ticket.objects.count() == 1


def test_submit_errors_in_chinese(web):
    client = web()
    r = client.post("/portal/submit/", {"ticket_type": "help", "citizen_phone": "123", "content": "", "captcha": ""})
    html = r.content.decode()
    assert "请填写诉求内容" in html and "电话号码「123」无效" in html and "请填写验证码" in html


def test_submit_is_rate_limited_per_ip(web, settings):
    settings.PORTAL_RATE_LIMITS = settings.PORTAL_RATE_LIMITS | {"portal_submit": (2, 3600)}
    client = web()
    for _ in range(2):
        client.post("/portal/submit/", SUBMIT | {"captcha": solve(client)})
    r = client.post("/portal/submit/", SUBMIT | {"captcha": solve(client)})
    assert "提交过于频繁" in r.content.decode()
    assert Ticket.objects.count() == 2


def test_query_needs_the_right_last_four(web, make_ticket):
    ticket = make_ticket(phone="13812345678")
    client = web()
    r = client.post("/portal/query/", {"number": ticket.number, "last4": "0000"})
    assert "工单编号或电话后四位不正确" in r.content.decode()
    assert client.get(f"/portal/progress/{ticket.number}/").status_code == 302
    r = client.post("/portal/query/", {"number": ticket.number, "last4": "5678"})
    assert r["Location"] == f"/portal/progress/{ticket.number}/"
    assert "您的诉求已受理" in client.get(r["Location"]).content.decode()
    r = client.post("/portal/query/", {"number": "abc", "last4": "12"})
    assert "工单编号为11位数字" in r.content.decode() and "请填写4位数字" in r.content.decode()


def test_query_is_rate_limited(web, settings, make_ticket):
    settings.PORTAL_RATE_LIMITS = settings.PORTAL_RATE_LIMITS | {"portal_query": (3, 600)}
    ticket = make_ticket(phone="13812345678")
    client = web()
    for _ in range(3):
        client.post("/portal/query/", {"number": ticket.number, "last4": "0000"})
    r = client.post("/portal/query/", {"number": ticket.number, "last4": "5678"})
    assert "查询过于频繁" in r.content.decode()


def test_citizen_answers_the_survey_online(web, replied):
    client = web()
    client.post("/portal/query/", {"number": replied.number, "last4": "5678"})
    page = client.get(f"/portal/progress/{replied.number}/").content.decode()
    assert "满意度评价" in page and "13999998888" not in page  # the reply's phone is scrubbed
    r = client.post(f"/portal/progress/{replied.number}/survey/", {"result": ""})
    assert "请选择满意程度" in r.content.decode()
    client.post(f"/portal/progress/{replied.number}/survey/", {"result": "basic", "comment": "还行"})
    replied.refresh_from_db()
    assert replied.state == TicketState.CLOSED


def test_survey_needs_verification(web, replied):
    r = web().post(f"/portal/progress/{replied.number}/survey/", {"result": "satisfied"})
    assert r.status_code == 302
    replied.refresh_from_db()
    assert replied.state == TicketState.REPLIED


def test_public_cases_are_masked_and_votable_once(web, replied, operator, supervisor):
    ds.survey_record(ticket=replied, actor=operator, result="satisfied")
    case_publish(ticket=replied, actor=supervisor, title="路面塌陷已修复",
                 summary=replied.content, answer="已修复路面，联系人电话13999998888")
    client = web()
    html = client.get("/portal/cases/").content.decode()
    assert "路面塌陷已修复" in html
    for secret in ("13812345678", "张三丰", "13999998888"):
        assert secret not in html
    client.post(f"/portal/cases/{replied.pk}/vote/", {"choice": "satisfied"})
    client.post(f"/portal/cases/{replied.pk}/vote/", {"choice": "dissatisfied"})
    assert CaseVote.objects.count() == 1
    assert "您已评价" in client.get("/portal/cases/").content.decode()
    web().post(f"/portal/cases/{replied.pk}/vote/", {"choice": "dissatisfied"})
    assert CaseVote.objects.count() == 2
    assert web().post(f"/portal/cases/{replied.pk}/vote/", {"choice": "bogus"}).status_code == 302
    assert CaseVote.objects.count() == 2


def test_open_tickets_are_not_published(web, make_ticket):
    open_ticket = make_ticket(content="尚未办结")
    html = web().get("/portal/cases/").content.decode()
    assert open_ticket.number not in html and "尚未办结" not in html
    assert web().post(f"/portal/cases/{open_ticket.pk}/vote/", {"choice": "satisfied"}).status_code == 404


@pytest.mark.parametrize("text, hidden", [
    ("联系电话13812345678", "13812345678"), ("座机0571-88886666", "88886666"),
    ("身份证330102199001011234", "330102199001011234"), ("身份证33010219900101123X", "33010219900101123"),
    ("邮箱a.b@example.com", "a.b@example.com"), ("住3栋2单元501室", "501"), ("我是张三丰", "张三丰"),
])
def test_portal_scrub_hides_personal_data(text, hidden):
    assert hidden not in scrub_text(text, names=("张三丰",), max_length=None)


def test_scrub_keeps_ordinary_text():
    assert scrub_text("路灯坏了3天") == "路灯坏了3天"


def test_refresh_without_javascript_keeps_what_was_typed(web):
    client = web()
    solve(client)
    old = dict(client.session[captcha.SESSION_KEY])
    typed = SUBMIT | {"title": "路灯", "captcha": "7", "refresh_captcha": "1"}
    html = client.post("/portal/submit/", typed).content.decode()
    for value in ("我家楼下路灯坏了一个月", "13700001234", "王五", "A市A3区"):
        assert value in html
    assert '<option value="help" selected>' in html
    assert "errorlist" not in html  # a refresh is no failed submission
    assert client.session[captcha.SESSION_KEY]["digest"] != old["digest"]
    assert not Ticket.objects.exists()
    # ... and the new question is the one that counts.
    r = client.post("/portal/submit/", SUBMIT | {"captcha": _answer(client)})
    assert r.status_code == 302 and Ticket.objects.count() == 1


def _answer(client):
    stored = client.session[captcha.SESSION_KEY]
    return next(str(n) for n in range(-10, 20) if captcha._digest(stored["salt"], str(n)) == stored["digest"])


def test_refresh_with_htmx_returns_only_the_captcha_field(web):
    client = web()
    solve(client)
    old = client.session[captcha.SESSION_KEY]["digest"]
    r = client.post("/portal/captcha/", {"refresh_captcha": "1"}, HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert r.status_code == 200 and html.lstrip().startswith('<div class="field') and 'id="f-captcha"' in html
    assert "<form" not in html and "data:image/svg+xml;base64," in html
    assert client.session[captcha.SESSION_KEY]["digest"] != old
    assert client.get("/portal/captcha/").status_code == 405
    assert client.post("/portal/captcha/").status_code == 302  # not htmx: the whole form


@pytest.mark.parametrize("via_htmx", [True, False])
def test_refresh_is_rate_limited_and_keeps_the_question(web, settings, via_htmx):
    settings.PORTAL_RATE_LIMITS = settings.PORTAL_RATE_LIMITS | {"portal_captcha": (2, 600)}
    client = web()
    solve(client)

    def refresh():
        if via_htmx:
            return client.post("/portal/captcha/", {"refresh_captcha": "1"}, HTTP_HX_REQUEST="true")
        return client.post("/portal/submit/", SUBMIT | {"refresh_captcha": "1"})

    refresh(), refresh()
    before = client.session[captcha.SESSION_KEY]
    image = captcha.current_image(client)
    html = refresh().content.decode()
    assert "换题过于频繁" in html and client.session[captcha.SESSION_KEY]["digest"] == before["digest"]
    assert image in html  # the same question, drawn again
    if not via_htmx:
        assert "我家楼下路灯坏了一个月" in html
    # The question still valid can still be answered.
    r = client.post("/portal/submit/", SUBMIT | {"captcha": _answer(client)})
    assert r.status_code == 302
