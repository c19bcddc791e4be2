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
