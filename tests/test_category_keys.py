"""Each shipment's category keys (the list's category facet reads them) follow every change to
its supply lines, and the facets counted from them agree with the lines themselves."""

from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from shipments import facets
from shipments.filters import emergencies, supply_categories
from shipments.models import Shipment, ShipmentItem, SupplyCategory, bulk_write
from shipments.signals import refresh_derived_columns
from tests.factories import ShipmentFactory, ShipmentItemFactory, category
from tests.imports.test_import import csv_bytes, import_file, row

pytestmark = pytest.mark.django_db


def keys_of(shipment):
    return Shipment.objects.values_list("category_keys", flat=True).get(pk=shipment.pk)


def written(*slugs):
    """A category column as shipments.search.codes() writes it."""
    keys = sorted({str(category(slug).pk) for slug in slugs})
    return f" {' '.join(keys)} " if keys else ""


@pytest.fixture
def shipment():
    shipment = ShipmentFactory(reference="2020-CN-IT-001")
    ShipmentItemFactory(shipment=shipment, category=category("masks"))
    return shipment


def test_a_new_shipment_holds_its_lines_categories_each_once(shipment):
    ShipmentItemFactory(shipment=shipment, category=category("masks"), description="FFP2")
    ShipmentItemFactory(shipment=shipment, category=category("gloves"))
    assert keys_of(shipment) == written("masks", "gloves")


def test_lines_saved_recategorised_and_deleted_follow(shipment):
    item = ShipmentItemFactory(shipment=shipment, category=category("ventilators"))
    assert keys_of(shipment) == written("masks", "ventilators")
    item.category = category("gloves")
    item.save()
    assert keys_of(shipment) == written("masks", "gloves")
    item.delete()
    assert keys_of(shipment) == written("masks")
    shipment.items.all().delete()
    assert keys_of(shipment) == ""


def test_bulk_changes_to_lines_follow(shipment):
    ShipmentItem.objects.filter(shipment=shipment).update(category=category("gloves"))
    assert keys_of(shipment) == written("gloves")
    ShipmentItem.objects.bulk_create(
        [ShipmentItemFactory.build(shipment=shipment, category=category("ventilators"))]
    )
    assert keys_of(shipment) == written("gloves", "ventilators")


def test_a_line_moved_in_bulk_leaves_its_old_shipment(shipment):
    other = ShipmentFactory(reference="OTHER-1")
    ShipmentItem.objects.filter(shipment=shipment).update(shipment=other)
    assert keys_of(shipment) == ""
    assert keys_of(other) == written("masks")


def test_a_bulk_write_leaves_the_keys_to_its_loader(shipment):
    with bulk_write():
        ShipmentItem.objects.filter(shipment=shipment).update(category=category("gloves"))
    assert keys_of(shipment) == written("masks")


def test_an_imported_line_adds_its_category(shipment):
    line = row(category="gloves", description="Nitrile gloves", quantity="10", unit="pairs")
    assert not import_file(csv_bytes([line])).has_errors()
    assert keys_of(shipment) == written("masks", "gloves")


def test_a_synthetic_set_is_written_with_the_keys_a_refresh_would_write():
    call_command("generate_synthetic", shipments=40, verbosity=0)
    stored = dict(Shipment.objects.values_list("pk", "category_keys"))
    Shipment.objects.update(category_keys="")
    refresh_derived_columns(stored)
    assert dict(Shipment.objects.values_list("pk", "category_keys")) == stored
    assert all(stored.values())


def test_the_migration_fills_in_the_keys_a_refresh_would_write(shipment):
    # Ten or more categories, so that keys of two digits are sorted as text too.
    while SupplyCategory.objects.count() < 12:
        SupplyCategory.objects.create(
            name=f"Category {SupplyCategory.objects.count()}",
            slug=f"category-{SupplyCategory.objects.count()}",
        )
    for one in SupplyCategory.objects.all():
        ShipmentItemFactory(shipment=shipment, category=one, description=one.name)
    ShipmentFactory(reference="BARE-1")
    expected = dict(Shipment.objects.values_list("pk", "category_keys"))
    assert len(expected[shipment.pk].split()) == SupplyCategory.objects.count()
    Shipment.objects.update(category_keys="")
    fill = import_module("shipments.migrations.0020_shipment_category_keys").fill_category_keys
    # All the fill needs of a schema editor; SQLite's own cannot open in a transaction.
    schema_editor = SimpleNamespace(
        connection=connection, execute=lambda sql: connection.cursor().execute(sql)
    )
    fill(apps, schema_editor)
    assert dict(Shipment.objects.values_list("pk", "category_keys")) == expected


def test_the_category_facet_counts_the_shipments_holding_each_category():
    call_command("generate_synthetic", shipments=60, verbosity=0)
    published = Shipment.objects.published()
    categories = supply_categories()
    expected = {
        one.slug: published.filter(items__category=one).distinct().count()
        for one in SupplyCategory.objects.all()
    }
    expected = {slug: count for slug, count in expected.items() if count}
    crises = emergencies()
    assert facets.of_selection(published, categories, crises).counts["category"] == expected
    assert facets.of_sample(published, categories, crises).counts["category"] == expected


def test_the_category_filter_selects_the_shipments_holding_any_of_the_categories():
    call_command("generate_synthetic", shipments=60, verbosity=0)
    masks, gloves = category("masks"), category("gloves")
    holding = Shipment.objects.holding_categories([masks.pk, gloves.pk])
    through_lines = Shipment.objects.filter(items__category__in=[masks, gloves]).distinct()
    assert set(holding.values_list("pk", flat=True)) == set(
        through_lines.values_list("pk", flat=True)
    )
    assert holding.exists()
    assert not Shipment.objects.holding_categories([]).exists()
