"""Exports are rate limited per address; browsing never is."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_limit(settings):
    settings.EXPORT_RATE = "3/m"


def test_too_many_exports_get_429_with_retry_after(client, low_limit):
    for url in ["/shipments.csv", "/items.csv", "/shipments.json"]:
        assert client.get(url, REMOTE_ADDR="203.0.113.7").status_code == 200
    response = client.get("/items.csv", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "at most 3 per minute" in response.content.decode()


def test_other_addresses_keep_their_own_budget(client, low_limit):
    for _ in range(4):
        client.get("/items.csv", REMOTE_ADDR="203.0.113.7")
    assert client.get("/items.csv", REMOTE_ADDR="198.51.100.9").status_code == 200


def test_browsing_is_never_limited(client, low_limit):
    for _ in range(10):
        client.get("/items.csv", REMOTE_ADDR="203.0.113.7")
    for _ in range(10):
        assert client.get("/", REMOTE_ADDR="203.0.113.7").status_code == 200


def test_behind_a_proxy_the_last_forwarded_hop_is_the_client(client, low_limit, settings):
    settings.BEHIND_PROXY = True
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(3):
        client.get("/items.csv", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7", **proxy)
    # A client cannot escape its budget by forging earlier hops ...
    forged = client.get("/items.csv", HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7", **proxy)
    assert forged.status_code == 429
    # ... and other clients behind the same proxy keep their own.
    other = client.get("/items.csv", HTTP_X_FORWARDED_FOR="198.51.100.9", **proxy)
    assert other.status_code == 200
