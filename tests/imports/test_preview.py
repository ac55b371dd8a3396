"""The preview (a dry run) writes nothing, so it holds no lock a staff save needs.

A confirmed import reads every row first and writes at the end, in one
transaction; a shipment changed by someone else in between saves nothing.
"""

import re
import threading
import time
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from import_export.formats.base_formats import CSV

from donors.models import Donor
from shipments.imports.run import ImportRun
from shipments.models import DataVersion, Shipment, ShipmentItem
from tests.admin_forms import change_url, existing_shipment_data
from tests.factories import (
    DonorFactory,
    RecipientFactory,
    ShipmentFactory,
    ShipmentItemFactory,
    SourceFactory,
    category,
)
from tests.imports.test_import import csv_bytes, import_file, row

ON_POSTGRESQL = connection.vendor == "postgresql"
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


@pytest.fixture
def stored():
    """A shipment the file changes, and parties it names, already stored."""
    donor = DonorFactory(name="Jack Ma Foundation", slug="jack-ma-foundation", country="CN")
    shipment = ShipmentFactory(
        reference="2020-CN-IT-001",
        donors=[donor],
        recipient=RecipientFactory(name="Italian Red Cross", country="IT"),
        status="delivered",
    )
    ShipmentItemFactory(
        shipment=shipment, category=category("gloves"), description="Gloves", unit="pairs"
    )
    # Published, it cites a source (or the staff save below would be refused for it).
    SourceFactory(shipment=shipment)
    return shipment


def changing_file():
    """Every kind of write: a changed shipment, its donors and lines, new parties and shipment."""
    changed = {
        "arrival_point": "Milan Malpensa",
        "donors": "Jack Ma Foundation; Alibaba",
        "donor_countries": "CN; CN",
        "donor_kinds": "foundation; company",
    }
    return csv_bytes(
        [
            row(**changed),
            row(**changed, category="gloves", description="Gloves", unit="pairs", quantity="9"),
            row(
                shipment_reference="2020-CN-IT-002",
                donors="Fosun Foundation",
                recipient="Lombardy",
                description="Ventilators",
            ),
        ]
    )


@pytest.mark.django_db
def test_a_preview_writes_nothing(stored):
    version = DataVersion.current()
    with CaptureQueriesContext(connection) as queries:
        result = import_file(changing_file(), dry_run=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert (result.totals["new"], result.totals["update"]) == (2, 1)
    assert result.created == {"shipments": 1, "donors": 2, "recipients": 1}
    assert [query["sql"] for query in queries if WRITE.match(query["sql"])] == []
    assert DataVersion.current() == version


@pytest.mark.django_db
def test_the_confirmed_import_writes_what_the_preview_showed(stored):
    preview = import_file(changing_file(), dry_run=True)
    result = import_file(changing_file())
    assert (result.totals, result.created) == (preview.totals, preview.created)
    changed = Shipment.objects.get(reference="2020-CN-IT-001")
    assert changed.arrival_point == "Milan Malpensa"
    assert sorted(changed.donors.values_list("name", flat=True)) == [
        "Alibaba",
        "Jack Ma Foundation",
    ]
    new = Shipment.objects.get(reference="2020-CN-IT-002")
    assert (new.recipient.name, new.donors.get().name) == ("Lombardy", "Fosun Foundation")
    assert new.items.get().description == "Ventilators"
    assert changed.items.get(description="Gloves").quantity == 9
    assert Donor.objects.get(name="Alibaba").history.count() == 1


@pytest.mark.django_db
def test_a_shipment_changed_while_the_file_was_read_saves_nothing(stored):
    run = ImportRun()
    dataset = CSV(encoding="utf-8-sig").create_dataset(changing_file().decode("utf-8-sig"))
    run.open(dataset)
    for number, cells in enumerate(dataset.dict, 1):
        run.read(number, cells)
    # Meanwhile, on the shipment's admin page:
    Shipment.objects.get(pk=stored.pk).save()
    with (
        pytest.raises(ValidationError, match="2020-CN-IT-001 was changed") as error,
        transaction.atomic(),
    ):
        run.save()
    assert "import the file again" in error.value.messages[0]
    assert not Shipment.objects.filter(reference="2020-CN-IT-002").exists()
    assert Shipment.objects.get(pk=stored.pk).arrival_point == ""
    assert list(ShipmentItem.objects.values_list("quantity", flat=True)) == [1000]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not ON_POSTGRESQL, reason="row locks between two connections")
def test_a_staff_save_does_not_wait_for_a_preview(stored, editor):
    """The probe's staff save waited 39 s behind a preview; now it waits for nothing."""
    reached, release = threading.Event(), threading.Event()
    read = ImportRun.read

    def read_and_pause(run, number, cells):
        line = read(run, number, cells)
        if number == 3:  # every row read, and what it means done, were it written
            reached.set()
            release.wait(timeout=30)
        return line

    results = []

    def preview():
        try:
            results.append(import_file(changing_file(), dry_run=True))
        finally:
            connection.close()

    staff = Client()
    staff.force_login(editor)
    data = existing_shipment_data(stored, notes="Edited during the preview")
    with mock.patch.object(ImportRun, "read", read_and_pause):
        previewing = threading.Thread(target=preview)
        previewing.start()
        try:
            assert reached.wait(timeout=30), "the preview reads its rows"
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '3s'")
            started = time.monotonic()
            # The shipment the file changes, and with it the data version every change bumps.
            response = staff.post(change_url(stored), data)
            waited = time.monotonic() - started
        finally:
            release.set()
            previewing.join(timeout=30)
    assert response.status_code == 302
    assert waited < 2
    assert Shipment.objects.get(pk=stored.pk).notes == "Edited during the preview"
    [result] = results
    assert not result.has_errors() and not result.has_validation_errors()
