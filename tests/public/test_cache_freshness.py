"""Cached public figures change as soon as the data does, whatever wrote it.

The home and country pages are served from the cache until the data version
changes; each kind of write must raise it, including the bulk ones that send
no signals.
"""

import itertools
from datetime import date

import pytest
from django.core.management import call_command

from shipments.models import DataVersion, Shipment, ShipmentItem
from tests.admin_forms import SHIPMENT_URL, change_url, existing_shipment_data
from tests.factories import (
    DonorFactory,
    RecipientFactory,
    ShipmentFactory,
    ShipmentItemFactory,
    cited,
)
from tests.imports.test_import import csv_bytes, import_file, row
from tests.pages import listed_references

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped():
    """A published delivery of 1,000 masks from China to Italy, already shown once."""
    shipment = ShipmentFactory(
        reference="2020-CN-IT-001",
        donors=[DonorFactory(name="Jack Ma Foundation", country="CN")],
        recipient=RecipientFactory(name="Italian Red Cross", country="IT"),
        shipped_on=date(2020, 3, 12),
        weight_kg=1000,
    )
    ShipmentItemFactory(shipment=shipment, quantity=1000)
    return cited(shipment)


def home(client):
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_admin_save_shows_at_once(editor_client, shipped):
    assert ">1,000<" in home(editor_client)
    data = existing_shipment_data(shipped, weight_kg="31000")
    assert editor_client.post(change_url(shipped), data).status_code == 302
    assert ">31,000<" in home(editor_client)


def test_an_admin_unpublish_action_hides_the_shipment_everywhere_at_once(editor_client, shipped):
    pages = ["/", "/countries/IT/", "/countries/CN/", "/shipments/"]
    for path in pages:
        assert listed_references(editor_client.get(path)) == ["2020-CN-IT-001"]
    action = {"action": "unpublish", "_selected_action": [str(shipped.pk)]}
    assert editor_client.post(SHIPMENT_URL, action).status_code == 302
    for path in pages:
        response = editor_client.get(path)
        assert b"2020-CN-IT-001" not in response.content, path
    assert "/countries/IT/" not in editor_client.get("/countries/").content.decode()


def test_an_admin_publish_action_shows_the_shipment_at_once(editor_client, shipped):
    draft = cited(
        ShipmentFactory(reference="LATE-1", is_published=False, shipped_on=date(2021, 1, 1))
    )
    assert "LATE-1" not in home(editor_client)
    action = {"action": "publish", "_selected_action": [str(draft.pk)]}
    assert editor_client.post(SHIPMENT_URL, action).status_code == 302
    assert listed_references(editor_client.get("/"))[0] == "LATE-1"


def test_an_admin_status_action_moves_the_totals_at_once(editor_client, shipped):
    assert 'status-delivered">Delivered' in home(editor_client)
    action = {"action": "mark_cancelled", "_selected_action": [str(shipped.pk)]}
    assert editor_client.post(SHIPMENT_URL, action).status_code == 302
    content = home(editor_client)
    assert 'status-cancelled">Cancelled' in content
    assert 'status-delivered">Delivered' not in content


def test_an_import_shows_at_once(client, shipped):
    assert "123,456" not in home(client)
    line = row(category="gloves", description="Gloves", quantity="123456", unit="pairs")
    assert not import_file(csv_bytes([line])).has_errors()
    assert ">123,456<" in home(client)


def test_an_import_preview_changes_nothing_cached(client, shipped):
    version = DataVersion.current()
    import_file(csv_bytes([row(description="Gloves", quantity="123456")]), dry_run=True)
    assert DataVersion.current() == version


def test_load_demo_shows_at_once_and_puts_edited_facts_back(client, demo_data):
    demo = Shipment.objects.published().get(reference="2020-CN-BE-001")
    assert listed_references(client.get("/countries/BE/"))[0] == demo.reference
    Shipment.objects.filter(pk=demo.pk).update(is_published=False)
    assert demo.reference not in listed_references(client.get("/countries/BE/"))
    call_command("load_demo", verbosity=0)
    assert listed_references(client.get("/countries/BE/"))[0] == demo.reference


def test_a_bulk_update_of_items_shows_at_once(client, shipped):
    assert ">1,000<" in home(client)
    ShipmentItem.objects.filter(shipment=shipped).update(quantity=777)
    assert ">777<" in home(client)


def test_deleting_an_item_shows_at_once(client, shipped):
    assert "Masks" in home(client)
    ShipmentItem.objects.filter(shipment=shipped).delete()
    assert "No supplies recorded" in home(client)


def test_a_change_of_donors_shows_on_the_country_pages_at_once(client, shipped):
    assert listed_references(client.get("/countries/JP/")) == []
    shipped.donors.add(DonorFactory(country="JP"))
    assert listed_references(client.get("/countries/JP/")) == ["2020-CN-IT-001"]


def test_a_party_moved_to_another_country_shows_at_once(client, shipped):
    assert listed_references(client.get("/countries/ES/")) == []
    recipient = shipped.recipient
    recipient.country = "ES"
    recipient.save()
    assert listed_references(client.get("/countries/ES/")) == ["2020-CN-IT-001"]


@pytest.fixture
def numbered_tokens(monkeypatch):
    """Data versions drawn as "token-1", "token-2"..., so that a test can count them."""
    numbers = itertools.count(1)
    monkeypatch.setattr("shipments.models.new_data_token", lambda: f"token-{next(numbers)}")


def test_a_synthetic_load_raises_the_version_once(db, numbered_tokens):
    call_command("generate_synthetic", shipments=20, verbosity=0)
    assert DataVersion.current() == "token-1"
    call_command("generate_synthetic", shipments=20, replace=True, verbosity=0)
    assert DataVersion.current() == "token-2"


def test_a_deploy_which_runs_migrate_renders_the_pages_afresh(db, numbered_tokens):
    call_command("migrate", verbosity=0)
    assert DataVersion.current() == "token-1"


def test_a_restored_backup_never_brings_back_pages_of_a_later_version(client, shipped):
    """Back up, publish (a page is cached), unpublish, restore the backup, migrate: the
    page cached while the shipment was published must not come back."""
    Shipment.objects.filter(pk=shipped.pk).set_published(False)
    backup = DataVersion.objects.values().get()
    Shipment.objects.filter(pk=shipped.pk).set_published(True)
    assert listed_references(client.get("/countries/IT/")) == ["2020-CN-IT-001"]
    Shipment.objects.filter(pk=shipped.pk).set_published(False)

    # The restore puts back the data as it was, version included; migrate follows.
    DataVersion.objects.update(**{name: value for name, value in backup.items() if name != "id"})
    call_command("migrate", verbosity=0)

    assert listed_references(client.get("/countries/IT/")) == []


def test_each_order_of_the_country_index_is_cached_apart(client, shipped):
    ShipmentFactory(recipient=RecipientFactory(country="ES"), donors=[DonorFactory(country="AT")])
    ShipmentFactory(recipient=RecipientFactory(country="ES"), donors=[DonorFactory(country="AT")])

    def order(sort):
        content = client.get(f"/countries/?sort={sort}").content.decode()
        return sorted(["/countries/AT/", "/countries/IT/"], key=content.index)

    assert order("name") == ["/countries/AT/", "/countries/IT/"]
    assert order("received") == ["/countries/IT/", "/countries/AT/"]
    assert order("name") == ["/countries/AT/", "/countries/IT/"]


def test_a_party_page_adds_up_once_and_shows_an_edit_at_once(
    client, shipped, django_assert_num_queries
):
    url = shipped.donors.get().get_absolute_url()
    assert ">1,000<" in client.get(url).content.decode()
    # the party, the data version, the page of shipments (with recipients),
    # their donors, their supply lines (with categories); the totals come from the cache
    with django_assert_num_queries(5):
        client.get(url)
    ShipmentItem.objects.filter(shipment=shipped).update(quantity=4321)
    assert ">4,321<" in client.get(url).content.decode()
