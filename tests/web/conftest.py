"""Helpers for the page tests: a logged-in browser-less client per person, and tickets
moved along the lifecycle through the real services."""
import pytest
from django.test import Client

from dispatch import services as ds
from hotline.models import Category, Channel
from hotline.services import tickets as ts


@pytest.fixture
def web():
    """web(user) -> a django.test.Client signed in as that user (None: anonymous)."""

    def client_for(user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return client_for


@pytest.fixture
def leaf_category(db):
    return Category.objects.filter(level=3).order_by("pk").first()


@pytest.fixture
def make_ticket(operator):
    def make(content="小区门口道路塌陷，存在安全隐患", phone="13812345678", name="张三丰", **extra):
        extra.setdefault("ticket_type", "complaint")
        # Dispatch needs a category (issue #24); category=None makes an uncategorised ticket.
        extra.setdefault("category", Category.objects.get(full_name="城乡建设/城市建设和市政管理/基础设施"))
        return ts.ticket_register(actor=operator, channel=Channel.PHONE, content=content, citizen_phone=phone,
                                  citizen_name=name, **extra)

    return make


@pytest.fixture
def dispatched(make_ticket, supervisor, unit_a):
    ticket = make_ticket()
    return ds.ticket_dispatch(ticket=ticket, actor=supervisor, lead_unit=unit_a)


@pytest.fixture
def reviewing(dispatched, staff_a):
    """Unit A replied on the complaint; the reply awaits the centre's review (办结审核)."""
    ds.ticket_sign(ticket=dispatched, actor=staff_a)
    ds.ticket_reply(ticket=dispatched, actor=staff_a, text="已修复路面，联系人电话13999998888")
    dispatched.refresh_from_db()
    return dispatched


@pytest.fixture
def replied(reviewing, supervisor):
    ds.ticket_review_approve(ticket=reviewing, actor=supervisor)
    reviewing.refresh_from_db()
    return reviewing


from .browser import browser  # noqa: E402, F401 - the headless Chromium fixture for browser tests
