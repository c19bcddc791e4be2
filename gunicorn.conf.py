"""gunicorn for HTTP (API and pages); the websockets (/ws/) are uvicorn's (docker-compose.yml).

Why two servers: under ASGI Django runs every request's sync code through a fresh
thread-sensitive executor, which cost 4.0 ms of CPU for a trivial token-authenticated
GET here against 1.7 ms under gunicorn's threaded WSGI workers (bench/README.md).
Threads give keep-alive and overlap database waits; a process per core uses the cores.
"""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_WORKERS", str(multiprocessing.cpu_count() + 1)))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
keepalive = 30
timeout = 60
graceful_timeout = 30
max_requests = 20000  # recycle workers now and then (memory), staggered by the jitter
max_requests_jitter = 2000
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "warning").lower()
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
# The longest request line gunicorn allows (default 4094): the suggestion API's GET carries up to
# 500 characters of percent-encoded Chinese text (about 4.5 KB). nginx's own limit is 8 KB.
limit_request_line = 8190

# /metrics sums the request histograms of every worker (prometheus_client's multiprocess mode):
# each worker writes its samples under PROMETHEUS_MULTIPROC_DIR, emptied when gunicorn starts
# (a restart's old files would count twice). Set before the workers import Django.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    import tempfile

    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="hotline-prometheus-")


def on_starting(server):
    import glob

    for path in glob.glob(os.path.join(os.environ["PROMETHEUS_MULTIPROC_DIR"], "*.db")):
        os.remove(path)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


# LOG_FORMAT=json: gunicorn's own lines (start, worker boots and timeouts) as JSON too; the
# workers' lines follow settings.LOGGING (ops.logs), with the request id.
if os.environ.get("LOG_FORMAT", "").strip().lower() == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "ops.logs.JsonFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json",
                                 "stream": "ext://sys.stderr"}},
        "loggers": {"gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False}},
    }
