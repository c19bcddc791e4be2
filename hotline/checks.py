"""System checks of the ticket core's configuration."""
from django.core.checks import Warning, register


@register("security", deploy=True)
def pii_keys_configured(app_configs, **kwargs):
    """Development keys derived from SECRET_KEY protect nothing a production server needs protected."""
    from .pii import key_ring

    if key_ring().derived:
        return [Warning(
            "PII_KEYS / PII_HASH_KEY are not set: citizens' phones and ID numbers are encrypted with "
            "development keys derived from SECRET_KEY",
            hint="Set PII_KEYS=k1:<base64 32 bytes> and PII_HASH_KEY (manage.py pii_rekey --new-key prints a key); "
                 "see docs/SECURITY-pii.md",
            id="hotline.W020",
        )]
    return []
