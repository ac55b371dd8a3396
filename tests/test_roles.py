"""Each role may do exactly what it should in the admin, and nothing more.

Roles: anonymous (not signed in), Data entry, Editor, superuser.
"""

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages

from donors.models import Donor
from shipments.models import Shipment, ShipmentItem
from tests.admin_forms import (
    SHIPMENT_URL,
    change_url,
    existing_shipment_data,
    shipment_data,
    stored_item_row,
)
from tests.factories import (
    DonorFactory,
    RecipientFactory,
    ShipmentFactory,
    ShipmentItemFactory,
    category,
    cited,
)

pytestmark = pytest.mark.django_db

STAFF = {"data_entry", "editor", "superuser"}
PUBLISHERS = {"editor", "superuser"}


def allowed(client, roles):
    return client.role in roles


def messages(response):
    return [message.message for message in get_messages(response.wsgi_request)]


def assert_login_required(response):
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def action(client, name, shipments):
    return client.post(
        SHIPMENT_URL,
        {"action": name, "_selected_action": [str(shipment.pk) for shipment in shipments]},
    )


def test_roles_hold_exactly_their_permissions():
    def codenames(role):
        return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))

    entry, editor = codenames("Data entry"), codenames("Editor")
    models = ["donor", "recipient", "shipment", "shipmentitem", "source", "rejection"]
    assert entry == {
        f"{action}_{model}" for model in models for action in ("view", "add", "change")
    } | {"view_supplycategory", "view_pendingchange", "view_emergency"}
    assert editor == entry | {f"delete_{model}" for model in models} | {
        "publish_shipment",
        "add_emergency",
        "change_emergency",
    }


@pytest.mark.parametrize("url", [SHIPMENT_URL, "/admin/donors/donor/", "/admin/"])
def test_admin_pages(role_client, url):
    response = role_client.get(url)
    if allowed(role_client, STAFF):
        assert response.status_code == 200
    else:
        assert_login_required(response)


def test_add_shipment(role_client):
    data = shipment_data([DonorFactory(country="CN")], RecipientFactory(country="IT"))
    response = role_client.post(f"{SHIPMENT_URL}add/", data)
    created = Shipment.objects.filter(reference="2020-CN-IT-100").exists()
    if allowed(role_client, STAFF):
        assert response.status_code == 302
        assert created
    else:
        assert_login_required(response)
        assert not created


def test_add_shipment_published_from_the_start(role_client):
    data = shipment_data(
        [DonorFactory()],
        RecipientFactory(),
        items=[{"category": str(category("masks").pk), "description": "Masks", "quantity": "10"}],
        sources=[{"title": "A report"}],
        is_published="on",
    )
    role_client.post(f"{SHIPMENT_URL}add/", data)
    published = Shipment.objects.filter(is_published=True).exists()
    assert published == allowed(role_client, PUBLISHERS)


def test_change_shipment(role_client):
    shipment = ShipmentFactory(is_published=False)
    response = role_client.post(
        change_url(shipment), existing_shipment_data(shipment, notes="Seen")
    )
    shipment.refresh_from_db()
    if allowed(role_client, STAFF):
        assert response.status_code == 302
        assert shipment.notes == "Seen"
    else:
        assert_login_required(response)
        assert shipment.notes == ""


def test_publish_through_the_form(role_client):
    shipment = cited(ShipmentFactory(is_published=False))
    role_client.post(change_url(shipment), existing_shipment_data(shipment, is_published="on"))
    shipment.refresh_from_db()
    assert shipment.is_published == allowed(role_client, PUBLISHERS)


def test_unpublish_through_the_form(role_client):
    shipment = ShipmentFactory(is_published=True)
    data = existing_shipment_data(shipment)
    del data["is_published"]
    role_client.post(change_url(shipment), data)
    shipment.refresh_from_db()
    assert shipment.is_published != allowed(role_client, PUBLISHERS)


def test_publish_field_is_read_only_without_the_permission(role_client):
    shipment = ShipmentFactory(is_published=False)
    response = role_client.get(change_url(shipment))
    if not allowed(role_client, STAFF):
        assert_login_required(response)
        return
    form_fields = response.context["adminform"].form.fields
    assert ("is_published" in form_fields) == allowed(role_client, PUBLISHERS)


def test_publish_action(role_client):
    shipments = [cited(s) for s in ShipmentFactory.create_batch(2, is_published=False)]
    response = action(role_client, "publish", shipments)
    published = Shipment.objects.filter(is_published=True).count()
    assert published == (2 if allowed(role_client, PUBLISHERS) else 0)
    if allowed(role_client, PUBLISHERS):
        assert "2 shipments published." in messages(response)


def test_unpublish_action(role_client):
    shipments = ShipmentFactory.create_batch(2, is_published=True)
    action(role_client, "unpublish", shipments)
    still_published = Shipment.objects.filter(is_published=True).count()
    assert still_published == (0 if allowed(role_client, PUBLISHERS) else 2)


def test_publish_actions_are_offered_to_publishers_only(role_client):
    ShipmentFactory()
    response = role_client.get(SHIPMENT_URL)
    if not allowed(role_client, STAFF):
        assert_login_required(response)
        return
    choices = {name for name, _ in response.context["action_form"].fields["action"].choices}
    assert {"mark_dispatched", "mark_delivered", "mark_cancelled"} <= choices
    assert ("publish" in choices) == allowed(role_client, PUBLISHERS)
    assert ("unpublish" in choices) == allowed(role_client, PUBLISHERS)
    assert ("delete_selected" in choices) == allowed(role_client, PUBLISHERS)


@pytest.mark.parametrize("status", ["dispatched", "delivered", "cancelled"])
def test_status_actions(role_client, status):
    # Unpublished: staff's changes apply at once (published ones: tests/test_review.py).
    shipments = ShipmentFactory.create_batch(2, status="pledged", is_published=False)
    action(role_client, f"mark_{status}", shipments)
    marked = Shipment.objects.filter(status=status).count()
    assert marked == (2 if allowed(role_client, STAFF) else 0)


def test_delete_shipment(role_client):
    shipment = ShipmentFactory()
    response = role_client.post(f"{SHIPMENT_URL}{shipment.pk}/delete/", {"post": "yes"})
    exists = Shipment.objects.filter(pk=shipment.pk).exists()
    assert exists != allowed(role_client, PUBLISHERS)
    if allowed(role_client, {"data_entry"}):
        assert response.status_code == 403


def test_delete_selected_action(role_client):
    shipments = ShipmentFactory.create_batch(2)
    role_client.post(
        SHIPMENT_URL,
        {
            "action": "delete_selected",
            "_selected_action": [str(shipment.pk) for shipment in shipments],
            "post": "yes",
        },
    )
    assert Shipment.objects.count() == (0 if allowed(role_client, PUBLISHERS) else 2)


def test_delete_an_item_from_the_shipment_page(role_client):
    item = ShipmentItemFactory()
    # Published: with a source and a weight, it may lose its only supply line.
    shipment = cited(item.shipment, weight_kg=500)
    data = existing_shipment_data(shipment, weight_kg="500")
    data.update(stored_item_row(item, DELETE="on"))
    role_client.post(change_url(shipment), data)
    assert ShipmentItem.objects.filter(pk=item.pk).exists() != allowed(role_client, PUBLISHERS)


def test_add_and_delete_a_donor(role_client):
    response = role_client.post(
        "/admin/donors/donor/add/",
        {"name": "Jack Ma Foundation", "slug": "jack-ma-foundation", "kind": "foundation"}
        | {"country": "CN", "website": "", "notes": ""},
    )
    created = Donor.objects.filter(slug="jack-ma-foundation").first()
    assert (created is not None) == allowed(role_client, STAFF), getattr(response, "context", "")
    if created is None:
        return
    role_client.post(f"/admin/donors/donor/{created.pk}/delete/", {"post": "yes"})
    deleted = not Donor.objects.filter(pk=created.pk).exists()
    assert deleted == allowed(role_client, PUBLISHERS)


def test_history_page(role_client):
    shipment = ShipmentFactory()
    response = role_client.get(f"{SHIPMENT_URL}{shipment.pk}/history/")
    if allowed(role_client, STAFF):
        assert response.status_code == 200
    else:
        assert_login_required(response)


def test_import_page_and_template(role_client):
    for url in [f"{SHIPMENT_URL}import/", f"{SHIPMENT_URL}import/template.csv"]:
        response = role_client.get(url)
        if allowed(role_client, STAFF):
            assert response.status_code == 200
        else:
            assert_login_required(response)
