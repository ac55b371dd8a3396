"""The import's crisis column: an emergency's GLIDE number, optional, as /items.csv
writes it."""

import pytest

from shipments.imports.rows import COLUMN_NAMES, REQUIRED_COLUMNS
from shipments.models import Emergency, Shipment
from tests.factories import ShipmentFactory
from tests.imports.test_import import csv_bytes, import_file, invalid_rows, row

pytestmark = pytest.mark.django_db

EBOLA = "EP-2018-000129-COD"
WITHOUT_CRISIS = [name for name in COLUMN_NAMES if name != "crisis"]


@pytest.fixture
def ebola():
    return Emergency.objects.create(name="Ebola in the DRC", glide=EBOLA)


def test_the_crisis_column_is_read_but_not_required():
    assert "crisis" in COLUMN_NAMES
    assert "crisis" not in REQUIRED_COLUMNS


def test_a_new_shipment_takes_the_emergency_the_file_names(ebola):
    result = import_file(csv_bytes([row(crisis=EBOLA.lower())]))
    assert not result.has_errors(), invalid_rows(result)
    assert Shipment.objects.get().emergency == ebola


def test_a_file_without_the_column_files_new_shipments_under_the_default(ebola):
    ebola.is_default = True
    ebola.save()
    rows = [{k: v for k, v in row().items() if k != "crisis"}]
    result = import_file(csv_bytes(rows, columns=WITHOUT_CRISIS))
    assert not result.has_errors(), invalid_rows(result)
    assert Shipment.objects.get().emergency == ebola


def test_a_blank_crisis_keeps_a_stored_shipments_emergency(ebola):
    ShipmentFactory(reference="2020-CN-IT-001", emergency=ebola, is_published=False)
    result = import_file(csv_bytes([row(crisis="")]))
    assert not result.has_errors(), invalid_rows(result)
    assert Shipment.objects.get().emergency == ebola


def test_the_file_moves_a_stored_shipment_to_another_emergency(ebola):
    ShipmentFactory(reference="2020-CN-IT-001", is_published=False)
    result = import_file(csv_bytes([row(crisis=EBOLA)]))
    assert not result.has_errors(), invalid_rows(result)
    shipment = Shipment.objects.get()
    assert shipment.emergency == ebola
    assert shipment.history.first().emergency_id == ebola.pk


def test_an_unknown_glide_number_is_named_in_its_column():
    result = import_file(csv_bytes([row(crisis="FL-2013-000139-PHL")]))
    [errors] = invalid_rows(result).values()
    assert errors["crisis"] == [
        "'FL-2013-000139-PHL' is not the GLIDE number of a recorded emergency; use one of: "
        "EP-2020-000012-001 (COVID-19)."
    ]
    assert not Shipment.objects.exists()


def test_the_rows_of_a_shipment_agree_on_its_crisis(ebola):
    rows = [row(crisis=EBOLA), row(crisis="EP-2020-000012-001", description="Gloves")]
    result = import_file(csv_bytes(rows))
    [errors] = invalid_rows(result).values()
    assert "differs from row 1" in errors["crisis"][0]
