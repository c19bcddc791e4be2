from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Authentication (等保 2.0 身份鉴别): login lockout and back-off on every login path, the
    password policy and its history, session lifetimes, expiring and revocable API tokens, and
    the optional TOTP second factor. Depends on the ticket core (users, roles), audit and the SMS
    gateway (to tell the security administrators of a lock)."""

    name = "accounts"
    verbose_name = "账号安全"

    def ready(self):
        from . import signals  # noqa: F401
