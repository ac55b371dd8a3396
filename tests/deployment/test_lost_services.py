"""A replica or a Redis that is lost, or hung, never takes the site down (issue 13, points 3
and 4).

The probe: a DATABASE_REPLICA_URL that accepted connections and never answered hung every
anonymous page and /healthz with no end, and after 8 requests the admin too. With Redis
unreachable or hung, the home page, the countries, the list and every export answered 500,
while /healthz said ok.
"""

import pytest

from tests.deployment.conftest import fetch

PUBLIC = [
    "/",
    "/countries/",
    "/countries/IT/",
    "/shipments/",
    "/shipments/?recipient_country=IT&category=masks",
    "/shipments/2020-CN-IT-001/",
    "/shipments.csv?recipient_country=IT",
    "/items.csv?recipient_country=BE",
    "/shipments.json?recipient_country=IT",
]
STAFF = ["/admin/login/"]


def replica_url(port):
    return f"postgres://postgres@127.0.0.1:{port}/aidtracker"


def test_a_replica_that_never_answers_costs_one_connect_timeout(serve, silent_port):
    with serve(DATABASE_REPLICA_URL=replica_url(silent_port)) as base_url:
        # The first request of each worker waits for the connect timeout (2 s) ...
        status, body, seconds = fetch(base_url + "/healthz", timeout=10)
        assert (status, body) == (200, b"ok; not answering: replica\n")
        assert seconds < 5
        # ... and then the replica is left alone: the primary serves the public.
        for _ in range(3):
            for path in PUBLIC + STAFF:
                status, _, seconds = fetch(base_url + path, timeout=10)
                assert status == 200, path
                assert seconds < 5, path
        for _ in range(10):
            status, body, seconds = fetch(base_url + "/healthz", timeout=10)
            assert (status, body) == (200, b"ok; not answering: replica\n")
            assert seconds < 1


def test_a_replica_that_refuses_connections_is_skipped(serve, closed_port):
    with serve(DATABASE_REPLICA_URL=replica_url(closed_port)) as base_url:
        for path in PUBLIC + STAFF:
            status, _, seconds = fetch(base_url + path, timeout=10)
            assert status == 200, path
            assert seconds < 5, path
        assert fetch(base_url + "/healthz", timeout=5)[:2] == (200, b"ok; not answering: replica\n")


@pytest.mark.parametrize("redis", ["silent", "closed"])
def test_without_redis_the_pages_and_downloads_go_on(serve, silent_port, closed_port, redis):
    port = silent_port if redis == "silent" else closed_port
    with serve(REDIS_URL=f"redis://127.0.0.1:{port}/0") as base_url:
        for _ in range(2):
            for path in PUBLIC + STAFF:
                status, body, seconds = fetch(base_url + path, timeout=20)
                assert status == 200, (path, body[:300])
                assert seconds < 10, path
        status, body, seconds = fetch(base_url + "/healthz", timeout=5)
        assert (status, body) == (200, b"ok; cache unavailable, pages served without it\n")
        assert seconds < 2


def test_without_redis_downloads_are_still_limited_per_process(serve, closed_port):
    with serve(
        REDIS_URL=f"redis://127.0.0.1:{closed_port}/0", DJANGO_EXPORT_RATE="3/m"
    ) as base_url:
        statuses = [fetch(base_url + "/shipments.json", timeout=20)[0] for _ in range(12)]
    # Each of the two workers counts three for itself.
    assert statuses.count(200) <= 6
    assert statuses.count(429) >= 6
