from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The security audit trail (等保 2.0 安全审计): who signed in, read a citizen's identity,
    exported, downloaded, or changed roles, settings, templates, policies and knowledge.

    It depends on the ticket core only for the user model; every other app writes to it
    through audit.services.audit_record and nothing else."""

    name = "audit"
    verbose_name = "安全审计"

    def ready(self):
        from . import checks, signals  # noqa: F401  checks registers the retention check

        signals.connect()
