"""Exports stream in chunks and stop their database work when the client goes away."""

import time

import pytest
from django.db import connection
from django.http import QueryDict

from shipments.exports.csv import CHUNK_BYTES, ItemsExport
from shipments.filters import ShipmentFilter
from shipments.models import ShipmentItem
from tests.factories import ShipmentFactory, category

pytestmark = pytest.mark.django_db(transaction=True)

ON_POSTGRESQL = connection.vendor == "postgresql"
LINES = 12_000  # several megabytes of CSV: far more than the stream buffers


@pytest.fixture
def many_lines():
    masks = category("masks")
    shipments = [ShipmentFactory(reference=f"BULK-{n}") for n in range(40)]
    ShipmentItem.objects.bulk_create(
        ShipmentItem(
            shipment=shipments[n % 40],
            category=masks,
            description=f"Surgical masks, batch {n}",
            quantity=n,
            position=n,
        )
        for n in range(LINES)
    )


def copy_queries_running():
    """COPY queries still running in this test database, after a moment to wind down."""
    for _ in range(20):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND query LIKE 'COPY (%%' AND state = 'active' AND pid <> pg_backend_pid()"
            )
            running = cursor.fetchone()[0]
        if not running:
            return 0
        time.sleep(0.1)
    return running


def new_export():
    filterset = ShipmentFilter(QueryDict(""))
    assert filterset.is_valid()
    return ItemsExport(filterset, base_url="http://testserver/shipments/")


def test_rows_arrive_in_bounded_chunks(many_lines):
    export = new_export()
    assert export.count() == LINES
    chunks = list(export.lines())
    assert sum(chunk.count(b"\n") for chunk in chunks) == LINES
    assert max(len(chunk) for chunk in chunks) <= 2 * CHUNK_BYTES
    assert len(chunks) > 10


def test_a_client_that_stops_reading_stops_the_query(many_lines):
    export = new_export()
    export.count()
    lines = export.lines()
    assert next(lines)
    lines.close()
    with pytest.raises(StopIteration):
        next(lines)
    if ON_POSTGRESQL:
        assert export.copy_stream.connection.closed
        assert copy_queries_running() == 0


def test_a_response_closed_unread_frees_its_connection(client, many_lines):
    response = client.get("/items.csv")
    assert response["X-Row-Count"] == str(LINES)
    response.close()
    if ON_POSTGRESQL:
        assert idle_exports_waiting() == 0


def idle_exports_waiting():
    """Export connections of this test database left idle after their count."""
    for _ in range(20):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state = 'idle in transaction' AND query LIKE 'SELECT count(*)%%' "
                "AND pid <> pg_backend_pid()"
            )
            waiting = cursor.fetchone()[0]
        if not waiting:
            return 0
        time.sleep(0.1)
    return waiting


def test_a_download_cut_off_mid_file_stops_its_worker_and_connection(client, many_lines):
    import threading

    response = client.get("/items.csv")
    chunks = iter(response.streaming_content)
    assert next(chunks).startswith(b"shipment_reference,")
    assert next(chunks)  # rows are flowing
    response.close()  # what the WSGI server does when the client disconnects
    assert not [t for t in threading.enumerate() if t.name == "csv-copy" and t.is_alive()]
    if ON_POSTGRESQL:
        assert copy_queries_running() == 0
