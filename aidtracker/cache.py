"""The shared cache (Redis), and how the site carries on without it.

Everything the site keeps in the cache can be made again: cached pages and
totals are recomputed from the database, and the export rate-limit counts
start afresh. So a Redis that is down or hung must cost the readers nothing
but speed. `FailSoftRedisCache` gives Redis a fraction of a second to answer;
when it does not, the process notes that Redis is down and, for the next
`RETRY_SECONDS`, keeps its cache in its own memory instead, then tries Redis
again. Pages render, downloads go on under a per-process rate limit, and
`/healthz` says the cache is down without failing the app.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Redis on the same network answers in well under a millisecond; a value of a
# few hundred kilobytes (a cached page) in a few. Longer means it is not answering.
SOCKET_TIMEOUT_SECONDS = 0.25
# How long a process works from its own memory before asking Redis again.
RETRY_SECONDS = 30
# Bounds the memory of the stand-in cache, per process.
FALLBACK_MAX_ENTRIES = 1000

# When each Redis (by location) may be asked again, for the whole process:
# Django gives each thread a cache object of its own.
_down_until = {}
_down_lock = threading.Lock()


class FailSoftRedisCache(RedisCache):
    """Django's RedisCache, with each process's memory standing in while Redis is lost."""

    def __init__(self, server, params):
        options = {
            "socket_connect_timeout": SOCKET_TIMEOUT_SECONDS,
            "socket_timeout": SOCKET_TIMEOUT_SECONDS,
            **params.get("OPTIONS", {}),
        }
        super().__init__(server, {**params, "OPTIONS": options})
        # LocMemCache instances of one name share their memory within the
        # process, so every thread's cache object stands in with the same one.
        self.fallback = LocMemCache(
            f"fallback-for-{server}", {"OPTIONS": {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES}}
        )
        self.location = str(server)

    def is_down(self):
        """True while this process works without Redis, after Redis last failed to answer."""
        return time.monotonic() < _down_until.get(self.location, 0.0)

    def ping(self):
        """Whether Redis answers now; a failure starts a spell without it."""
        try:
            return bool(self._cache.get_client(write=False).ping())
        except RedisError as error:
            self._mark_down(error)
            return False

    def _mark_down(self, error):
        with _down_lock:
            first = not self.is_down()
            _down_until[self.location] = time.monotonic() + RETRY_SECONDS
        if first:
            logger.warning(
                "Redis cache not answering (%s); this process keeps its cache in memory for %s s.",
                error,
                RETRY_SECONDS,
            )

    def _either(self, method, *args, **kwargs):
        """Redis's answer, or the stand-in's when Redis is down or fails now."""
        if not self.is_down():
            try:
                return getattr(RedisCache, method)(self, *args, **kwargs)
            except RedisError as error:
                self._mark_down(error)
        return getattr(self.fallback, method)(*args, **kwargs)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._either("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._either("delete", key, version)

    def get_many(self, keys, version=None):
        return self._either("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._either("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._either("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._either("delete_many", keys, version)

    def clear(self):
        self.fallback.clear()
        return self._either("clear")


def cache_answers(cache):
    """Whether `cache` works now: Redis answers, or no Redis is configured."""
    ping = getattr(cache, "ping", None)
    return ping() if ping else True
