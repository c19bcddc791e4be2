from django.conf import settings
from django.core.checks import Error, register


@register()
def retention_at_least_180_days(app_configs, **kwargs):
    from .archive import MIN_RETENTION_DAYS

    if settings.AUDIT_RETENTION_DAYS < MIN_RETENTION_DAYS:
        return [Error(f"AUDIT_RETENTION_DAYS={settings.AUDIT_RETENTION_DAYS}：审计记录至少保留 {MIN_RETENTION_DAYS} 天",
                      hint="GB/T 22239-2019 8.1.4.3 c)、网络安全法第二十一条：日志留存不少于六个月",
                      id="audit.E001")]
    return []
