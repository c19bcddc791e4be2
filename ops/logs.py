"""Log lines: plain text for developers (the embedded default) or JSON, one object per line
(LOG_FORMAT=json, production), in every process: gunicorn, uvicorn, the Celery worker and
beat, the SMPP gateway. Each line carries the request id of the request (or task) it belongs to.

Imported by config/settings.py and gunicorn.conf.py, so it imports nothing of Django's.
"""
import datetime as dt
import json
import logging
import os
import traceback
from zoneinfo import ZoneInfo

from . import context

# Attributes every LogRecord has: anything else on a record came from `extra=` and is logged as a field.
# (uvicorn's color_message repeats the message with terminal colours.)
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message", "asctime", "request_id", "color_message"}
PLAIN = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class RequestIdFilter(logging.Filter):
    """Puts the current request id on the record (empty outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = context.current() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """time (local ISO 8601 with offset), level, logger, message, request_id, then the extra fields."""

    def __init__(self, *args, time_zone: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(time_zone or os.environ.get("TIME_ZONE", "Asia/Shanghai"))

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", None) or context.current()
        line = {
            "time": dt.datetime.fromtimestamp(record.created, self.zone).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id if request_id and request_id != "-" else None,
            "process": record.process,
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_") and key not in line:
                line[key] = value
        if record.exc_info:
            line["exception"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False, default=str)


def log_format() -> str:
    return "json" if os.environ.get("LOG_FORMAT", "plain").strip().lower() == "json" else "plain"


def formatter_config(fmt: str) -> dict:
    if fmt == "json":
        return {"()": "ops.logs.JsonFormatter"}
    return {"format": PLAIN}


def logging_config(*, fmt: str | None = None, level: str | None = None) -> dict:
    """settings.LOGGING. The servers' own loggers (gunicorn, uvicorn, celery) are routed through
    the same handler, so that a process writes one format only."""
    fmt = fmt or log_format()
    level = level or os.environ.get("LOG_LEVEL", "INFO")
    own = {"handlers": ["console"], "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "ops.logs.RequestIdFilter"}},
        "formatters": {"main": formatter_config(fmt)},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "main",
                                 "filters": ["request_id"]}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.server": {"level": "WARNING"},
            "gunicorn.error": own,  # its level stays gunicorn.conf.py's loglevel
            "uvicorn": own, "uvicorn.error": own, "uvicorn.access": own,
            "celery": own,
        },
    }
