"""On PostgreSQL: tickets with an attachment and their events are backed up (pg_dump + media),
restored into a fresh database and media directory, and a server on the restored copy serves
the same tickets, timelines and attachment bytes."""
import json
import urllib.request

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from dispatch.models import Attachment
from ops import backup
from tests import factories
from tests.processes import free_port, start_asgi, stop

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40  # every byte value, 10 KB


def restored_url(name: str) -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


@pytest.fixture
def fresh_database():
    name = f"{connection.settings_dict['NAME']}_restored"
    target = backup.Database.from_url(restored_url(name))
    with target.connect(dbname="postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    yield target
    with target.connect(dbname="postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def get(port: int, path: str, session: str) -> tuple[int, bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": f"sessionid={session}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read()


def test_restore_into_a_fresh_database_serves_the_same_tickets_attachments_and_events(
        people, api, fresh_database, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump/pg_restore need PostgreSQL")
    ticket = factories.in_progress(people, co=False)
    photo = SimpleUploadedFile("修复后.jpg", PHOTO, content_type="image/jpeg")
    reply = api(people["staff_a"]).post(f"/api/tickets/{ticket.pk}/reply/",
                                        {"text": "塌陷路面已回填压实并重新铺设，现已恢复通行", "files": [photo]},
                                        format="multipart")
    assert reply.status_code == 200, reply.content
    other = factories.registered(people, title="夜间施工噪音")
    default_storage.save("knowledge/2026/12/办理指南.pdf", ContentFile(b"%PDF-1.4 guide"))
    browser = Client()
    browser.force_login(people["supervisor"])  # the session row travels with the database
    session = browser.cookies["sessionid"].value
    attachment = Attachment.objects.get()
    before = {path: browser.get(path) for path in (f"/api/tickets/{ticket.pk}/", f"/api/tickets/{ticket.pk}/timeline/",
                                                   f"/api/tickets/{other.pk}/timeline/")}

    made = backup.backup(root=tmp_path / "backups", database=backup.Database.from_settings(),
                         media_root=settings.MEDIA_ROOT)
    restored_media = tmp_path / "restored-media"
    done = backup.restore(directory=made, database=fresh_database, media_root=restored_media)

    manifest = json.loads((made / "manifest.json").read_text())
    assert manifest["database"]["vendor"] == "postgresql" and (made / "database.dump").stat().st_size > 0
    assert done.row_counts == manifest["row_counts"]
    assert manifest["row_counts"]["hotline_ticket"] == 2 and manifest["row_counts"]["dispatch_attachment"] == 1
    assert (restored_media / "knowledge/2026/12/办理指南.pdf").read_bytes() == b"%PDF-1.4 guide"
    port = free_port()
    server = start_asgi(port, tmp_path / "restored-server.log", DATABASE_URL=fresh_database_url(fresh_database),
                        MEDIA_ROOT=str(restored_media), HOTLINE_NOTIFY_ASYNC="0")
    try:
        for path, response in before.items():
            status, body = get(port, path, session)
            assert status == 200 and json.loads(body) == response.json(), path
        status, body = get(port, f"/attachments/{attachment.pk}/", session)
        assert status == 200 and body == PHOTO
    finally:
        stop(server)


def fresh_database_url(database: backup.Database) -> str:
    return restored_url(database.name)


def test_a_non_empty_postgres_database_is_refused_without_force(people, fresh_database, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump/pg_restore need PostgreSQL")
    factories.registered(people)
    made = backup.backup(root=tmp_path / "backups", database=backup.Database.from_settings(),
                         media_root=settings.MEDIA_ROOT)
    backup.restore(directory=made, database=fresh_database, media_root=tmp_path / "m1")

    with pytest.raises(backup.BackupError, match="不是空的"):
        backup.restore(directory=made, database=fresh_database, media_root=tmp_path / "m2")
    assert not (tmp_path / "m2").exists()

    again = backup.restore(directory=made, database=fresh_database, media_root=tmp_path / "m2", force=True)
    assert again.row_counts["hotline_ticket"] == 1
