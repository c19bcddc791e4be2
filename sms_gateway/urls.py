from django.urls import path, re_path

from . import dev_phone, twilio_api

urlpatterns = [
    re_path(r"^2010-04-01/Accounts/(?P<account_sid>[^/]+)/Messages\.json$", twilio_api.messages,
            name="twilio-messages"),
    re_path(r"^2010-04-01/Accounts/(?P<account_sid>[^/]+)/Messages/(?P<sid>[^/]+)\.json$",
            twilio_api.message_detail, name="twilio-message"),
    path("sms/twilio/inbound/", twilio_api.inbound_webhook, name="twilio-inbound"),
    path("dev/phone/", dev_phone.dev_phone, name="sms-dev-phone"),
]
