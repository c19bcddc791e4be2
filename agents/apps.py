"""Village agents (代办, issue 19 item 3)."""
from django.apps import AppConfig


class AgentsConfig(AppConfig):
    name = "agents"
    verbose_name = "村（社区）代办"

    def ready(self):
        # sms_gateway calls back into this app (it never imports it): the agent's copies of the
        # citizen's notices, and the citizen's keyword to stop them.
        from sms_gateway.intake import register_keyword
        from sms_gateway.models import Recipient
        from sms_gateway.ticket_sms import register_citizen_copies

        from .sms import PREFIXES, agent_copies, answer_keyword

        register_citizen_copies("agents", Recipient.AGENT, agent_copies)
        register_keyword("agents_optout", PREFIXES, answer_keyword)
