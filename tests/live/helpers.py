"""Shared set-up for live-push and timer tests: tickets in a given state, session cookies, sockets."""
from channels.testing import WebsocketCommunicator
from django.test import Client

from dispatch.services import ticket_dispatch, ticket_submit_for_approval
from hotline.models import Category
from hotline.services.tickets import ticket_register

ORIGIN = (b"origin", b"http://testserver")


def register(operator, *, title="小区门口道路塌陷", phone="13812345678", name="张三", address="", **extra):
    # A ticket is dispatched only with a category (issue #24).
    extra.setdefault("category", Category.objects.get(full_name="城乡建设/城市建设和市政管理/基础设施"))
    return ticket_register(actor=operator, channel="phone", ticket_type=extra.pop("ticket_type", "complaint"),
                           content=extra.pop("content", f"{title}，存在安全隐患"), title=title,
                           citizen_phone=phone, citizen_name=name, address=address, **extra)


def dispatched(operator, supervisor, unit, **kw):
    ticket = register(operator, **kw)
    return ticket_dispatch(ticket=ticket, actor=supervisor, lead_unit=unit)


def submitted(operator, supervisor, leader, **kw):
    ticket = register(operator, **kw)
    return ticket_submit_for_approval(ticket=ticket, actor=supervisor, leader=leader)


def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


def communicator(path: str, cookie: bytes | None = None, subprotocols=None) -> WebsocketCommunicator:
    from config.asgi import application

    headers = [ORIGIN] + ([(b"cookie", cookie)] if cookie else [])
    return WebsocketCommunicator(application, path, headers=headers, subprotocols=subprotocols)
