"""Exports stream in chunks and stop their database work when the client goes away."""

import time

import pytest
from django.db import connection
from django.http import QueryDict

from shipments.exports import CHUNK_BYTES, ItemsExport
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
    with connection.cursor() as cursor:
        cursor.execute(
            # Only this test database: other test runs may share the server.
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY (%%' AND pid <> "
            "pg_backend_pid() AND datname = current_database()"
        )
        return cursor.fetchone()[0]


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
        assert export.copy.connection.closed
        # The server ends a backend shortly after its client disconnects.
        assert eventually(lambda: copy_queries_running() == 0)


def test_a_response_closed_unread_frees_its_connection(client, many_lines):
    response = client.get("/items.csv")
    assert response["X-Row-Count"] == str(LINES)
    response.close()
    if ON_POSTGRESQL:
        # The server ends a backend shortly after its client disconnects.
        assert eventually(lambda: counts_waiting_in_transaction() == 0)


def counts_waiting_in_transaction():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction' "
            "AND query LIKE 'SELECT count(*)%%' AND pid <> pg_backend_pid() "
            "AND datname = current_database()"
        )
        return cursor.fetchone()[0]


def eventually(condition, seconds=5):
    """True as soon as `condition()` is, False if it is still false after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
