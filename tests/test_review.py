"""Changes to published shipments by staff who may not publish wait for an editor (issue 13,
point 6): through the change form, the status actions and the pages of supply lines and
sources. Until an editor approves, the public sees the last approved version."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from donors.models import Donor
from shipments.models import PendingChange, Shipment, ShipmentItem
from tests.admin_forms import SHIPMENT_URL, change_url, existing_shipment_data, stored_item_row
from tests.factories import (
    DonorFactory,
    ShipmentFactory,
    ShipmentItemFactory,
    SourceFactory,
    category,
)
from tests.imports.test_import import confirm, csv_bytes, upload
from tests.imports.test_import import row as import_row

pytestmark = pytest.mark.django_db

QUEUE_URL = "/admin/shipments/pendingchange/"
NEW_LINE = {
    "category": "",
    "description": "Ventilator sets",
    "quantity": "",
    "quantity_note": "dozens",
    "unit": "sets",
    "value_usd": "",
    "position": "1",
}


@pytest.fixture
def data_entry_client(data_entry):
    """Signed in as data entry; a client of its own, beside the editor's."""
    client = Client()
    client.force_login(data_entry)
    return client


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def shipment(db):
    shipment = ShipmentFactory(reference="2020-CN-IT-003", status="dispatched", weight_kg=31_000)
    shipment.donors.add(DonorFactory(name="Jack Ma Foundation"))
    ShipmentItemFactory(shipment=shipment, description="N95 respirator masks", quantity=40_000)
    SourceFactory(shipment=shipment)
    return Shipment.objects.get(pk=shipment.pk)


def messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def public_page(client, shipment):
    response = client.get(f"/shipments/{shipment.reference}/")
    assert response.status_code == 200
    return response.content.decode()


def submit_edit(staff_client, shipment, **fields):
    data = existing_shipment_data(shipment, **fields)
    data.update(
        {
            "items-TOTAL_FORMS": "1",
            **{f"items-0-{name}": value for name, value in NEW_LINE.items()},
        }
    )
    data["items-0-category"] = str(category("ventilators").pk)
    return staff_client.post(change_url(shipment), data)


def decide(staff_client, action, changes):
    return staff_client.post(
        QUEUE_URL + "?state__exact=pending",
        {"action": action, "_selected_action": [str(change.pk) for change in changes]},
    )


def test_a_data_entry_edit_of_a_published_shipment_waits(
    client, data_entry_client, data_entry, shipment
):
    version = shipment.version
    response = submit_edit(data_entry_client, shipment, status="delivered", weight_kg="32000")
    assert response.status_code == 302
    assert "waits for an editor's approval" in messages(response)[0]
    # Nothing changed where the public reads.
    shipment.refresh_from_db()
    assert (shipment.status, shipment.weight_kg, shipment.version) == (
        "dispatched",
        31_000,
        version,
    )
    assert not ShipmentItem.objects.filter(description="Ventilator sets").exists()
    page = public_page(client, shipment)
    assert "Ventilator sets" not in page and "32,000" not in page
    [pending] = PendingChange.objects.pending()
    assert (pending.shipment, pending.kind, pending.submitted_by) == (
        shipment,
        "edit",
        data_entry,
    )
    assert pending.based_on_version == version
    assert pending.summary == (
        "Status: Dispatched → Delivered; Weight (kg): 31000 → 32000; shipment items: 1 added"
    )


def test_staff_see_what_waits_and_by_whom(client, data_entry_client, data_entry, shipment):
    submit_edit(data_entry_client, shipment, status="delivered")
    page = data_entry_client.get(change_url(shipment))
    notices = messages(page)
    assert any(str(data_entry) in notice and "waits for an editor" in notice for notice in notices)
    queue = data_entry_client.get(QUEUE_URL, follow=True)
    assert queue.status_code == 200
    assert "2020-CN-IT-003" in queue.content.decode()
    waiting = data_entry_client.get(SHIPMENT_URL + "?review=waiting")
    assert list(waiting.context["cl"].result_list) == [shipment]
    assert client.get(QUEUE_URL).status_code == 302  # not for the public


def test_an_editor_approves_and_the_public_sees_it(
    client, data_entry_client, editor_client, editor, shipment
):
    submit_edit(data_entry_client, shipment, status="delivered", weight_kg="32000")
    [pending] = PendingChange.objects.pending()
    response = decide(editor_client, "approve", [pending])
    assert "Approved and applied: 2020-CN-IT-003." in messages(response)
    shipment.refresh_from_db()
    assert (shipment.status, shipment.weight_kg, shipment.updated_by) == (
        "delivered",
        32_000,
        editor,
    )
    # The author could not change publication, and approving does not either.
    assert shipment.is_published
    assert shipment.items.filter(description="Ventilator sets", quantity_note="dozens").exists()
    assert "Ventilator sets" in public_page(client, shipment)
    pending.refresh_from_db()
    assert (pending.state, pending.decided_by) == ("approved", editor)


def test_a_rejected_change_never_reaches_the_public(
    client, data_entry_client, editor_client, shipment
):
    submit_edit(data_entry_client, shipment, status="cancelled")
    [pending] = PendingChange.objects.pending()
    decide(editor_client, "reject", [pending])
    shipment.refresh_from_db()
    assert shipment.status == "dispatched"
    pending.refresh_from_db()
    assert pending.state == "rejected"
    # Deciding twice changes nothing.
    decide(editor_client, "approve", [pending])
    shipment.refresh_from_db()
    assert shipment.status == "dispatched"


def test_a_change_overtaken_by_another_is_not_applied(data_entry_client, editor_client, shipment):
    submit_edit(data_entry_client, shipment, status="cancelled")
    [pending] = PendingChange.objects.pending()
    # An editor changes the shipment meanwhile.
    editor_client.post(change_url(shipment), existing_shipment_data(shipment, notes="Checked"))
    response = decide(editor_client, "approve", [pending])
    assert any(message.startswith("Outdated") for message in messages(response))
    shipment.refresh_from_db()
    assert (shipment.status, shipment.notes) == ("dispatched", "Checked")
    pending.refresh_from_db()
    assert pending.state == "outdated"
    assert "changed after this was submitted" in pending.outcome


def test_data_entry_cannot_approve(data_entry_client, shipment):
    submit_edit(data_entry_client, shipment, status="cancelled")
    [pending] = PendingChange.objects.pending()
    decide(data_entry_client, "approve", [pending])
    pending.refresh_from_db()
    assert pending.state == "pending"
    shipment.refresh_from_db()
    assert shipment.status == "dispatched"


def test_an_editors_own_edit_goes_live_at_once(editor_client, shipment):
    submit_edit(editor_client, shipment, status="delivered")
    shipment.refresh_from_db()
    assert shipment.status == "delivered"
    assert not PendingChange.objects.exists()


def test_an_unpublished_shipment_is_edited_at_once(data_entry_client):
    draft = ShipmentFactory(is_published=False, status="pledged")
    submit_edit(data_entry_client, draft, status="dispatched")
    draft.refresh_from_db()
    assert draft.status == "dispatched"
    assert not PendingChange.objects.exists()


def test_status_actions_on_published_shipments_wait(
    client, data_entry_client, editor_client, shipment
):
    draft = ShipmentFactory(is_published=False, status="dispatched", reference="DRAFT-1")
    response = data_entry_client.post(
        SHIPMENT_URL,
        {"action": "mark_cancelled", "_selected_action": [str(shipment.pk), str(draft.pk)]},
    )
    assert messages(response) == [
        "1 shipment marked cancelled.",
        "1 published shipment waits for an editor's approval: 2020-CN-IT-003.",
    ]
    draft.refresh_from_db()
    shipment.refresh_from_db()
    assert (draft.status, shipment.status) == ("cancelled", "dispatched")
    assert "Dispatched" in public_page(client, shipment)
    [pending] = PendingChange.objects.pending()
    assert (pending.kind, pending.summary) == ("status", "Status: Dispatched → Cancelled")
    decide(editor_client, "approve", [pending])
    shipment.refresh_from_db()
    assert shipment.status == "cancelled"


def test_supply_lines_of_a_published_shipment_change_only_on_its_page(
    data_entry_client, editor_client, shipment
):
    item = shipment.items.get()
    url = f"/admin/shipments/shipmentitem/{item.pk}/change/"
    fields = {
        "shipment": str(shipment.pk),
        "category": str(category("masks").pk),
        "description": "N95 respirator masks",
        "quantity": "45000",
        "quantity_note": "",
        "unit": "pieces",
        "value_usd": "",
        "position": "0",
    }
    data_entry_client.post(url, fields)
    item.refresh_from_db()
    assert item.quantity == 40_000
    added = data_entry_client.post("/admin/shipments/shipmentitem/add/", fields)
    assert added.status_code == 200
    assert "where it waits for an editor" in added.content.decode()
    assert shipment.items.count() == 1
    # An editor may.
    editor_client.post(url, fields)
    item.refresh_from_db()
    assert item.quantity == 45_000


# The import -------------------------------------------------------------------


def import_rows(staff_client, rows):
    preview = upload(staff_client, csv_bytes(rows))
    assert preview.status_code == 200
    return preview, confirm(staff_client, preview)


def test_a_data_entry_import_holds_what_it_changes_in_published_shipments(
    client, data_entry_client, data_entry, editor_client, editor
):
    import_rows(editor_client, [import_row(status="dispatched")])
    published = Shipment.objects.get()
    Shipment.objects.update(is_published=True)
    draft = ShipmentFactory(reference="DRAFT-1", status="pledged", is_published=False)
    draft.donors.set([Donor.objects.get(slug="jack-ma-foundation")])
    gloves = {"category": "gloves", "description": "Gloves", "unit": "pairs"}
    rows = [
        import_row(status="delivered"),
        import_row(status="delivered", quantity="250000", **gloves),
        import_row(
            shipment_reference="DRAFT-1", status="dispatched", recipient=draft.recipient.name
        ),
        import_row(shipment_reference="NEW-1", status="pledged"),
    ]
    preview, response = import_rows(data_entry_client, rows)
    shown = " ".join(preview.content.decode().split())
    assert "This file changes published shipment 2020-CN-IT-001. That change waits" in shown
    assert any("wait for an editor's approval" in note for note in messages(response))
    # The draft changed and the new shipment exists; the published one did not change.
    assert Shipment.objects.get(reference="DRAFT-1").status == "dispatched"
    assert Shipment.objects.filter(reference="NEW-1").exists()
    published.refresh_from_db()
    assert published.status == "dispatched"
    assert published.items.count() == 1
    assert "Gloves" not in public_page(client, published)
    [pending] = PendingChange.objects.pending()
    assert (pending.shipment, pending.kind, pending.submitted_by) == (
        published,
        "import",
        data_entry,
    )
    assert pending.summary == "Status: Dispatched → Delivered; shipment items: 1 added"
    # An editor approves: the rows are imported again, as the editor.
    decide(editor_client, "approve", [pending])
    published.refresh_from_db()
    assert (published.status, published.updated_by) == ("delivered", editor)
    assert published.items.get(description="Gloves").quantity == 250_000
    assert "Gloves" in public_page(client, published)
    pending.refresh_from_db()
    assert pending.state == "approved"


def test_an_editors_import_changes_published_shipments_at_once(editor_client):
    published = ShipmentFactory(reference="2020-CN-IT-001", status="dispatched")
    published.donors.add(DonorFactory(name="Jack Ma Foundation", slug="jack-ma-foundation"))
    preview, _ = import_rows(editor_client, [import_row(status="delivered")])
    assert "This file changes published" not in preview.content.decode()
    published.refresh_from_db()
    assert published.status == "delivered"
    assert not PendingChange.objects.exists()


def test_an_unchanged_published_shipment_is_not_held(data_entry_client, editor_client):
    import_rows(editor_client, [import_row()])
    Shipment.objects.update(is_published=True)
    _, response = import_rows(data_entry_client, [import_row()])
    assert response.status_code == 302
    assert not PendingChange.objects.exists()


def test_approval_applies_only_what_the_author_could_submit(
    data_entry_client, editor_client, shipment
):
    """Data entry may not delete: a DELETE added by hand to the form is not applied when an
    editor approves the change, nor may the change unpublish."""
    item = shipment.items.get()
    data = existing_shipment_data(shipment, notes="Typo fixed")
    del data["is_published"]
    data.update(stored_item_row(item, DELETE="on"))
    assert data_entry_client.post(change_url(shipment), data).status_code == 302
    [pending] = PendingChange.objects.pending()
    decide(editor_client, "approve", [pending])
    shipment.refresh_from_db()
    assert shipment.notes == "Typo fixed"
    assert shipment.items.filter(pk=item.pk).exists()
    assert shipment.is_published


def test_the_summary_shows_each_change_to_a_supply_line(data_entry_client, shipment):
    item = shipment.items.get()
    data = existing_shipment_data(shipment, weight_kg="31000")
    data.update(stored_item_row(item, quantity="4000000", quantity_kind="exact"))
    data_entry_client.post(change_url(shipment), data)
    [pending] = PendingChange.objects.pending()
    assert pending.summary == "N95 respirator masks: Quantity: 40000 → 4000000"
