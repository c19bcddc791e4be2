"""Who may use the staff API at all; each action checks the rest (hotline.permissions)."""
from rest_framework.permissions import IsAuthenticated

from hotline.models import Role
from hotline.permissions import ALL_STAFF


class StaffOnly(IsAuthenticated):
    """Display devices and role-less accounts have no business in the staff API."""

    def has_permission(self, request, view):
        return super().has_permission(request, view) and request.user.has_role(*ALL_STAFF)


class PartnerFiles(IsAuthenticated):
    """issue 19: a partner system (its key's PARTNER account) files tickets and reads the ones it
    filed (dispatch.visibility), and does nothing else on the API: every other action is 403."""

    ACTIONS = frozenset({"list", "retrieve", "create"})

    def has_permission(self, request, view):
        return (super().has_permission(request, view) and request.user.has_role(Role.PARTNER)
                and getattr(view, "action", None) in self.ACTIONS)
