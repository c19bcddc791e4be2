"""The admin app with the project's site (hotline.admin_access.HotlineAdminSite): access by role.
Its own module: INSTALLED_APPS imports it before the models are ready."""
from django.contrib.admin.apps import AdminConfig


class HotlineAdminConfig(AdminConfig):
    default_site = "hotline.admin_access.HotlineAdminSite"
