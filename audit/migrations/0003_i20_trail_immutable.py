"""Issue 20 item 3: on PostgreSQL a trigger refuses UPDATE and DELETE of audit rows, audit
archives, ticket events and identity reads, whatever role the connection uses (grants would not
bind the table owner or a superuser, which is what the application and the tests connect as).
The one exception is the archive path (audit.archive): the role hotline_audit_archiver may
delete an audit row whose id an AuditArchive row covers. No-op on SQLite (the models refuse).
See docs/SECURITY-audit.md."""
from django.db import migrations

TABLES = ["audit_auditevent", "audit_auditarchive", "hotline_ticketevent", "hotline_identityread"]
ARCHIVER = "hotline_audit_archiver"

FUNCTION = f"""
CREATE OR REPLACE FUNCTION hotline_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'audit_auditevent' AND current_user = '{ARCHIVER}'
       AND EXISTS (SELECT 1 FROM audit_auditarchive a WHERE OLD.id BETWEEN a.first_id AND a.last_id) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '%: rows are append-only, % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege', HINT = 'docs/SECURITY-audit.md';
END
$$;
"""

# Roles are cluster-wide: created once, and only when the migrating role may (otherwise a DBA
# creates it; the trigger names it, so nothing else changes).
ROLE = f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{ARCHIVER}') THEN
        IF (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user) THEN
            CREATE ROLE {ARCHIVER} NOLOGIN;
        ELSE
            RAISE NOTICE 'role {ARCHIVER} missing: a DBA creates it (docs/SECURITY-audit.md)';
            RETURN;
        END IF;
    END IF;
    EXECUTE 'GRANT USAGE ON SCHEMA ' || quote_ident(current_schema()) || ' TO {ARCHIVER}';
    GRANT SELECT, INSERT, DELETE ON audit_auditevent TO {ARCHIVER};
    GRANT SELECT, INSERT ON audit_auditarchive TO {ARCHIVER};
    GRANT USAGE ON SEQUENCE audit_auditevent_id_seq, audit_auditarchive_id_seq TO {ARCHIVER};
END
$$;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)  # its % are plpgsql's, not placeholders
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        schema_editor.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                              f"FOR EACH ROW EXECUTE FUNCTION hotline_append_only()")
    schema_editor.execute(ROLE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS hotline_append_only()")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_i20_trail"),
        ("hotline", "0013_i20_audit_and_three_admins"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
