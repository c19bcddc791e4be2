"""The hand-written JSON of a ticket says exactly what DRF would say from the declared
serializer fields (which are also the OpenAPI schema)."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from api import serializers as s
from api.views import TicketViewSet
from dispatch import services as d
from hotline.models import Category, Ticket
from hotline.selectors import ticket_list_rows
from hotline.services import tickets as ticket_services
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
    d.ticket_reply(ticket=ticket, actor=people["staff_b"], text="交通局已在施工路段设置围挡和警示标志",
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


@pytest.mark.postgres_too
@pytest.mark.parametrize("role", ["supervisor", "leader", "staff_a"])
def test_a_list_row_read_as_plain_values_shows_what_the_ticket_shows(people, role):
    dispatched = f.dispatched(people, category=Category.objects.filter(parent__isnull=False).first())
    walk_in = f.registered(people, channel="walk_in")  # no category, no unit, a caller
    anonymous = ticket_services.ticket_register(actor=people["operator"], channel="phone", ticket_type="consultation",
                                                content="匿名咨询")  # no caller at all
    request = APIRequestFactory().get("/")
    request.user = people[role]
    context = {"request": request, "now": timezone.now()}
    tickets = [dispatched, walk_in, anonymous]
    rows = ticket_list_rows(Ticket.objects.filter(pk__in=[t.pk for t in tickets]).order_by("-id")[:3])
    assert [row.pk for row in rows] == [t.pk for t in reversed(tickets)]
    assert rows[-1].category.full_name.count("/") == 1 and rows[-1].lead_unit.name
    for row in rows:
        ticket = TicketViewSet.with_details(row)
        assert s.TicketListSerializer(row, context=context).data == s.TicketListSerializer(ticket, context=context).data
