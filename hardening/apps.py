from django.apps import AppConfig


class HardeningConfig(AppConfig):
    """Browser and API hardening (issue 20 item 5): the Content-Security-Policy and the other
    security headers, the shared rate limiter, and the check of uploads by their content.

    It imports no other app of the project: the apps call its limiter and upload checker."""

    name = "hardening"
    verbose_name = "安全加固"
