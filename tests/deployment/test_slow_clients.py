"""Downloads that stall never take the site down (issue 13, point 2).

The probe: eight `GET /items.csv` from one address that read nothing held
every thread; /healthz, the pages and the admin login then timed out.
"""

import socket
import time
from contextlib import ExitStack, closing
from urllib.parse import urlsplit

from tests.deployment.conftest import fetch

PAGES = ["/healthz", "/", "/shipments/?recipient_country=IT", "/admin/login/"]
SEND_TIMEOUT = 3
# The servers below share a Redis, as in production: the cap per address holds across workers.


def stalled_download(base_url, path, source="127.0.0.1"):
    """Ask for `path` from `source`, with a tiny receive window, and read nothing."""
    parts = urlsplit(base_url)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.bind((source, 0))
    sock.connect((parts.hostname, parts.port))
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {parts.hostname}\r\n\r\n".encode())
    return closing(sock)


def status_of(sock, timeout=10):
    """The status code a stalled download was answered with (reads only the status line)."""
    sock.settimeout(timeout)
    head = sock.recv(64)
    return int(head.split(b" ")[1])


def warm_up(base_url):
    """Fill the page cache, so that the timings below measure waiting, not adding up."""
    for path in PAGES:
        fetch(base_url + path, timeout=60)


def pages_answer_promptly(base_url):
    for path in PAGES:
        status, _, seconds = fetch(base_url + path, timeout=10)
        assert status == 200, path
        assert seconds < 5, f"{path} took {seconds:.1f} s"


def test_eight_stalled_downloads_from_one_address_leave_the_pages_up(serve, shared_redis):
    with (
        serve(DJANGO_SEND_TIMEOUT=str(SEND_TIMEOUT), REDIS_URL=shared_redis) as base_url,
        ExitStack() as stack,
    ):
        warm_up(base_url)
        stalled = [stack.enter_context(stalled_download(base_url, "/items.csv")) for _ in range(8)]
        time.sleep(1)
        pages_answer_promptly(base_url)
        statuses = sorted(status_of(sock) for sock in stalled)
        # Two stream (and stall); the address may have no more running at once.
        assert statuses == [200, 200] + [429] * 6
        pages_answer_promptly(base_url)


def test_stalled_downloads_from_many_addresses_leave_the_pages_up(serve, shared_redis):
    sources = [f"127.0.0.{n}" for n in range(2, 14)]
    with (
        serve(DJANGO_SEND_TIMEOUT=str(SEND_TIMEOUT), REDIS_URL=shared_redis) as base_url,
        ExitStack() as stack,
    ):
        warm_up(base_url)
        stalled = [
            stack.enter_context(stalled_download(base_url, "/items.csv", source))
            for source in sources
        ]
        time.sleep(1)
        pages_answer_promptly(base_url)
        statuses = [status_of(sock) for sock in stalled]
        # Each of the two workers streams at most two downloads; the threads left
        # serve the pages. (Which worker takes a connection is up to them.)
        assert set(statuses) == {200, 503}
        assert 2 <= statuses.count(200) <= 4


def test_a_client_that_stops_reading_is_cut_off_and_frees_its_place(serve, shared_redis):
    with serve(DJANGO_SEND_TIMEOUT=str(SEND_TIMEOUT), REDIS_URL=shared_redis) as base_url:
        with ExitStack() as stack:
            stalled = [
                stack.enter_context(stalled_download(base_url, "/items.csv")) for _ in range(2)
            ]
            assert [status_of(sock) for sock in stalled] == [200, 200]
            status, body, _ = fetch(base_url + "/shipments.csv", timeout=10)
            assert status == 429
            assert b"already has 2 downloads running" in body
            # Once the buffers on the way are full, each stalled download waits
            # SEND_TIMEOUT and is cut off: the address may download again, though
            # the stalled clients' sockets are still open.
            deadline = time.monotonic() + 60
            while status == 429 and time.monotonic() < deadline:
                time.sleep(1)
                status, body, _ = fetch(base_url + "/items.csv", timeout=60)
        assert status == 200
        assert body.count(b"\n") > 50_000
