"""Who may use the staff API at all; each action checks the rest (hotline.permissions)."""
from rest_framework.permissions import IsAuthenticated

from hotline.permissions import ALL_STAFF


class StaffOnly(IsAuthenticated):
    """Display devices and role-less accounts have no business in the staff API."""

    def has_permission(self, request, view):
        return super().has_permission(request, view) and request.user.has_role(*ALL_STAFF)
