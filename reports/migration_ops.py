"""What the migrations that rebuild the duplicate search's open-ticket indexes share (0006_i16_reply_review,
0006_i16_suspension, 0008_i16_open_states: each new open state widens their predicate). Kept stable:
applied migrations import it. Each migration passes its own frozen state lists."""
from django.db import migrations


def _index_sql(states: str) -> list[str]:
    return [
        "DROP INDEX IF EXISTS reports_open_title_trgm",
        "DROP INDEX IF EXISTS reports_open_address_trgm",
        f"CREATE INDEX reports_open_title_trgm ON hotline_ticket USING gin (title gin_trgm_ops) "
        f"WHERE state IN {states}",
        f"CREATE INDEX reports_open_address_trgm ON hotline_ticket USING gist (address gist_trgm_ops) "
        f"WHERE state IN {states} AND address <> ''",
    ]


def rebuild_open_indexes(*, states: str, states_before: str | None) -> migrations.RunPython:
    """Rebuild both partial indexes over `states` (an SQL list: "('registered', …)"), on PostgreSQL
    only; back over `states_before` on reverse (None: nothing to undo)."""

    def runner(states_sql: str):
        def run(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                for sql in _index_sql(states_sql):
                    schema_editor.execute(sql)
        return run

    return migrations.RunPython(runner(states),
                                runner(states_before) if states_before else migrations.RunPython.noop)
