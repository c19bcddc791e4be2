"""The Redis cache backend, with one connection pool per process.

Django keeps a cache object per request context, and under ASGI every request runs in
a context of its own, so the stock RedisCache built a new client, a new pool and a new
TCP connection to Redis for each request (a sixth of a registration's time in a
profile). The client and its pool are thread-safe: this backend shares one per process
(and per location), and a forked process (a Celery worker) makes its own.
"""
import os
import threading

from django.core.cache.backends.redis import RedisCache

_clients: dict = {}
_lock = threading.Lock()


class SharedRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        # Worked out once per cache object: _cache is read on every cache call.
        self._location = (tuple(self._servers), repr(sorted(self._options.items())))

    @property
    def _cache(self):
        key = (os.getpid(), self._location)
        client = _clients.get(key)
        if client is None:
            with _lock:
                client = _clients.setdefault(key, self._class(self._servers, **self._options))
        return client
