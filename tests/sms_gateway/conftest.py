import pytest

from sms_gateway.models import ApiAccount, Direction, Message


@pytest.fixture
def account(db) -> ApiAccount:
    return ApiAccount.objects.create(friendly_name="测试账号")


@pytest.fixture
def phone_inbox():
    """phone_inbox(number) -> bodies that phone received, oldest first."""

    def inbox(number: str) -> list[str]:
        return list(Message.objects.exclude(direction=Direction.INBOUND).filter(to_number=number)
                    .order_by("id").values_list("body", flat=True))

    return inbox


@pytest.fixture
def text_in(committed):
    """text_in(phone, body) -> the stored inbound Message after intake (the embedded default)."""
    from sms_gateway.intake import receive_and_handle

    def send(phone: str, body: str, **kwargs):
        with committed():
            message = receive_and_handle(from_number=phone, to_number="12345", body=body, transport="test",
                                         **kwargs)
        message.refresh_from_db()
        return message

    return send


def pytest_configure(config):
    # Django's threaded live server closes the shared in-memory SQLite connection from its
    # per-request threads at teardown; harmless and not ours (only that thread's message).
    config.addinivalue_line(
        "filterwarnings",
        "ignore:Exception in thread .*process_request_thread:pytest.PytestUnhandledThreadExceptionWarning",
    )
