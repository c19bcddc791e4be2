"""The one authentication backend: Django's ModelBackend behind the lockout (accounts.lockout).

Every login path (the staff login page, the admin login, the API token) calls authenticate(),
so the lock, the back-off and the failure count hold on all of them. A refused attempt raises
PermissionDenied, which makes authenticate() stop and send user_login_failed like a wrong
password; the reason is left on the request (lockout.refusal_of) for the page or API to say.
"""
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from . import lockout


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        refusal = lockout.check(request=request, username=username)
        if refusal is not None:
            _remember(request, refusal)
            raise PermissionDenied(refusal.message)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            _remember(request, lockout.login_failed(request=request, username=username))
            return None
        from .totp import needs_second_factor

        if not needs_second_factor(user):  # else the count starts again only after the code
            lockout.login_succeeded(username=username)
        return user


def _remember(request, refusal) -> None:
    if request is not None and refusal is not None:
        setattr(request, lockout.REQUEST_ATTR, refusal)
