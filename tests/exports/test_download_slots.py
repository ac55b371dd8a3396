"""Downloads streaming at once are capped per address and per process, so that pages always
find a thread; a finished, failed or abandoned download gives its place back."""

from unittest import mock

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections

from shipments.exports import slots

pytestmark = pytest.mark.django_db

A, B, C = "203.0.113.7", "198.51.100.9", "192.0.2.44"


@pytest.fixture(autouse=True)
def caps(settings):
    settings.DOWNLOADS_PER_CLIENT = 2
    settings.DOWNLOADS_PER_PROCESS = 3


def start(client, address, path="/items.csv"):
    """A download begun and left unread, as a stalled client leaves it."""
    return client.get(path, REMOTE_ADDR=address)


def finish(response):
    """Read to the end: the test client then closes the response, as a WSGI server does."""
    b"".join(response.streaming_content)


def close_unread(response):
    """What the WSGI server does when the client goes away, or is cut off.

    Closing a response says the request has finished, on which Django closes
    database connections it no longer trusts, the test's own among them; the
    test client holds that back for the responses it closes, and so does this.
    """
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def test_an_address_streams_at_most_its_share_at_once(client):
    running = [start(client, A), start(client, A, "/shipments.csv")]
    assert [response.status_code for response in running] == [200, 200]
    refused = start(client, A)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "30"
    assert "already has 2 downloads running" in refused.content.decode()
    # Another address is not held up by this one.
    assert start(client, B).status_code == 200


def test_a_finished_download_gives_its_place_back(client):
    first, _second = start(client, A), start(client, A)
    finish(first)
    assert start(client, A).status_code == 200


def test_a_download_closed_unread_gives_its_place_back(client):
    first, _second = start(client, A), start(client, A)
    close_unread(first)
    assert start(client, A).status_code == 200
    assert slots.process_slots.in_use == 2


def test_a_process_streams_at_most_its_share_and_pages_go_on(client):
    running = [start(client, A), start(client, A), start(client, B)]
    assert [response.status_code for response in running] == [200, 200, 200]
    busy = start(client, C)
    assert busy.status_code == 503
    assert busy["Retry-After"] == "60"
    assert "busy with other downloads" in busy.content.decode()
    for page in ["/", "/shipments/", "/countries/", "/healthz"]:
        assert client.get(page, REMOTE_ADDR=C).status_code == 200
    # The refused download took no place of its address's either.
    finish(running[2])
    assert start(client, C).status_code == 200


def test_a_download_that_fails_before_streaming_gives_its_place_back(client):
    with (
        mock.patch("shipments.exports.csv.ItemsExport.count", side_effect=RuntimeError),
        pytest.raises(RuntimeError),
    ):
        start(client, A)
    assert slots.process_slots.in_use == 0
    assert [start(client, A).status_code for _ in range(2)] == [200, 200]


def test_the_json_and_head_requests_take_no_place(client):
    _running = [start(client, A), start(client, A)]
    assert client.get("/shipments.json", REMOTE_ADDR=A).status_code == 200
    assert client.head("/items.csv", REMOTE_ADDR=A).status_code == 200


# Transactional: on PostgreSQL the rows stream from a connection of the export's own.
@pytest.mark.django_db(transaction=True)
def test_a_long_download_keeps_its_place(client, demo_data, monkeypatch):
    response = start(client, A)
    chunks = iter(response.streaming_content)
    next(chunks)
    clock = [slots.time.monotonic() + slots.RENEW_EVERY_SECONDS + 1]
    monkeypatch.setattr(slots.time, "monotonic", lambda: clock[0])
    with mock.patch.object(slots.cache, "touch") as touch:
        for _ in chunks:
            pass
    touch.assert_called_once_with(f"downloads:{A}:0", slots.CLIENT_SLOT_SECONDS)


def test_a_slot_that_expired_and_was_taken_is_not_freed_by_its_first_owner(client):
    first = start(client, A)
    key = f"downloads:{A}:0"
    # The key expired while the first download waited, and another download took it.
    slots.cache.delete(key)
    second = start(client, A)
    assert second.status_code == 200
    close_unread(first)
    assert slots.cache.get(key) is not None
    # The second download's place is still held: the address has one more to go.
    assert start(client, A).status_code == 200
    assert start(client, A).status_code == 429
