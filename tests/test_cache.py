"""The shared cache: Redis when REDIS_URL is set, each process's memory while Redis is lost."""

import socket
import threading
import time
from contextlib import closing

import pytest
from django.core.cache import caches
from django.test import override_settings

from aidtracker import cache as site_cache
from aidtracker.cache import FailSoftRedisCache, cache_answers


def fail_soft(location):
    return FailSoftRedisCache(location, {"KEY_PREFIX": "aidtracker-tests-cache"})


@pytest.fixture
def closed_port():
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def silent_port():
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield sock.getsockname()[1]


def test_with_redis_answering_values_live_in_redis():
    cache = fail_soft("redis://127.0.0.1:6379/15")
    cache.set("greeting", "hello", 30)
    assert cache.get("greeting") == "hello"
    assert cache.fallback.get("greeting") is None
    assert cache.ping()
    cache.delete("greeting")


@pytest.mark.parametrize("redis", ["closed", "silent"])
def test_without_redis_the_process_memory_stands_in(request, redis):
    port = request.getfixturevalue(f"{redis}_port")
    cache = fail_soft(f"redis://127.0.0.1:{port}/0")
    started = time.monotonic()
    assert cache.get("page") is None
    assert cache.set("page", "<html>", 30) is not False
    assert cache.get("page") == "<html>"
    assert cache.add("lock", True, 30) is True
    assert cache.add("lock", True, 30) is False
    assert cache.add("count", 0, 30)
    assert cache.incr("count") == 1
    assert cache.get_many(["page", "count"]) == {"page": "<html>", "count": 1}
    cache.delete("page")
    assert not cache.has_key("page")
    assert cache.is_down()
    # Redis was asked once (within its socket timeout), then left alone.
    assert time.monotonic() - started < 2 * site_cache.SOCKET_TIMEOUT_SECONDS + 0.5


def test_redis_is_asked_again_after_a_while(monkeypatch, closed_port):
    cache = fail_soft(f"redis://127.0.0.1:{closed_port}/0")
    cache.get("anything")
    assert cache.is_down()
    clock = time.monotonic() + site_cache.RETRY_SECONDS + 1
    monkeypatch.setattr(site_cache.time, "monotonic", lambda: clock)
    assert not cache.is_down()


def test_ping_tells_whether_redis_answers(closed_port):
    assert not fail_soft(f"redis://127.0.0.1:{closed_port}/0").ping()
    assert fail_soft("redis://127.0.0.1:6379/15").ping()


def test_without_redis_configured_the_cache_always_answers():
    assert cache_answers(caches["default"])


@pytest.mark.django_db
def test_healthz_reports_a_lost_cache_and_stays_up(client, closed_port):
    lost = {
        "default": {
            "BACKEND": "aidtracker.cache.FailSoftRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port}/0",
        }
    }
    with override_settings(CACHES=lost):
        response = client.get("/healthz")
        home = client.get("/")
    assert response.status_code == 200
    assert response.content == b"ok; cache unavailable, pages served without it\n"
    assert home.status_code == 200


def test_every_thread_of_the_process_knows_redis_is_down(closed_port):
    """Django gives each thread its own cache object; the process learns Redis is lost once."""
    location = f"redis://127.0.0.1:{closed_port}/0"
    fail_soft(location).get("anything")
    seen = []
    thread = threading.Thread(target=lambda: seen.append(fail_soft(location).is_down()))
    thread.start()
    thread.join()
    assert seen == [True]
