"""The hash chain: audit_verify finds any audit row changed, removed or slipped in after it was
sealed — through archives too — and says which stretch."""
import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.archive import audit_archive
from audit.models import AuditAction, AuditEvent, AuditSeal
from audit.seal import audit_seal, audit_verify
from audit.services import audit_record
from tests.history import rewriting_history

pytestmark = pytest.mark.django_db


def written(label: str, *, days: float = 0, minutes: float = 5) -> AuditEvent:
    event = audit_record(action=AuditAction.LOGIN, actor_label=label)
    with rewriting_history():
        AuditEvent.objects.filter(pk=event.pk).update(at=timezone.now() - dt.timedelta(days=days, minutes=minutes))
    return AuditEvent.objects.get(pk=event.pk)


def test_an_intact_chain_verifies_and_grows_by_links(capsys):
    a, b = written("alice"), written("bob")
    [first] = audit_seal()
    assert (first.first_id, first.last_id, first.count) == (1, b.pk, 2) and a.pk <= b.pk
    c = written("carol")
    [second] = audit_seal()
    assert second.prev_hash == first.hash and (second.first_id, second.last_id) == (b.pk + 1, c.pk)
    assert audit_seal() == []
    assert audit_verify() == (2, [])
    call_command("audit_verify")
    assert "哈希链完好：共 2 环" in capsys.readouterr().out


def test_rows_younger_than_a_minute_wait_for_the_next_seal():
    old = written("alice")
    young = written("bob", minutes=0)
    [seal] = audit_seal()
    assert seal.last_id == old.pk < young.pk


@pytest.mark.parametrize("tamper", ["change", "remove", "slip in"])
def test_tampering_with_a_sealed_row_is_found(tamper):
    alice, gap, bob = written("alice"), written("gap"), written("bob")
    with rewriting_history():  # a free id inside the stretch about to be sealed
        AuditEvent.objects.filter(pk=gap.pk).delete()
    audit_seal()
    assert audit_verify() == (1, [])
    with rewriting_history():  # what a DBA bypassing the trigger could do
        if tamper == "change":
            AuditEvent.objects.filter(pk=alice.pk).update(actor_label="mallory")
        elif tamper == "remove":
            AuditEvent.objects.filter(pk=bob.pk).delete()
        else:
            AuditEvent.objects.bulk_create([AuditEvent(id=gap.pk, action=AuditAction.LOGIN, actor_label="ghost")])
    checked, problems = audit_verify()
    assert checked == 1 and len(problems) == 1 and "记录与封存时不符" in problems[0]
    with pytest.raises(CommandError, match="校验失败"):
        call_command("audit_verify")


def test_a_rewritten_seal_breaks_the_chain():
    written("alice")
    audit_seal()
    written("bob")
    audit_seal()
    with rewriting_history():
        AuditSeal.objects.filter(pk=AuditSeal.objects.order_by("id").first().pk).update(hash="f" * 64)
    problems = audit_verify()[1]
    assert any("不相连" in p for p in problems) and any("不符" in p for p in problems)


def test_archived_rows_still_verify_from_their_file_and_a_missing_file_is_reported(tmp_path):
    written("alice", days=300)
    written("bob", days=1)
    audit_seal()
    [archive] = audit_archive(directory=tmp_path)
    assert archive.count == 1 and audit_verify()[1] == []
    (tmp_path / archive.path.rsplit("/", 1)[-1]).unlink()
    assert "归档文件缺失" in audit_verify()[1][0]
