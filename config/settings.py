"""Settings, all from environment variables (docs/PRODUCT.md §8).

Nothing set means the embedded default: a SQLite file under var/, the local
memory cache, the in-process channel layer, eager Celery and the local SMS
transport. DATABASE_URL / REDIS_URL / SMPP_URL switch to the real services.
"""
import hashlib
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from ops.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HOTLINE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The embedded default must run with no configuration; production sets SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY", "embedded-default-insecure-key-change-me-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Absolute base of links sent by SMS (a leader's link to a ticket).
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "daphne",
    "hotline.admin_app.HotlineAdminConfig",  # django.contrib.admin, its site by role (三员分立)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "hotline",
    "dispatch",
    "sms_gateway",
    "live",
    "telephony",
    "reports",
    "cases",
    "knowledge",
    "demo",
    "ops",
    "audit",
    "hardening",

    "accounts",
    # issue 18: assessment, appeals and 电子监察, the ticket-list export, bulletins
    "assessment",
    "appeals",
    "exports",
    "bulletins",
    # issue 19: Open311 and partner keys, village agents, photos
    "open311",
    "agents",
    "photos",
    "places",  # issue 19 item 5: ticket locations, the county area map
]

MIDDLEWARE = [
    # First: the request id is set before anything logs, and the latency covers the whole request.
    "ops.middleware.RequestIdMiddleware",
    "ops.middleware.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # CSP and Permissions-Policy on every answer (static files too), then the per-address limits.
    "hardening.csp.SecurityHeadersMiddleware",
    "hardening.ratelimit.RateLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Idle timeout, absolute lifetime, forced password change (accounts).
    "accounts.middleware.SessionPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- database -------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "hotline.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"),
        # 0 by default: under ASGI persistent connections pile up one per request thread;
        # processes that want reuse set DB_POOL_SIZE (a pool) or DB_CONN_MAX_AGE (workers).
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of
    # failing with "database is locked" when one upgrades a read lock.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # The inbox index's INCLUDE columns are a PostgreSQL refinement; SQLite indexes the key
    # columns alone, which is all the embedded default needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
USING_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
if USING_POSTGRES:  # Django's backend with psycopg's C timestamp loader (hotline/db/postgresql)
    DATABASES["default"]["ENGINE"] = "hotline.db.postgresql"
# Under the ASGI server each request runs in a thread of its own, and persistent connections
# would pile up per thread: DB_POOL_SIZE > 0 gives each process a bounded psycopg pool instead
# (docker-compose sets it; 0 keeps one persistent connection per thread, as WSGI and tests want).
DB_POOL_SIZE = int(os.environ.get("DB_POOL_SIZE", "0"))
if USING_POSTGRES and DB_POOL_SIZE > 0:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1, "max_size": DB_POOL_SIZE, "timeout": 10,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "hotline.User"

# --- redis: cache, channel layer, celery broker -----------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "hotline.cache.SharedRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "hotline"),
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": os.environ.get("CHANNEL_PREFIX", "hotline"),
                "capacity": 1000,
            },
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True

# Notifications (SMS notices, websocket push) of events written by requests: delivered by a
# Celery worker from the durable outbox (on), or in the request's process right after commit
# (off: the embedded default, where there is no worker). Production turns it on.
HOTLINE_NOTIFY_ASYNC = env_bool("HOTLINE_NOTIFY_ASYNC", False) and not CELERY_TASK_ALWAYS_EAGER
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task leaves the message for another
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULE: dict = {}

# --- i18n -----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
# Chinese only: the product has no other catalogue, and a browser asking for English got Django's
# own messages (password rules, admin) in English inside Chinese pages.
LANGUAGES = [("zh-hans", _("简体中文"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- static and uploaded files ------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads it (static/js/app.js) to send X-CSRFToken

# --- browser hardening (issue 20 item 5, hardening app; docs/SECURITY-browser.md) -------------
# HTTPS=1 when users reach the site over TLS (terminated here or at a proxy in front): secure
# cookies, HSTS for a year, http:// redirected. Behind a TLS proxy, the proxy must set
# X-Forwarded-Proto (deploy/nginx.conf does) and strip any the client sent.
HTTPS = env_bool("HTTPS", False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    # Health checks from the proxy or the orchestrator come over plain HTTP inside the host.
    SECURE_REDIRECT_EXEMPT = [r"^api/health/$", r"^metrics$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SAMESITE = "Lax"
# CSP_REPORT_ONLY=1 reports violations without blocking (to try a changed page in production).
CSP_REPORT_ONLY = env_bool("CSP_REPORT_ONLY", False)
CSP_REPORT = env_bool("CSP_REPORT", True)  # browsers post violations to /csp-report/ (logged)
# Per client address: name -> (path regex, attempts, window seconds, methods or () for all).
# The portal's form posts have their own finer limits (PORTAL_RATE_LIMITS, below). Listed in
# docs/SECURITY-browser.md. RATE_LIMITS_ENABLED=0 turns every limit off (load tests only).
RATE_LIMITS_ENABLED = env_bool("RATE_LIMITS_ENABLED", True)
_RL_SCALE = float(os.environ.get("RATE_LIMIT_SCALE", "1"))  # e.g. 2 doubles every limit


def _rl(pattern: str, attempts: int, window: int, methods: tuple = ()) -> tuple:
    return (pattern, max(1, int(attempts * _RL_SCALE)), window, methods)


RATE_LIMITS = {
    # Per address, generous: a whole centre may log in from behind one NAT at a shift change; guessing
    # one account is stopped by the per-account lockout (issue 20 item 1).
    "login": _rl(r"^/(login|admin/login)/$", 60, 60, ("POST",)),
    "api_token": _rl(r"^/api/auth/token/$", 60, 60, ("POST",)),
    "portal_pages": _rl(r"^/portal/", 600, 600),  # every portal request; the form posts have finer limits
    "display_page": _rl(r"^/display/", 120, 60),
    # Hundreds of LED controllers poll with tokens (through gunicorn in production; the ASGI fast
    # path of reports.asgi answers before this limit): a ceiling against floods, not per device.
    "display_feed": _rl(r"^/api/display/", 6000, 60),
    "dev_phone": _rl(r"^/dev/phone/", 120, 60),
    "csp_report": _rl(r"^/csp-report/$", 60, 60),
    # Webhooks: one CTI or SMS gateway sends for the whole centre, hence the high ceilings.
    "cti_events": _rl(r"^/cti/events/$", 6000, 60),
    "sms_inbound": _rl(r"^/sms/twilio/inbound/$", 3000, 60),
    "sms_api": _rl(r"^/2010-04-01/", 3000, 60),
    # Open311 (issue 19): per address; each partner key has its own limits besides (open311.views).
    "open311": _rl(r"^/open311/", 120, 60),
    # Not by path: the SMS auto-replies per phone number (hardening.ratelimit.hit in sms_gateway.intake).
    "sms_reply": ("", int(os.environ.get("SMS_REPLY_PER_HOUR", "20")), 3600, ()),
}

# --- authentication (accounts, issue 20 item 1; docs/SECURITY-auth.md) ---
AUTHENTICATION_BACKENDS = ["accounts.backends.LockoutModelBackend"]
# Failures per account and per client address: from the 2nd on, attempts wait LOGIN_BACKOFF_SECONDS
# × 2^(n-2); at LOGIN_MAX_FAILURES the account (or the address) is locked for LOGIN_LOCK_MINUTES.
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
# An address's own threshold: an office behind one NAT address shares it (raise it there).
LOGIN_ADDRESS_MAX_FAILURES = int(os.environ.get("LOGIN_ADDRESS_MAX_FAILURES", str(LOGIN_MAX_FAILURES)))
LOGIN_LOCK_MINUTES = int(os.environ.get("LOGIN_LOCK_MINUTES", "30"))
LOGIN_BACKOFF_SECONDS = float(os.environ.get("LOGIN_BACKOFF_SECONDS", "1"))
PASSWORD_MIN_LENGTH = int(os.environ.get("PASSWORD_MIN_LENGTH", "10"))
PASSWORD_HISTORY = int(os.environ.get("PASSWORD_HISTORY", "5"))  # no reuse of the last N
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PASSWORD_MAX_AGE_DAYS", "90"))  # 0: never expires
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.MinimumLengthValidator",  # Django's, in Chinese
     "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassesValidator"},
    {"NAME": "accounts.validators.NotUsernameValidator"},
    # Also records each new password's hash (its password_changed hook): the history and the age.
    {"NAME": "accounts.validators.PasswordHistoryValidator"},
]
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
API_TOKEN_HOURS = int(os.environ.get("API_TOKEN_HOURS", "12"))
# The LED wall's device token (Role.DISPLAY) runs unattended for weeks.
DEVICE_TOKEN_HOURS = int(os.environ.get("DEVICE_TOKEN_HOURS", str(30 * 24)))
# Roles that must use a TOTP second factor (comma-separated Role values); empty in the embedded
# demo. Recommended in production: admin,sysadmin,secadmin,auditor,operator,supervisor.
TOTP_REQUIRED_ROLES = env_list("TOTP_REQUIRED_ROLES")
TOTP_ISSUER = os.environ.get("TOTP_ISSUER", "12345热线")
CSRF_COOKIE_HTTPONLY = False

# --- REST API -------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an anonymous API call then gets 401 with "WWW-Authenticate: Token".
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ExpiringTokenAuthentication",  # hotline.rest's, expiring (accounts)
        "rest_framework.authentication.SessionAuthentication",
        "open311.authentication.PartnerKeyAuthentication",  # "Authorization: Api-Key <key>" (issue 19)
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.TicketCursorPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "hotline.rest.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"public": "30/minute", "anon": "60/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "12345 政务服务便民热线 API",
    "DESCRIPTION": "工单全生命周期：登记、审批、派单、签收、回复、延期、退单、回访、并单。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "hotline.rest.schema.add_error_responses",  # every answer documented, one error body
    ],
    # Served from our own static files: government intranets have no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": STATIC_URL + "favicon.svg",  # the site's own icon, as on every page
    "REDOC_DIST": "SIDECAR",
    # Several models have a "state" or "role": give each choice set its own schema name.
    "ENUM_NAME_OVERRIDES": {
        "TicketStateEnum": "hotline.models.tickets.TicketState",
        "UserRoleEnum": "hotline.models.people.Role",
        "AssignmentRoleEnum": "dispatch.models.Assignment.Role",
        "AssignmentStateEnum": "dispatch.models.Assignment.State",
        "SurveyStateEnum": "dispatch.models.Survey.State",
        "ExtensionStateEnum": "dispatch.models.ExtensionRequest.State",
        "SuspensionStateEnum": "dispatch.models.Suspension.State",
        "SuspensionReasonEnum": "dispatch.models.Suspension.Reason",
        "SuspensionResumedHowEnum": "dispatch.models.Suspension.ResumedHow",
        "KnowledgePointStateEnum": "knowledge.models.KnowledgePoint.State",
        "KnowledgeAudienceEnum": "knowledge.models.KnowledgePoint.Audience",
    },
}

# --- the hotline's own settings -------------------------------------------------
SMS_SIGNATURE = os.environ.get("SMS_SIGNATURE", "【某市12345】")
SMPP_URL = os.environ.get("SMPP_URL", "")
HOTLINE_MAX_TEXT_LENGTH = 5000
HOTLINE_MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
# 办结审核 (issue 16 item 3): a unit's reply (lead or co-unit) shorter than this many characters,
# not counting whitespace and punctuation, or made only of stock phrases (已处理 …), is refused.
HOTLINE_REPLY_MIN_LENGTH = int(os.environ.get("REPLY_MIN_LENGTH", "15"))

# LOG_FORMAT=json: one JSON object per line with the request id (production); plain text otherwise.
LOGGING = logging_config()
# One "ops.request" line per request (method, path, status, duration, route, request id):
# on with JSON logs unless LOG_REQUESTS=0.
OPS_LOG_REQUESTS = env_bool("LOG_REQUESTS", os.environ.get("LOG_FORMAT", "").strip().lower() == "json")

# --- operations (ops): /metrics -------------------------------------------------------------
# Prometheus sends "Authorization: Bearer <METRICS_TOKEN>". Unset, it is derived from SECRET_KEY
# (as CTI_SECRET is in the embedded default): `manage.py metrics_token` prints it.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "") or hashlib.sha256(f"metrics:{SECRET_KEY}".encode()).hexdigest()[:32]
# Optionally also only from these addresses or networks (REMOTE_ADDR: the proxy's, behind nginx).
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS")
# bin/backup writes here (a mounted volume or a remote file system in production).
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", VAR_DIR / "backups"))
# /api/health/ says "degraded" (still 200) past these ages (docs/OPERATIONS.md, Monitoring).
OPS_OUTBOX_DEGRADED_SECONDS = int(os.environ.get("OPS_OUTBOX_DEGRADED_SECONDS", "300"))
OPS_SMS_BACKLOG_DEGRADED_SECONDS = int(os.environ.get("OPS_SMS_BACKLOG_DEGRADED_SECONDS", "600"))

# --- citizens' personal data at rest (issue 20 item 4; hotline.pii, docs/SECURITY-pii.md) ---
# PII_KEYS: "keyid:base64(32 bytes),…" — the first key encrypts phones and ID numbers (AES-256-GCM),
# every key decrypts (rotation: put a new key first, run `manage.py pii_rekey`, drop the old one).
# PII_HASH_KEY: the HMAC-SHA256 key of the lookup digest (≥ 32 characters). Unset, both are
# derived from SECRET_KEY for the embedded default; `manage.py check --deploy` warns (hotline.W020).
PII_KEYS = os.environ.get("PII_KEYS", "").strip()
PII_HASH_KEY = os.environ.get("PII_HASH_KEY", "").strip()
# Closed tickets older than this many days lose their citizen's identity (`manage.py pii_retention`).
# 3 years: the 12345 records are kept that long for 回访、复核 and 信访 follow-up (see docs/SECURITY-pii.md).
PII_RETENTION_DAYS = int(os.environ.get("PII_RETENTION_DAYS", "1095"))

# --- live push and timers (live, dispatch timers) ---
# Shared secret the CTI (telephony) system sends in the X-CTI-Secret header; unset = webhook off.
# The embedded default (no SECRET_KEY set: a demo on 127.0.0.1) derives one from its default key,
# so that `manage.py cti_call` can play a call through the running server's webhook as a switch
# would (its in-process channel layer cannot reach the server's websockets from another process).
CTI_SECRET = os.environ.get("CTI_SECRET", "")
if not CTI_SECRET and "SECRET_KEY" not in os.environ:
    CTI_SECRET = hashlib.sha256(f"cti-demo:{SECRET_KEY}".encode()).hexdigest()[:32]
# How long after a unit's reply the satisfaction survey SMS goes out.
HOTLINE_SURVEY_DELAY_MINUTES = int(os.environ.get("SURVEY_DELAY_MINUTES", "30"))
# Office hours of a working day (local time): yellow lights are timed to fall within them.
HOTLINE_WORK_HOURS = (os.environ.get("WORK_OPENS", "08:30"), os.environ.get("WORK_CLOSES", "17:30"))
# A second 催办 of the same ticket within this many minutes asks "仍要催办？" first.
HOTLINE_URGE_REPEAT_MINUTES = int(os.environ.get("URGE_REPEAT_MINUTES", "30"))
HOTLINE_SWEEP_SECONDS = int(os.environ.get("SWEEP_SECONDS", "60"))
# 退单审核 (issue 16): a lead unit may ask to return a ticket until the end of this many working
# days after the day it was dispatched to it; the centre reviews a request within this many more.
HOTLINE_RETURN_WINDOW_WORKING_DAYS = int(os.environ.get("RETURN_WINDOW_WORKING_DAYS", "2"))
HOTLINE_RETURN_REVIEW_WORKING_DAYS = int(os.environ.get("RETURN_REVIEW_WORKING_DAYS", "1"))
# Issue 16 items 5 and 6 (docs/PRODUCT.md §4.2): a co-unit's own deadline is this many working
# days before the lead's (but never before the end of the CO_UNIT_MIN_WORKING_DAYS-th working day
# after dispatch, nor after the lead's); a handed-down part's default deadline is
# SUB_UNIT_LEAD_TIME_WORKING_DAYS before its parent's, with the same floor.
HOTLINE_CO_UNIT_LEAD_TIME_WORKING_DAYS = int(os.environ.get("CO_UNIT_LEAD_TIME_WORKING_DAYS", "2"))
HOTLINE_CO_UNIT_MIN_WORKING_DAYS = int(os.environ.get("CO_UNIT_MIN_WORKING_DAYS", "1"))
HOTLINE_SUB_UNIT_LEAD_TIME_WORKING_DAYS = int(os.environ.get("SUB_UNIT_LEAD_TIME_WORKING_DAYS", "1"))
# /api/health/ calls the timers "degraded" when the last light sweep is older than this.
OPS_SWEEP_LATE_SECONDS = int(os.environ.get("OPS_SWEEP_LATE_SECONDS", str(5 * HOTLINE_SWEEP_SECONDS)))
HOTLINE_OFFICE_NAME = os.environ.get("HOTLINE_OFFICE_NAME", "12345政务服务便民热线办公室")
HOTLINE_SUPERVISION_DEMAND = os.environ.get(
    "SUPERVISION_DEMAND",
    "请你单位接到本通知后，立即组织力量办理，于1个工作日内办结，并通过热线系统回复办理结果；"
    "确有困难的，须书面说明原因。逾期仍未办结的，热线办将予以通报，并纳入年度绩效考核。",
)
# 挂起 (issue 16, item 4): a suspended ticket resumes by itself after this much working time.
HOTLINE_SUSPENSION_MAX_WORKING_DAYS = int(os.environ.get("SUSPENSION_MAX_WORKING_DAYS", "10"))
CELERY_BEAT_SCHEDULE = {
    # `expires` drops a tick that waited longer than its period: the next one does the same work.
    "sweep-lights": {"task": "dispatch.sweep_lights", "schedule": HOTLINE_SWEEP_SECONDS,
                     "options": {"expires": HOTLINE_SWEEP_SECONDS}},
    "send-due-surveys": {"task": "dispatch.send_due_surveys", "schedule": 60.0, "options": {"expires": 60}},
    "remind-overdue": {"task": "dispatch.remind_overdue", "schedule": 300.0, "options": {"expires": 300}},
    # 挂起 past SUSPENSION_MAX_WORKING_DAYS resumes (issue 16, item 4).
    "resume-suspensions": {"task": "dispatch.resume_suspensions", "schedule": 60.0, "options": {"expires": 60}},
    # Safety net: delivers timer events a killed worker left in the outbox.
    "deliver-outbox": {"task": "hotline.deliver_outbox", "schedule": 60.0, "options": {"expires": 60}},
    # Knowledge points 30 days from lapsing: told once (expiry_notified_at), so daily is enough.
    "knowledge-expiry": {"task": "knowledge.notify_expiring", "schedule": 86400.0,
                         "options": {"expires": 3600}},
}
if REDIS_URL:
    # The pub/sub layer: a group_send is one PUBLISH that every ASGI process receives once and
    # fans out to its own sockets. The list-based RedisChannelLayer makes one Redis message per
    # member (1,000 sockets = 1,000 round trips per event) and silently drops beyond `capacity`
    # (bench/live/push.py: p99 13 s, half lost, vs well under a second here). Pub/sub delivers
    # at most once; live.js catches up after a reconnect, so nothing a page needs is lost.
    # redis-py's pool refuses (does not wait) beyond max_connections (default 100), and its 5 s
    # default socket timeout is too tight for blocking reads under load.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [{
                    "address": REDIS_URL,
                    "max_connections": int(os.environ.get("CHANNEL_REDIS_MAX_CONNECTIONS", "500")),
                    "socket_timeout": 30,
                }],
                "prefix": os.environ.get("CHANNEL_PREFIX", "hotline"),
            },
        }
    }
# --- end live push and timers ---
# --- sms_gateway ---
# SMPP_URL set: messages go to the SMSC through `manage.py smpp_gateway`; unset: the local
# transport keeps them for the dev phone page (/dev/phone/).
SMS_TRANSPORT = "smpp" if SMPP_URL else "local"
SMS_SOURCE_ADDR = os.environ.get("SMS_SOURCE_ADDR", "12345")  # our number, the From of every SMS
SMS_SMPP_RATE = float(os.environ.get("SMS_SMPP_RATE", "100"))  # submit_sm per second at most
SMS_SMPP_WINDOW = int(os.environ.get("SMS_SMPP_WINDOW", "10"))  # submit_sm awaiting a response at most
SMS_SMPP_ENQUIRE_LINK_SECONDS = float(os.environ.get("SMS_SMPP_ENQUIRE_LINK_SECONDS", "30"))
SMS_SMPP_RESPONSE_TIMEOUT = float(os.environ.get("SMS_SMPP_RESPONSE_TIMEOUT", "10"))  # watchdog
SMS_SMPP_DOUBT_SECONDS = float(os.environ.get("SMS_SMPP_DOUBT_SECONDS", "120"))  # wait for a receipt before resending
SMS_SMPP_RECONNECT_MAX_SECONDS = float(os.environ.get("SMS_SMPP_RECONNECT_MAX_SECONDS", "60"))
SMS_SMPP_MAX_ATTEMPTS = int(os.environ.get("SMS_SMPP_MAX_ATTEMPTS", "10"))
SMS_FOLLOWUP_MINUTES = int(os.environ.get("SMS_FOLLOWUP_MINUTES", "30"))  # a text within this joins the last ticket
SMS_INBOUND_DEDUPE_SECONDS = int(os.environ.get("SMS_INBOUND_DEDUPE_SECONDS", "600"))
SMS_MO_REASSEMBLY_SECONDS = int(os.environ.get("SMS_MO_REASSEMBLY_SECONDS", "600"))  # then keep what arrived
# The dev phone page shows every SMS: on with DEBUG or the local transport, for logged-in office staff.
SMS_DEV_PHONE = env_bool("SMS_DEV_PHONE", DEBUG or not SMPP_URL)
CELERY_BEAT_SCHEDULE["sms-retry-status-callbacks"] = {
    "task": "sms_gateway.tasks.retry_status_callbacks", "schedule": 60.0,
}
# --- web pages (web) ---------------------------------------------------
INSTALLED_APPS += ["web"]
TEMPLATES[0]["OPTIONS"]["context_processors"] += ["web.context.page_context"]
# Citizen portal limits per client IP: (attempts, window in seconds).
PORTAL_RATE_LIMITS = {
    "portal_submit": (5, 3600),
    "portal_query": (20, 600),
    "portal_vote": (30, 3600),
    "portal_survey": (10, 600),
    "portal_captcha": (20, 600),  # 看不清，换一题
    "portal_faq": (60, 600),  # 常见问题: searches and point pages (issue 17)
}
# Behind a reverse proxy that sets X-Forwarded-For, count the client's address instead of the proxy's
# (every rate limit and audit row, ops.client.client_ip): the entry FORWARDED_PROXY_HOPS from the right,
# i.e. the one the outermost proxy added (1: nginx alone; 2: a TLS gateway in front of nginx).
PORTAL_TRUST_FORWARDED_FOR = env_bool("PORTAL_TRUST_FORWARDED_FOR", False)
FORWARDED_PROXY_HOPS = int(os.environ.get("FORWARDED_PROXY_HOPS", "1"))
# Where the operator's console links for calls that rang out (the live helper's page).
WEB_MISSED_CALLS_URL = "/console/missed-calls/"
# --- reports ---
# Rollups every minute, keyword counts every 5 minutes, the display snapshot every 30 s
# (and, debounced, after ticket events). Trained classifier files live under var/models/.
CELERY_BEAT_SCHEDULE.update({
    "reports-refresh-rollups": {"task": "reports.tasks.refresh_rollups", "schedule": 60.0},
    "reports-refresh-keywords": {"task": "reports.tasks.refresh_keywords", "schedule": 300.0},
    "reports-display-snapshot": {"task": "reports.tasks.rebuild_display_snapshot", "schedule": 30.0},
})
# --- monthly assessment (考核, issue 18 item 1; docs/ASSESSMENT.md): its event rollup beside the reports' ---
CELERY_BEAT_SCHEDULE["assessment-refresh-rollup"] = {"task": "assessment.tasks.refresh_assessment_rollup",
                                                     "schedule": 60.0}
REPORTS_MODEL_DIR = Path(os.environ.get("REPORTS_MODEL_DIR", VAR_DIR / "models"))
# Unit ranking (reports, display board): a unit with fewer 应办结 tickets than this in the
# period is listed as 样本不足 and not ranked (one closed ticket would otherwise score 100).
REPORTS_RANKING_MIN_DUE = int(os.environ.get("REPORTS_RANKING_MIN_DUE", "5"))
# --- knowledge base in use (issue 17: console, unit reply, portal FAQ, SMS keyword) ---
# ZX <问题> by SMS, per number: (texts answered, window in seconds); one polite reply over it, then none.
KNOWLEDGE_SMS_RATE_LIMIT = (int(os.environ.get("KNOWLEDGE_SMS_PER_HOUR", "10")), 3600)
# --- audit trail (issue 20 item 3; docs/SECURITY-audit.md) ---
# Audit rows are kept at least this many days before audit_archive moves them to files; below
# 180 (GB/T 22239 / 网络安全法 第二十一条: logs kept at least six months) the system check fails.
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "180"))
AUDIT_ARCHIVE_DIR = Path(os.environ.get("AUDIT_ARCHIVE_DIR", VAR_DIR / "audit-archive"))
AUDIT_ARCHIVE_FILE_ROWS = int(os.environ.get("AUDIT_ARCHIVE_FILE_ROWS", "100000"))  # rows per archive file
AUDIT_EXPORT_MAX_ROWS = int(os.environ.get("AUDIT_EXPORT_MAX_ROWS", "100000"))  # the audit page's export
# The maintenance login the archive deletes through (a member of hotline_audit_archiver); unset:
# the default connection, which may SET ROLE to it only if it is a member (the superuser in dev
# and tests; never the application's own role in production).
if os.environ.get("AUDIT_MAINTENANCE_DATABASE_URL"):
    DATABASES["audit_maintenance"] = dj_database_url.parse(os.environ["AUDIT_MAINTENANCE_DATABASE_URL"])
    if DATABASES["audit_maintenance"]["ENGINE"].startswith("django.db.backends.postgresql"):
        DATABASES["audit_maintenance"]["ENGINE"] = "hotline.db.postgresql"
# The hash chain every 5 minutes (audit_verify checks it); the archive daily.
CELERY_BEAT_SCHEDULE["audit-seal"] = {"task": "audit.seal", "schedule": 300.0, "options": {"expires": 300}}
CELERY_BEAT_SCHEDULE["audit-archive"] = {"task": "audit.archive", "schedule": 86400.0, "options": {"expires": 3600}}
# issue 19 item 4: photo files whose upload's transaction rolled back (photos.services.photos_sweep_orphans)
# issue 19: the Open311 submitter's e-mail follows the ticket's anonymisation (open311.services)
CELERY_BEAT_SCHEDULE["open311-retention"] = {"task": "open311.retention", "schedule": 86400.0,
                                             "options": {"expires": 3600}}
CELERY_BEAT_SCHEDULE["photos-sweep"] = {"task": "photos.sweep", "schedule": 86400.0, "options": {"expires": 3600}}
# issue 18 item 2, appeals (不满意甄别/申诉, docs/APPEALS.md): a unit appeals a dissatisfied rating or an
# overdue until the end of this many working days after it; the centre rules within this many more.
APPEAL_WINDOW_WORKING_DAYS = int(os.environ.get("APPEAL_WINDOW_WORKING_DAYS", "5"))
APPEAL_RULING_WORKING_DAYS = int(os.environ.get("APPEAL_RULING_WORKING_DAYS", "5"))
# --- bulletins (issue 18 item 5; docs/BULLETINS.md) ---
# Every 5 minutes the schedule makes the daily, weekly and monthly bulletins the last complete
# period owes (once each; a float period so that run_timers runs it too), after this local hour.
BULLETIN_GENERATE_AFTER_HOUR = int(os.environ.get("BULLETIN_GENERATE_AFTER_HOUR", "1"))
CELERY_BEAT_SCHEDULE["bulletins-generate-due"] = {"task": "bulletins.generate_due", "schedule": 300.0,
                                                  "options": {"expires": 300}}
