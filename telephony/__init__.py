"""Phone-call intake: the CTI system's call events (来电弹屏 through live push), the missed-call
callback list and `manage.py cti_call`; beside the SMS intake (sms_gateway) and the web portal."""
