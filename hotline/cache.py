"""The Redis cache backend, with one connection pool per process.

Django keeps a cache object per request context, and under ASGI every request runs in
a context of its own, so the stock RedisCache built a new client, a new pool and a new
TCP connection to Redis for each request (a sixth of a registration's time in a
profile). The client and its pool are thread-safe: this backend shares one per process
(and per location), and a forked process (a Celery worker) makes its own. Within it, one
redis.Redis per pool serves every call instead of a new one each time.
"""
import os
import threading

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_clients: dict = {}
_lock = threading.Lock()


class ReusedClientRedisCacheClient(RedisCacheClient):
    """The stock client builds a redis.Redis (and its table of ~170 response callbacks)
    for every cache call; redis.Redis is thread-safe, so one per pool serves them all."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._redis_by_pool: dict = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._redis_by_pool.get(id(pool))
        if client is None:
            client = self._redis_by_pool.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class SharedRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
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
