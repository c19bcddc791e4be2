"""The lean body reader accepts only what the serializer accepts, and reads it the same way."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api import serializers as s
from hotline.models import Category
from hotline.rest import parsing

pytestmark = pytest.mark.django_db

VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 10**12), st.floats(allow_nan=False),
    st.sampled_from(["", " ", "phone", "web", "complaint", "urgent", "normal", "13812345678", " 噪音 ", "a\x00b",
                     "\ud800", "题" * 200, "题" * 201, "长" * 5001]),
    st.text(max_size=60), st.lists(st.text(max_size=3), max_size=2), st.dictionaries(st.text(max_size=2), st.text()),
)
FLAT_SERIALIZERS = [s.TicketCreateSerializer, s.MergeSerializer, s.NoteSerializer, s.RequiredNoteSerializer,
                    s.ReasonSerializer, s.AnswerSerializer, s.TextSerializer, s.SubmitSerializer,
                    s.ReturnRequestSerializer, s.ReturnRefuseSerializer]

VALID_BODIES = {
    s.TicketCreateSerializer: {"ticket_type": "complaint", "content": "噪音扰民", "citizen_phone": "13812345678"},
    s.MergeSerializer: {"into": "26010100001"},
    s.RequiredNoteSerializer: {"note": "已核实"},
    s.ReasonSerializer: {"reason": "重复来电"},
    s.AnswerSerializer: {"answer": "已答复"},
    s.TextSerializer: {"text": "补充"},
    s.ReturnRequestSerializer: {"reason_code": "not_ours", "reason": "非本单位职责"},
    s.ReturnRefuseSerializer: {"reason": "属本单位职责"},
}


def keys_of(serializer_class) -> list[str]:
    return [*serializer_class().fields, "unknown"]


@pytest.fixture
def category(db) -> Category:
    return Category.objects.create(name="城乡建设", full_name="测试/城乡建设", level=1)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_what_the_lean_reader_accepts_the_serializer_accepts_identically(category, data):
    serializer_class = data.draw(st.sampled_from(FLAT_SERIALIZERS))
    keys = keys_of(serializer_class)
    # Half the bodies start from a valid one, so acceptance is exercised as much as refusal.
    base = data.draw(st.sampled_from([{}, VALID_BODIES.get(serializer_class, {})]))
    changes = data.draw(st.dictionaries(st.sampled_from(keys), st.one_of(VALUES, st.just(category.pk)), max_size=3))
    body = base | changes
    fast = parsing.read_flat(serializer_class, body)
    if fast is None:
        return  # the serializer judges it, as before
    serializer = serializer_class(data=body)
    assert serializer.is_valid(), (body, serializer.errors)
    assert fast == dict(serializer.validated_data)


def test_a_well_formed_registration_skips_the_serializer(category):
    body = {"ticket_type": "complaint", "content": " 楼下噪音扰民 ", "citizen_phone": "13812345678",
            "category": category.pk, "urgency": "urgent"}
    fast = parsing.read_flat(s.TicketCreateSerializer, body)
    assert fast == {"channel": "phone", "ticket_type": "complaint", "urgency": "urgent", "title": "",
                    "content": "楼下噪音扰民", "citizen_phone": "13812345678", "citizen_name": "",
                    "category": category, "address": "", "area": "", "call_id": "",
                    "is_confidential": False}


@pytest.mark.parametrize("change", [{"category": 99999999}, {"category": True}, {"content": "  "},
                                    {"ticket_type": "rant"}, {"title": "题" * 201}, {"content": 42}])
def test_anything_doubtful_goes_to_the_serializer(category, change):
    body = {"ticket_type": "complaint", "content": "噪音", **change}
    assert parsing.read_flat(s.TicketCreateSerializer, body) is None


def test_serializers_with_other_field_kinds_always_use_the_serializer():
    assert parsing.read_flat(s.DispatchSerializer, {"lead_unit": 1}) is None  # many=True co_units
    assert parsing.read_flat(s.ExtensionRequestSerializer, {"reason": "x", "extra_days": 3}) is None
