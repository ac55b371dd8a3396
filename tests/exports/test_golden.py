"""The demo data's downloads, byte for byte as journalists have them.

The files in tests/exports/golden/ were written from the demo data before the code
was reorganised into audiences; any change to a cell, a column, the order of
rows or the JSON's layout fails here. After a deliberate change to the public
contract, write them again with `AIDTRACKER_WRITE_GOLDEN=1 pytest
tests/exports/test_golden.py` and say why in the commit.
"""

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shipments.demo.loader import load_demo
from shipments.models import Shipment

# On PostgreSQL the CSVs stream through a connection of their own (COPY),
# which sees only committed rows.
pytestmark = pytest.mark.django_db(transaction=True)

GOLDEN = Path(__file__).parent / "golden"
# The demo data's public changes are dated by its loading: the files are compared as
# though it had been loaded at this time.
LOADED_AT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

DOWNLOADS = {
    "shipments.csv": "/shipments.csv",
    "items.csv": "/items.csv",
    "shipments.json": "/shipments.json",
    "shipments_excel.csv": "/shipments.csv?bom=1",
    "items_masks_by_weight.csv": "/items.csv?category=masks&sort=-weight_kg",
    "shipments_to_italy.json": "/shipments.json?recipient_country=IT&status=delivered,dispatched",
    "shipments_by_recipient.csv": "/shipments.csv?sort=recipient",
}


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize("name", DOWNLOADS)
def test_demo_download_is_unchanged(client, name):
    load_demo()
    Shipment.objects.filter(last_changed__isnull=False).update(last_changed=LOADED_AT)
    response = client.get(DOWNLOADS[name])
    assert response.status_code == 200
    content = body(response)
    if name.endswith(".json"):
        # The moment of the latest change is when the demo was loaded: the test's own.
        content, found = re.subn(rb'^\{"as_of": "[0-9T:.-]+Z", ', b"{", content)
        assert found == 1
    golden = GOLDEN / name
    if os.environ.get("AIDTRACKER_WRITE_GOLDEN") == "1":
        golden.write_bytes(content)
    assert content == golden.read_bytes()
