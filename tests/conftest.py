"""The people every test can name: an operator, a supervisor, a leader, staff of
unit A and unit B, a display device and an outsider (staff of a unit that has
nothing to do with the tickets at hand)."""
import pytest
from rest_framework.test import APIClient

from hotline.models import Role, Unit, User


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def live_server(django_db_setup, django_db_blocker):
    """Replaces pytest-django's WSGI live_server: the pages with their websockets (tests/asgi_live.py)."""
    from tests.asgi_live import AsgiLiveServer

    with django_db_blocker.unblock():
        server = AsgiLiveServer()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def browser_problems():
    """No page a browser test opens may log a console error or fail a request."""
    from tests.web.browser import CSP_VIOLATIONS, EXPECTED_FAILURES, PROBLEMS, close_pages

    PROBLEMS.clear()
    CSP_VIOLATIONS.clear()
    EXPECTED_FAILURES.clear()
    yield PROBLEMS
    close_pages()
    problems, PROBLEMS[:] = list(PROBLEMS), []
    EXPECTED_FAILURES.clear()
    assert not problems, "the pages logged errors or failed requests:\n" + "\n".join(problems)


@pytest.fixture(autouse=True)
def _fresh_local_cache():
    """Rate-limit counters and cached answers of one test must not leak into the next. Only the
    in-process cache is emptied: a Redis of the integration runs is shared with other processes."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()


@pytest.fixture(autouse=True)
def _fresh_login_counters():
    """Failed logins are counted per client address (accounts.lockout), and every test client is
    127.0.0.1: with Redis (integration runs) the counts would outlive the test that made them."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match="*accounts:fail:*", count=1000))
        if keys:
            client.delete(*keys)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Hashing each test user's password at production strength costs ~0.3 s a user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def county(db) -> Unit:
    return Unit.objects.create(name="某县人民政府", code="county", kind=Unit.Kind.DISTRICT)


@pytest.fixture
def unit_a(county) -> Unit:
    return Unit.objects.create(name="县住房和城乡建设局", code="zjj", parent=county,
                               head_name="王局长", head_phone="13900000001")


@pytest.fixture
def unit_b(county) -> Unit:
    return Unit.objects.create(name="县交通运输局", code="jtj", parent=county,
                               head_name="李局长", head_phone="13900000002")


@pytest.fixture
def unit_c(county) -> Unit:
    return Unit.objects.create(name="县文化广电和旅游局", code="wlj", parent=county)


def make_user(username: str, role: str, unit: Unit | None = None, **extra) -> User:
    return User.objects.create_user(
        username=username, password="pass-12345", role=role, unit=unit,
        display_name=extra.pop("display_name", username), **extra,
    )


@pytest.fixture
def operator(db) -> User:
    return make_user("operator", Role.OPERATOR, display_name="话务员小张", extension="8001")


@pytest.fixture
def supervisor(db) -> User:
    return make_user("supervisor", Role.SUPERVISOR, display_name="值班长老刘")


@pytest.fixture
def leader(db) -> User:
    return make_user("leader", Role.LEADER, display_name="赵县长", phone="13900000009")


@pytest.fixture
def other_leader(db) -> User:
    return make_user("leader2", Role.LEADER, display_name="钱副县长")


@pytest.fixture
def staff_a(unit_a) -> User:
    return make_user("staff_a", Role.UNIT_STAFF, unit_a, display_name="住建局办事员")


@pytest.fixture
def staff_b(unit_b) -> User:
    return make_user("staff_b", Role.UNIT_STAFF, unit_b, display_name="交通局办事员")


@pytest.fixture
def outsider(unit_c) -> User:
    return make_user("outsider", Role.UNIT_STAFF, unit_c, display_name="文旅局办事员")


@pytest.fixture
def display_device(db) -> User:
    return make_user("display", Role.DISPLAY)


@pytest.fixture
def api():
    """api(user) -> an APIClient authenticated as that user (None: anonymous)."""

    def client_for(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what waits for the commit (notices) when the block ends, as a
    real commit would; the test's own transaction never commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def people(operator, supervisor, leader, other_leader, staff_a, staff_b, outsider, display_device):
    return {
        "operator": operator, "supervisor": supervisor, "leader": leader, "other_leader": other_leader,
        "staff_a": staff_a, "staff_b": staff_b, "outsider": outsider, "display": display_device,
    }


def pytest_collection_modifyitems(config, items):
    """Integration tests need the real services: bin/test --integration provides them."""
    import os

    if os.environ.get("HOTLINE_INTEGRATION") == "1":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL/Redis: run bin/test --integration")
    for item in items:
        if "integration" in item.keywords:
            item.add_marker(skip)


def ensure_reference_data() -> None:
    """Put back the rows the data migrations load (categories, default policies, SMS templates).

    A transactional test ends with a flush that empties every table; the next one would find no
    category tree. Django's serialized_rollback cannot restore them reliably on SQLite once another
    transactional test has recreated content types, so this reloads them with the migrations' own
    functions instead."""
    import importlib

    from django.apps import apps

    from dispatch.models import TimeLimitPolicy
    from hotline.models import Category
    from hotline.taxonomy import load_synonyms, load_taxonomy
    from sms_gateway.models import SmsTemplate

    if not Category.objects.exists():
        load_taxonomy(Category)
        load_synonyms(Category)
    if not TimeLimitPolicy.objects.exists():
        importlib.import_module("dispatch.migrations.0003_default_policies").forwards(apps, None)
    from dispatch.models import ReplyReviewPolicy

    if not ReplyReviewPolicy.objects.exists():  # 办结审核: complaints and reports reviewed
        importlib.import_module("dispatch.migrations.0011_i16_reply_review").forwards(apps, None)
    if not SmsTemplate.objects.exists():
        # Every data migration of templates (each holds its DEFAULTS), the later ones included.
        import pkgutil

        import sms_gateway.migrations as template_migrations
        from sms_gateway.migration_ops import load_templates

        for module in pkgutil.iter_modules(template_migrations.__path__):
            migration = importlib.import_module(f"sms_gateway.migrations.{module.name}")
            if hasattr(migration, "DEFAULTS"):
                load_templates(migration.DEFAULTS).code(apps, None)


@pytest.fixture(autouse=True)
def _reference_data_for_transactional_tests(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return
    request.getfixturevalue("transactional_db")
    ensure_reference_data()


@pytest.fixture
def no_reply_review():
    """No ticket type's reply is reviewed by the centre (办结审核 off): for tests of what happens
    around a lead reply (two-level dispatch, complainants' protection) that 办结审核 would only
    lengthen by a step. The rules are deleted one by one, so the policy cache forgets them."""
    from dispatch.models import ReplyReviewPolicy
    from dispatch.services.review import forget_review_policy

    for policy in ReplyReviewPolicy.objects.all():
        policy.delete()
    yield
    forget_review_policy()  # the rows come back with the test's rollback: so must the rules
