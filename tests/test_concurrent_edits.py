"""Two staff editing one shipment never silently overwrite each other; saves are atomic."""

import re

import pytest
from django.test import Client

from shipments.models import Shipment
from tests.admin_forms import change_url, existing_shipment_data
from tests.factories import ShipmentFactory, ShipmentItemFactory, StaffFactory, cited

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    return StaffFactory(username="alice", role="Editor")


@pytest.fixture
def bob():
    return StaffFactory(username="bob", role="Editor")


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def opened_version(client, shipment):
    """The version the change page hands to the browser, as a browser would keep it."""
    html = client.get(change_url(shipment)).content.decode()
    match = re.search(r'name="loaded_version" value="(\d+)"', html)
    assert match, "the change page carries the version it was opened on"
    return match.group(1)


def test_the_second_of_two_saves_is_refused_with_who_changed_it(alice, bob):
    shipment = cited(ShipmentFactory(notes="Original"))
    as_alice, as_bob = signed_in(alice), signed_in(bob)
    alice_version = opened_version(as_alice, shipment)
    bob_version = opened_version(as_bob, shipment)

    first = as_alice.post(
        change_url(shipment),
        existing_shipment_data(shipment, notes="Alice's notes", loaded_version=alice_version),
    )
    assert first.status_code == 302

    second = as_bob.post(
        change_url(shipment),
        existing_shipment_data(shipment, notes="Bob's notes", loaded_version=bob_version),
    )
    assert second.status_code == 200
    message = second.content.decode()
    assert "This shipment was changed by alice" in message
    assert "your changes were not saved" in message
    shipment.refresh_from_db()
    assert shipment.notes == "Alice's notes"
    assert shipment.updated_by == alice


def test_after_reopening_the_second_editor_can_save(alice, bob):
    shipment = cited(ShipmentFactory(notes="Original"))
    as_alice, as_bob = signed_in(alice), signed_in(bob)
    stale = opened_version(as_bob, shipment)
    as_alice.post(
        change_url(shipment),
        existing_shipment_data(
            shipment, notes="Alice", loaded_version=opened_version(as_alice, shipment)
        ),
    )
    assert (
        as_bob.post(
            change_url(shipment),
            existing_shipment_data(shipment, notes="Bob", loaded_version=stale),
        ).status_code
        == 200
    )
    fresh = opened_version(as_bob, shipment)
    assert fresh != stale
    response = as_bob.post(
        change_url(shipment), existing_shipment_data(shipment, notes="Bob", loaded_version=fresh)
    )
    assert response.status_code == 302
    shipment.refresh_from_db()
    assert shipment.notes == "Bob"


def test_a_status_action_in_between_also_counts_as_a_change(alice, bob):
    shipment = cited(ShipmentFactory(status="pledged"))
    as_bob = signed_in(bob)
    stale = opened_version(as_bob, shipment)
    Shipment.objects.filter(pk=shipment.pk).mark("delivered", user=alice)
    response = as_bob.post(
        change_url(shipment),
        existing_shipment_data(shipment, status="cancelled", loaded_version=stale),
    )
    assert response.status_code == 200
    shipment.refresh_from_db()
    assert shipment.status == "delivered"


def test_every_save_raises_the_version():
    shipment = cited(ShipmentFactory())
    shipment.refresh_from_db()
    start = shipment.version
    shipment.notes = "edited"
    shipment.save()
    shipment.refresh_from_db()
    assert shipment.version == start + 1
    Shipment.objects.filter(pk=shipment.pk).set_published(False)
    shipment.refresh_from_db()
    assert shipment.version == start + 2


def test_a_shipment_and_its_items_save_together_or_not_at_all(alice):
    shipment = ShipmentFactory(notes="Original")
    ShipmentItemFactory(shipment=shipment, quantity=10)
    cited(shipment)
    version = Shipment.objects.get(pk=shipment.pk).version
    as_alice = signed_in(alice)
    data = existing_shipment_data(
        shipment,
        notes="Changed with a bad line",
        loaded_version=opened_version(as_alice, shipment),
        items=[{"category": "", "description": "", "quantity": "-5"}],
    )
    response = as_alice.post(change_url(shipment), data)
    assert response.status_code == 200
    shipment.refresh_from_db()
    assert shipment.notes == "Original"
    assert shipment.version == version
    assert list(shipment.items.values_list("quantity", flat=True)) == [10]


def test_an_item_edited_elsewhere_is_a_change_to_the_shipment(alice, bob):
    item = ShipmentItemFactory(quantity=1000)
    shipment = item.shipment
    as_alice = signed_in(alice)
    stale = opened_version(as_alice, shipment)
    item.quantity = 5000
    item.save()  # e.g. Bob, on the supply line's own admin page
    response = as_alice.post(
        change_url(shipment), existing_shipment_data(shipment, notes="Alice", loaded_version=stale)
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.quantity == 5000


@pytest.mark.parametrize(
    "change", ["add_source", "delete_item", "add_donor", "remove_donor", "clear_from_the_donor"]
)
def test_sources_items_and_donors_raise_the_version(change):
    from tests.factories import DonorFactory, SourceFactory

    item = ShipmentItemFactory()
    shipment = item.shipment
    before = Shipment.objects.get(pk=shipment.pk).version
    if change == "add_source":
        SourceFactory(shipment=shipment)
    elif change == "delete_item":
        item.delete()
    elif change == "add_donor":
        shipment.donors.add(DonorFactory())
    else:
        leaving = DonorFactory(slug="leaving")
        leaving.shipments.add(shipment)
        before = Shipment.objects.get(pk=shipment.pk).version
        if change == "remove_donor":
            shipment.donors.remove(leaving)
        else:
            leaving.shipments.clear()
    assert Shipment.objects.get(pk=shipment.pk).version == before + 1
