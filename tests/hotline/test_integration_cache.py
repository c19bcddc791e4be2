"""The Redis cache keeps one client and one pool per process, across requests and threads."""
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache, caches

from hotline.cache import SharedRedisCache

pytestmark = pytest.mark.integration


def test_the_cache_works_and_every_call_reuses_one_client_and_its_connections():
    assert isinstance(caches["default"], SharedRedisCache)
    cache.set("test:shared", {"城市": "某县"}, 30)
    assert cache.get("test:shared") == {"城市": "某县"}
    assert cache.add("test:shared", 1) is False and cache.add("test:fresh", 1, 30) is True
    cache.delete_many(["test:shared", "test:fresh"])
    assert cache.get("test:shared") is None

    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is client  # not a new redis.Redis per call
    here = caches["default"]
    with ThreadPoolExecutor(1) as pool:  # another thread (as another request) has a cache object of its own
        there, there_client = pool.submit(lambda: (caches["default"], caches["default"]._cache.get_client())).result()
    assert there is not here and there_client is client

    connections_before = client.connection_pool._created_connections
    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(lambda n: cache.add(f"test:thread:{n}", n, 30), range(200)))
    cache.delete_many([f"test:thread:{n}" for n in range(200)])
    # At most one more per thread, not one per call (the pool keeps the ones it made before).
    assert client.connection_pool._created_connections - connections_before <= 8
