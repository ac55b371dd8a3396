"""QuerySet behaviour: what the public may see and how totals are counted."""

from datetime import date

import pytest
from django.db.models import Count

from shipments.models import Shipment, ShipmentItem, SupplyCategory
from tests.factories import (
    DonorFactory,
    RecipientFactory,
    ShipmentFactory,
    ShipmentItemFactory,
    StaffFactory,
    category,
    cited,
)

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
    """The category totals of the published shipments, for one category."""
    rows = Shipment.objects.published().totals_by_category()
    return [row for row in rows if row["category__slug"] == slug]


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
    shipment = cited(ShipmentFactory(is_published=False))
    before = shipment.history.count()
    assert Shipment.objects.all().set_published(True, user=editor) == 1
    assert shipment.history.count() == before + 1
    assert shipment.history.latest().is_published


def test_mark_on_an_annotated_queryset():
    ShipmentFactory(status="pledged")
    annotated = Shipment.objects.annotate(item_count=Count("items"))
    assert annotated.mark(Shipment.Status.CANCELLED) == 1


def test_totals_by_status_count_shipments_lacking_a_weight_or_value():
    ShipmentFactory(status="delivered", weight_kg=1000, value_usd=50)
    ShipmentFactory(status="delivered", weight_kg=500, value_usd=None)
    ShipmentFactory(status="delivered", weight_kg=None, value_usd=None)
    ShipmentFactory(status="pledged", weight_kg=31000)
    rows = {row["status"]: row for row in Shipment.objects.published().totals_by_status()}
    delivered = rows["delivered"]
    assert (delivered["shipments"], delivered["total_weight_kg"], delivered["weighed"]) == (
        3,
        1500,
        2,
    )
    assert (delivered["total_value_usd"], delivered["valued"]) == (50, 1)
    assert rows["pledged"]["total_weight_kg"] == 31000


def test_totals_by_status_of_drafts_are_not_counted():
    ShipmentFactory(is_published=False, weight_kg=9)
    assert list(Shipment.objects.published().totals_by_status()) == []


def test_count_by_donor_country_counts_a_joint_donation_once_per_country():
    chinese = [DonorFactory(country="CN"), DonorFactory(country="CN")]
    european = DonorFactory(country="EU")
    ShipmentFactory(donors=[*chinese, european], recipient=RecipientFactory(country="IT"))
    ShipmentFactory(donors=[chinese[0]], is_published=False)
    rows = {
        row["country"]: row["shipments"]
        for row in Shipment.objects.published().count_by_donor_country()
    }
    assert rows == {"CN": 1, "EU": 1}


def test_count_by_recipient_country():
    ShipmentFactory.create_batch(2, recipient=RecipientFactory(country="IT"))
    ShipmentFactory(recipient=RecipientFactory(country="BE"))
    rows = Shipment.objects.published().count_by_recipient_country()
    assert [(row["country"], row["shipments"]) for row in rows] == [("BE", 1), ("IT", 2)]


def test_count_by_best_date_counts_by_arrival_else_shipping_else_announcement():
    ShipmentFactory(shipped_on=date(2020, 3, 16))  # a Monday
    ShipmentFactory(shipped_on=date(2020, 3, 1), arrived_on=date(2020, 3, 22))  # its Sunday
    ShipmentFactory(shipped_on=None, announced_on=date(2020, 3, 23))
    ShipmentFactory(shipped_on=None)
    ShipmentFactory(shipped_on=date(2020, 3, 16), is_published=False)
    shipments = Shipment.objects.published()
    rows = shipments.count_by_best_date("week")
    assert [(row["start"], row["shipments"]) for row in rows] == [
        (date(2020, 3, 16), 2),
        (date(2020, 3, 23), 1),
    ]
    months = shipments.count_by_best_date("month")
    assert [(row["start"], row["shipments"]) for row in months] == [(date(2020, 3, 1), 3)]
    assert shipments.best_date_span() == {
        "first": date(2020, 3, 16),
        "last": date(2020, 3, 23),
        "undated": 1,
    }


def test_latest_first_orders_by_best_known_date_undated_last():
    ShipmentFactory(reference="SHIPPED", shipped_on=date(2020, 3, 14))
    ShipmentFactory(reference="ARRIVED", shipped_on=None, arrived_on=date(2020, 3, 12))
    ShipmentFactory(reference="LATE", shipped_on=date(2020, 3, 1), arrived_on=date(2020, 3, 20))
    ShipmentFactory(reference="ANNOUNCED", shipped_on=None, announced_on=date(2020, 3, 13))
    ShipmentFactory(reference="UNDATED", shipped_on=None)
    references = [s.reference for s in Shipment.objects.published().latest_first()]
    assert references == ["LATE", "SHIPPED", "ANNOUNCED", "ARRIVED", "UNDATED"]


def test_count_by_donor_and_by_recipient_most_first():
    china, italy = DonorFactory(slug="china", country="CN"), DonorFactory(slug="italy")
    rome = RecipientFactory(slug="rome")
    ShipmentFactory.create_batch(2, donors=[china], recipient=rome)
    ShipmentFactory(donors=[china, italy])
    shipments = Shipment.objects.published()
    assert [(r["slug"], r["shipments"]) for r in shipments.count_by_donor()] == [
        ("china", 3),
        ("italy", 1),
    ]
    recipients = [(r["slug"], r["shipments"]) for r in shipments.count_by_recipient()]
    assert recipients[0] == ("rome", 2)
    assert sum(count for _, count in recipients) == 3


def test_count_shipments_by_category_counts_each_shipment_once():
    shipment = ShipmentFactory()
    ShipmentItemFactory.create_batch(2, shipment=shipment, category=category("masks"))
    ShipmentItemFactory(category=category("masks"))
    ShipmentItemFactory(category=category("gloves"), unit="pairs")
    rows = ShipmentItem.objects.published().count_shipments_by_category()
    assert [(row["category__slug"], row["shipments"]) for row in rows] == [
        ("masks", 2),
        ("gloves", 1),
    ]


def test_count_shipments_by_country_and_category_in_both_directions():
    shipment = ShipmentFactory(
        donors=[DonorFactory(country="CN"), DonorFactory(country="CN")],
        recipient=RecipientFactory(country="IT"),
    )
    ShipmentItemFactory(shipment=shipment, category=category("masks"))
    items = ShipmentItem.objects.published()
    given = items.count_shipments_by_country_and_category("shipment__donors__country")
    received = items.count_shipments_by_country_and_category("shipment__recipient__country")
    assert [(row["country"], row["category__slug"], row["shipments"]) for row in given] == [
        ("CN", "masks", 1)
    ]
    assert [(row["country"], row["shipments"]) for row in received] == [("IT", 1)]


def test_of_shipments_keeps_the_items_of_a_selection():
    kept = ShipmentItemFactory(shipment=ShipmentFactory(status="pledged"))
    ShipmentItemFactory(shipment=ShipmentFactory(status="delivered"))
    selection = Shipment.objects.published().filter(status="pledged").order_by("-reference")
    assert list(ShipmentItem.objects.published().of_shipments(selection)) == [kept]


def test_shipment_totals_can_keep_only_some_categories():
    shipment = ShipmentFactory()
    ShipmentItemFactory(shipment=shipment, quantity=5)
    ShipmentItemFactory(shipment=shipment, category=category("gloves"), quantity=7)
    ShipmentFactory()  # no items at all
    rows = Shipment.objects.published().totals_by_category(["gloves"])
    assert [(row["category__slug"], row["total_quantity"]) for row in rows] == [("gloves", 7)]


def test_of_shipments_can_keep_only_some_categories():
    shipment = ShipmentFactory()
    ShipmentItemFactory(shipment=shipment)
    gloves = ShipmentItemFactory(shipment=shipment, category=category("gloves"))
    selection = Shipment.objects.published()
    items = ShipmentItem.objects.published().of_shipments(selection, categories=["gloves"])
    assert list(items) == [gloves]


def test_with_donor_country_lists_a_joint_donation_once():
    joint = ShipmentFactory(donors=[DonorFactory(country="CN"), DonorFactory(country="CN")])
    american = ShipmentFactory(donors=[DonorFactory(country="US")])
    ShipmentFactory(donors=[DonorFactory(country="JP")])
    assert list(Shipment.objects.with_donor_country(["CN"])) == [joint]
    assert set(Shipment.objects.with_donor_country(["CN", "US"])) == {joint, american}


def test_with_donor_kind_and_with_donor_list_a_joint_donation_once():
    foundation = DonorFactory(slug="fund", kind="foundation")
    joint = ShipmentFactory(donors=[foundation, DonorFactory(slug="fund-2", kind="foundation")])
    ShipmentFactory(donors=[DonorFactory(slug="maker", kind="company")])
    assert list(Shipment.objects.with_donor_kind(["foundation"])) == [joint]
    assert list(Shipment.objects.with_donor(["fund", "fund-2"])) == [joint]


def test_holding_categories_takes_keys_or_a_queryset_and_lists_a_shipment_once():
    gloves = category("gloves")
    shipment = ShipmentFactory()
    ShipmentItemFactory.create_batch(2, shipment=shipment, category=gloves)
    ShipmentItemFactory(shipment=ShipmentFactory())  # masks only
    assert list(Shipment.objects.holding_categories([gloves.pk])) == [shipment]
    by_slug = SupplyCategory.objects.filter(slug="gloves")
    assert list(Shipment.objects.holding_categories(by_slug)) == [shipment]
