from django.apps import AppConfig


class SmsGatewayConfig(AppConfig):
    name = "sms_gateway"
    verbose_name = "短信网关"
