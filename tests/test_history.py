"""The change history: who changed what, when, from which value to which."""

import pytest
from django.core.management import call_command

from donors.models import Donor
from shipments.models import Shipment, ShipmentItem, Source
from tests.admin_forms import SHIPMENT_URL, change_url, existing_shipment_data
from tests.factories import DonorFactory, ShipmentFactory, ShipmentItemFactory

pytestmark = pytest.mark.django_db


def test_an_admin_edit_is_recorded_with_user_and_old_and_new_values(data_entry_client, data_entry):
    # Unpublished, so the edit is saved at once (a published one waits for review).
    shipment = ShipmentFactory(status="pledged", notes="", is_published=False)
    response = data_entry_client.post(
        change_url(shipment),
        existing_shipment_data(shipment, status="delivered", notes="Arrived in Milan"),
    )
    assert response.status_code == 302
    latest = shipment.history.latest()
    assert latest.history_user == data_entry
    delta = latest.diff_against(latest.prev_record)
    changes = {change.field: (change.old, change.new) for change in delta.changes}
    assert changes["status"] == ("pledged", "delivered")
    assert changes["notes"] == ("", "Arrived in Milan")


def test_history_page_lists_the_changed_fields(data_entry_client, data_entry):
    shipment = ShipmentFactory(notes="", is_published=False)
    data_entry_client.post(change_url(shipment), existing_shipment_data(shipment, notes="Seen"))
    response = data_entry_client.get(f"{SHIPMENT_URL}{shipment.pk}/history/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Seen" in page
    assert data_entry.username in page
    latest = response.context["page_obj"].object_list[0]
    assert latest.history_delta_changes == [{"field": "Notes", "old": "", "new": "Seen"}]


def test_donor_changes_are_recorded():
    shipment = ShipmentFactory(donors=[DonorFactory(slug="first")])
    shipment.donors.add(DonorFactory(slug="second"))
    latest = shipment.history.latest()
    assert sorted(d.donor.slug for d in latest.donors.all()) == ["first", "second"]


def test_items_sources_and_parties_have_histories():
    item = ShipmentItemFactory(quantity=10)
    item.quantity = 20
    item.save()
    assert list(item.history.values_list("quantity", flat=True)) == [20, 10]
    for model in (Source, Donor, ShipmentItem, Shipment):
        assert model.history.model._meta.db_table.startswith(model._meta.app_label)


def test_status_action_is_recorded(editor_client, editor):
    shipment = ShipmentFactory(status="pledged")
    editor_client.post(
        SHIPMENT_URL, {"action": "mark_dispatched", "_selected_action": [str(shipment.pk)]}
    )
    latest = shipment.history.latest()
    assert (latest.status, latest.history_user) == ("dispatched", editor)


def test_reverting_from_history_is_disabled(editor_client):
    shipment = ShipmentFactory(is_published=False)
    shipment.is_published = True
    shipment.save()
    shipment.is_published = False
    shipment.save()
    published_version = shipment.history.filter(is_published=True).get()
    url = f"{SHIPMENT_URL}{shipment.pk}/history/{published_version.history_id}/"
    response = editor_client.post(url, existing_shipment_data(shipment, is_published="on"))
    assert response.status_code == 403
    shipment.refresh_from_db()
    assert not shipment.is_published


def test_loading_the_demo_twice_adds_no_history():
    call_command("load_demo")
    counts = [model.history.count() for model in (Shipment, ShipmentItem, Source, Donor)]
    call_command("load_demo")
    assert [model.history.count() for model in (Shipment, ShipmentItem, Source, Donor)] == counts
