from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "knowledge"
    verbose_name = "知识库"

    def ready(self):
        # ZX <问题> by SMS: sms_gateway's intake calls back into this app (it never imports it).
        from sms_gateway.intake import register_keyword

        from .sms import PREFIXES, answer_keyword

        register_keyword("knowledge", PREFIXES, answer_keyword)
