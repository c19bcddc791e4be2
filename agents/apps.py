"""Village agents (代办, issue 19 item 3)."""
from django.apps import AppConfig


class AgentsConfig(AppConfig):
    name = "agents"
    verbose_name = "村（社区）代办"
