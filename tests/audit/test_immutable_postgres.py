"""On PostgreSQL the application's own connection cannot rewrite history: UPDATE and DELETE of
an audit row, a ticket event or an identity read fail in the database, not just in the model
(a queryset's update() and raw SQL skip the model's refusal)."""
import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AuditAction, AuditEvent
from audit.services import audit_record
from hotline.models import IdentityRead, TicketEvent
from tests import factories as f

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def refused(statement: str, *params) -> str:
    with pytest.raises(DatabaseError) as error, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)
    return str(error.value)


def test_the_application_connection_cannot_update_or_delete_the_trail(people):
    assert connection.vendor == "postgresql"
    row = audit_record(action=AuditAction.LOGIN, actor=people["operator"])
    event = TicketEvent.objects.filter(ticket=f.registered(people)).first()
    read = IdentityRead.objects.create(ticket_id=event.ticket_id, user=people["supervisor"], user_label="x",
                                       surface=IdentityRead.Surface.values[0])

    for table, pk in (("audit_auditevent", row.pk), ("hotline_ticketevent", event.pk),
                      ("hotline_identityread", read.pk)):
        assert "append-only, UPDATE refused" in refused(f"UPDATE {table} SET id = id WHERE id = %s", pk)
        assert "append-only, DELETE refused" in refused(f"DELETE FROM {table} WHERE id = %s", pk)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=row.pk).update(actor_label="someone else")
    with pytest.raises(DatabaseError), transaction.atomic():
        TicketEvent.objects.filter(pk=event.pk).delete()
    row.refresh_from_db()
    assert row.actor_label == "operator" and TicketEvent.objects.filter(pk=event.pk).exists()


def test_removing_an_account_leaves_its_audit_rows_as_written(db):
    from tests.conftest import make_user

    clerk = make_user("temp_clerk", "operator")
    row, pk = audit_record(action=AuditAction.LOGIN, actor=clerk), clerk.pk
    clerk.delete()  # DO_NOTHING: the trigger is not asked to null the actor
    row.refresh_from_db()
    assert (row.actor_id, row.actor_label) == (pk, "temp_clerk")
