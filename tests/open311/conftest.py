import importlib

import pytest
from django.apps import apps

from hotline.models import Category
from open311.services import partner_key_create

from .client import Open311Session

STREET = "城乡建设/城市建设和市政管理/城市公共设施"  # has the demo definition (a required facility)
PLAIN = "城乡建设/住房保障与房地产/物业服务"  # no definition
PHONE = "13912340000"
NAME_LAST, NAME_FIRST = "欧阳", "明月"
EMAIL = "mingyue@example.com"


@pytest.fixture(autouse=True)
def _roomy_address_limit(settings):
    """Every test client is 127.0.0.1: with Redis (integration runs) the per-address open311 window
    outlives a test. That limit has its own test (tests/hardening/test_ratelimit.py)."""
    pattern, _, window, methods = settings.RATE_LIMITS["open311"]
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "open311": (pattern, 100_000, window, methods)}


@pytest.fixture
def definitions(db):
    """The demo definitions of migration 0002 (back where a transactional test flushed them)."""
    importlib.import_module("open311.migrations.0002_i19_demo_definitions").add(apps, None)


@pytest.fixture
def street(definitions) -> Category:
    return Category.objects.get(full_name=STREET)


@pytest.fixture
def plain(db) -> Category:
    return Category.objects.get(full_name=PLAIN)


@pytest.fixture
def key_a(db):
    return partner_key_create(name="城市App")


@pytest.fixture
def key_b(db):
    return partner_key_create(name="网格化管理系统")


@pytest.fixture(params=["json", "xml"])
def fmt(request) -> str:
    return request.param


@pytest.fixture
def session_a(fmt, key_a) -> Open311Session:
    return Open311Session(fmt, key_a.raw)


@pytest.fixture
def session_b(fmt, key_b) -> Open311Session:
    return Open311Session(fmt, key_b.raw)


def street_report(street, **extra) -> dict:
    return {"service_code": str(street.pk), "lat": "28.228000", "long": "112.938800",
            "address_string": "城关镇人民路与解放路口", "attribute[facility]": "streetlight",
            "description": "路口路灯不亮三天了，晚上过马路看不清。", "phone": PHONE, "email": EMAIL,
            "first_name": NAME_FIRST, "last_name": NAME_LAST, "media_url": "https://app.example.com/p/1.jpg"} | extra
