"""Exports are rate limited per address; browsing never is."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_limit(settings):
    settings.EXPORT_RATE = "3/m"


def export(client, path, **extra):
    """Ask for a download and read it whole, as a client that finishes its downloads does."""
    response = client.get(path, **extra)
    if response.streaming:
        # Read to the end, the test client closes the response (freeing its place).
        b"".join(response.streaming_content)
    return response


def test_too_many_exports_get_429_with_retry_after(client, low_limit):
    for url in ["/shipments.csv", "/items.csv", "/shipments.json"]:
        assert export(client, url, REMOTE_ADDR="203.0.113.7").status_code == 200
    response = export(client, "/items.csv", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "at most 3 per minute" in response.content.decode()


def test_other_addresses_keep_their_own_budget(client, low_limit):
    for _ in range(4):
        export(client, "/items.csv", REMOTE_ADDR="203.0.113.7")
    assert export(client, "/items.csv", REMOTE_ADDR="198.51.100.9").status_code == 200


def test_browsing_is_never_limited(client, low_limit):
    for _ in range(10):
        export(client, "/items.csv", REMOTE_ADDR="203.0.113.7")
    for _ in range(10):
        assert client.get("/", REMOTE_ADDR="203.0.113.7").status_code == 200


def test_behind_a_proxy_the_last_forwarded_hop_is_the_client(client, low_limit, settings):
    settings.BEHIND_PROXY = True
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(3):
        export(client, "/items.csv", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7", **proxy)
    # A client cannot escape its budget by forging earlier hops ...
    forged = export(client, "/items.csv", HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7", **proxy)
    assert forged.status_code == 429
    # ... and other clients behind the same proxy keep their own.
    other = export(client, "/items.csv", HTTP_X_FORWARDED_FOR="198.51.100.9", **proxy)
    assert other.status_code == 200


@pytest.fixture
def redis_cache(settings):
    """The cache production uses when REDIS_URL is set (CI starts Redis on loopback)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": "aidtracker-tests",
        }
    }
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()


def test_the_budget_is_counted_in_redis_when_configured(client, low_limit, redis_cache):
    for _ in range(3):
        assert export(client, "/items.csv", REMOTE_ADDR="203.0.113.7").status_code == 200
    assert export(client, "/items.csv", REMOTE_ADDR="203.0.113.7").status_code == 429
    # The counter lives in Redis, where every app server would see it.
    assert any(b"aidtracker-tests" in key for key in redis_cache._cache.get_client().keys("*"))


def test_settings_choose_redis_when_redis_url_is_set():
    from tests.test_settings import run_manage

    result = run_manage(
        "diffsettings", "--all", DJANGO_DEBUG="True", REDIS_URL="redis://127.0.0.1:6379/0"
    )
    assert "aidtracker.cache.FailSoftRedisCache" in result.stdout
    assert "redis://127.0.0.1:6379/0" in result.stdout


@pytest.mark.parametrize(
    "query", ["recipient_contry=IT", "shipped_after=31/12/2020", "bom=2", "status=lost"]
)
def test_a_refused_request_does_not_use_up_the_budget(client, low_limit, query):
    for _ in range(5):
        assert export(client, f"/items.csv?{query}", REMOTE_ADDR="203.0.113.7").status_code == 400
    assert export(client, "/items.csv", REMOTE_ADDR="203.0.113.7").status_code == 200


def test_a_bad_json_page_does_not_use_up_the_budget(client, low_limit):
    for _ in range(5):
        response = export(client, "/shipments.json?page=0", REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 400
    assert export(client, "/shipments.json", REMOTE_ADDR="203.0.113.7").status_code == 200
