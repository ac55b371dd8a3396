"""QuerySet behaviour: what the public may see and how totals are counted."""

import pytest
from django.db.models import Count

from shipments.models import Shipment, ShipmentItem
from tests.factories import ShipmentFactory, ShipmentItemFactory, StaffFactory, category

pytestmark = pytest.mark.django_db


def test_published_hides_drafts():
    public = ShipmentFactory(is_published=True)
    ShipmentFactory(is_published=False)
    assert list(Shipment.objects.published()) == [public]


def test_published_items_belong_to_published_shipments():
    visible = ShipmentItemFactory(shipment=ShipmentFactory(is_published=True))
    ShipmentItemFactory(shipment=ShipmentFactory(is_published=False))
    assert list(ShipmentItem.objects.published()) == [visible]


def totals_for(slug):
    return [
        row
        for row in ShipmentItem.objects.published().totals_by_category()
        if row["category__slug"] == slug
    ]


def test_totals_count_unknown_quantities_apart():
    shipment = ShipmentFactory()
    ShipmentItemFactory(shipment=shipment, quantity=100)
    ShipmentItemFactory(shipment=shipment, quantity=None, quantity_note="dozens")
    [row] = totals_for("masks")
    assert (row["total_quantity"], row["lines"], row["unknown_lines"]) == (100, 2, 1)


def test_totals_keep_units_apart():
    gloves = category("gloves")
    ShipmentItemFactory(category=gloves, quantity=10, unit="pairs")
    ShipmentItemFactory(category=gloves, quantity=3, unit="boxes")
    rows = {row["unit"]: row["total_quantity"] for row in totals_for("gloves")}
    assert rows == {"pairs": 10, "boxes": 3}


def test_totals_never_add_pledged_to_delivered():
    ShipmentItemFactory(shipment=ShipmentFactory(status="pledged"), quantity=2_000_000)
    ShipmentItemFactory(shipment=ShipmentFactory(status="delivered"), quantity=300_000)
    rows = {row["shipment__status"]: row["total_quantity"] for row in totals_for("masks")}
    assert rows == {"pledged": 2_000_000, "delivered": 300_000}


def test_totals_leave_out_cancelled_and_unpublished():
    ShipmentItemFactory(shipment=ShipmentFactory(status="cancelled"), quantity=7)
    ShipmentItemFactory(shipment=ShipmentFactory(is_published=False), quantity=9)
    assert totals_for("masks") == []


def test_totals_count_shipments_once():
    shipment = ShipmentFactory()
    ShipmentItemFactory.create_batch(3, shipment=shipment, quantity=1)
    [row] = totals_for("masks")
    assert (row["shipments"], row["lines"], row["total_quantity"]) == (1, 3, 3)


def test_mark_changes_only_shipments_in_another_status():
    editor = StaffFactory()
    pledged = ShipmentFactory(status="pledged")
    delivered = ShipmentFactory(status="delivered", updated_by=None)
    changed = Shipment.objects.all().mark(Shipment.Status.DELIVERED, user=editor)
    assert changed == 1
    pledged.refresh_from_db()
    delivered.refresh_from_db()
    assert (pledged.status, pledged.updated_by) == ("delivered", editor)
    assert delivered.updated_by is None


def test_set_published_records_one_history_row_per_change():
    editor = StaffFactory()
    shipment = ShipmentFactory(is_published=False)
    before = shipment.history.count()
    assert Shipment.objects.all().set_published(True, user=editor) == 1
    assert shipment.history.count() == before + 1
    assert shipment.history.latest().is_published


def test_mark_on_an_annotated_queryset():
    ShipmentFactory(status="pledged")
    annotated = Shipment.objects.annotate(item_count=Count("items"))
    assert annotated.mark(Shipment.Status.CANCELLED) == 1
