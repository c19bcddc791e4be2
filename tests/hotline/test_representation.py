"""The hand-written JSON of a ticket says exactly what DRF would say from the declared
serializer fields (which are also the OpenAPI schema)."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from dispatch import services as d
from hotline.api import serializers as s
from hotline.api.views import TicketViewSet
from tests import factories as f

pytestmark = pytest.mark.django_db


def drf_default(serializer, instance):
    """What DRF's own machinery makes of the declared fields."""
    return serializers.ModelSerializer.to_representation(serializer, instance)


@pytest.mark.parametrize("role", ["supervisor", "leader", "staff_a"])
def test_fast_json_equals_drf_json(people, role):
    ticket = f.pending(people)
    d.ticket_instruct(ticket=ticket, actor=people["leader"], text="请办理", units=[people["staff_a"].unit])
    d.ticket_dispatch(ticket=ticket, actor=people["supervisor"], lead_unit=people["staff_a"].unit,
                      co_units=[people["staff_b"].unit])
    d.ticket_sign(ticket=ticket, actor=people["staff_a"])
    d.extension_request(ticket=ticket, actor=people["staff_a"], reason="协调", extra_days=2)
    d.ticket_sign(ticket=ticket, actor=people["staff_b"])
    d.ticket_reply(ticket=ticket, actor=people["staff_b"], text="协办意见",
                   files=[SimpleUploadedFile("a.txt", b"hello")])
    request = APIRequestFactory().get("/")
    request.user = people[role]
    context = {"request": request, "now": timezone.now()}
    detailed = TicketViewSet.with_details(ticket)
    for cls in (s.TicketDetailSerializer, s.TicketListSerializer):
        serializer = cls(detailed, context=context)
        assert serializer.data == drf_default(serializer, detailed), cls.__name__
    for extension in detailed.extension_requests.all():
        serializer = s.ExtensionSerializer(extension)
        assert serializer.data == drf_default(serializer, extension)
