"""A real /items.csv download imports back as a no-op: the two share one column list.

transaction=True: on PostgreSQL the export reads through its own connection.
"""

import pytest

from shipments.models import Shipment, ShipmentItem
from tests.imports.test_import import history_counts, import_file, invalid_rows

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("query", ["", "?bom=1", "?category=masks&recipient_country=IT"])
def test_reimporting_a_downloaded_items_csv_changes_nothing(client, demo_data, query):
    response = client.get(f"/items.csv{query}")
    data = b"".join(response.streaming_content)
    counts = history_counts()
    result = import_file(data)
    assert not result.has_validation_errors(), invalid_rows(result)
    assert (result.totals["new"], result.totals["update"]) == (0, 0)
    assert result.totals["skip"] == int(response["X-Row-Count"])
    assert history_counts() == counts
    assert not Shipment.objects.filter(is_published=False).exists()


def test_a_downloaded_file_rebuilds_the_data_in_an_empty_database(client, demo_data):
    data = b"".join(client.get("/items.csv").streaming_content)
    before = sorted(ShipmentItem.objects.values_list("shipment__reference", "description"))
    Shipment.objects.all().delete()
    result = import_file(data)
    assert not result.has_validation_errors(), invalid_rows(result)
    after = sorted(ShipmentItem.objects.values_list("shipment__reference", "description"))
    assert after == before
    assert not Shipment.objects.filter(is_published=True).exists()  # an editor publishes
