"""A new session starts its lifetimes and knows whether the password must be changed first."""
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .sessions import session_started


@receiver(user_logged_in, dispatch_uid="accounts-session-started")
def _session_started(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_started(request=request, user=user)
