"""Donor and recipient pages: the party, its totals and its published shipments."""

import pytest

from tests.factories import (
    DonorFactory,
    RecipientFactory,
    ShipmentFactory,
    ShipmentItemFactory,
)
from tests.pages import hrefs, listed_references, title

pytestmark = pytest.mark.django_db


def test_donor_page_shows_the_party_its_totals_and_its_shipments(client):
    donor = DonorFactory(slug="jack-ma", name="Jack Ma Foundation", country="CN")
    shipment = ShipmentFactory(reference="BE-1", donors=[donor], status="delivered")
    ShipmentItemFactory(shipment=shipment, quantity=500_000)
    ShipmentItemFactory(shipment=shipment, quantity=None, quantity_note="dozens")
    ShipmentFactory(reference="OTHER-1")
    response = client.get("/donors/jack-ma/")
    assert response.status_code == 200
    content = response.content.decode()
    assert title(response) == "Jack Ma Foundation · AidTracker"
    assert 'Foundation, <a href="/countries/CN/">China</a>.' in content
    assert listed_references(response) == ["BE-1"]
    assert "at least 500,000" in content
    assert "1 of 2" in content
    assert "/shipments/?donor=jack-ma" in hrefs(response)


def test_a_donor_page_says_joint_shipments_count_in_full(client):
    fosun, longfor = DonorFactory(slug="fosun", name="Fosun"), DonorFactory(slug="longfor")
    shipment = ShipmentFactory(donors=[fosun, longfor], recipient=RecipientFactory(slug="milan"))
    ShipmentItemFactory(shipment=shipment, quantity=40_000)
    page = " ".join(client.get("/donors/fosun/").content.decode().split())
    assert "A shipment given jointly counts here in full" in page
    assert "not Fosun's share of them" in page
    # A shipment has one recipient: nothing to share on a recipient's page.
    assert "jointly" not in client.get("/recipients/milan/").content.decode()


def test_recipient_page_shows_its_city_and_links_to_the_list(client):
    recipient = RecipientFactory(slug="lombardy", name="Lombardy", city="Milan", country="IT")
    ShipmentFactory(reference="IT-1", recipient=recipient)
    response = client.get("/recipients/lombardy/")
    assert 'Hospital in Milan, <a href="/countries/IT/">Italy</a>.' in response.content.decode()
    assert listed_references(response) == ["IT-1"]
    assert "/shipments/?recipient=lombardy" in hrefs(response)


def test_party_pages_hide_drafts_in_lists_and_totals(client):
    public = ShipmentFactory(reference="PUBLIC-2", weight_kg=10)
    draft = ShipmentFactory(
        reference="DRAFT-2", is_published=False, recipient=public.recipient, weight_kg=999
    )
    draft.donors.set(public.donors.all())
    ShipmentItemFactory(shipment=draft, quantity=777_777)
    for url in [public.recipient.get_absolute_url(), public.donors.get().get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 200
        assert listed_references(response) == ["PUBLIC-2"]
        assert b"DRAFT-2" not in response.content
        assert b"777,777" not in response.content
        assert b"999" not in response.content


def test_a_party_named_only_on_drafts_is_not_public(client):
    draft = ShipmentFactory(is_published=False)
    assert client.get(draft.recipient.get_absolute_url()).status_code == 404
    assert client.get(draft.donors.get().get_absolute_url()).status_code == 404


def test_unknown_party_is_not_found(client, db):
    assert client.get("/donors/nobody/").status_code == 404
    assert client.get("/recipients/nobody/").status_code == 404


def test_party_shipments_come_in_pages(client):
    donor = DonorFactory(slug="busy")
    ShipmentFactory.create_batch(51, donors=[donor])
    assert len(listed_references(client.get("/donors/busy/"))) == 50
    assert len(listed_references(client.get("/donors/busy/?page=2"))) == 1
    assert client.get("/donors/busy/?page=3").status_code == 404
    assert client.get("/donors/busy/?page=x").status_code == 400


@pytest.mark.parametrize("kind", ["donor", "recipient"])
def test_query_count_is_constant_in_the_number_of_shipments(
    client, kind, django_assert_num_queries
):
    donor, recipient = DonorFactory(slug="d"), RecipientFactory(slug="r")
    url = f"/{kind}s/{'d' if kind == 'donor' else 'r'}/"

    def fetch():
        # the party, the data version; as the data changed since the last
        # visit, the status totals (which count the shipments) and category
        # totals and rejections; the page of shipments (with recipients), their donors,
        # their supply lines (with categories)
        with django_assert_num_queries(8):
            assert client.get(url).status_code == 200

    ShipmentItemFactory(shipment=ShipmentFactory(donors=[donor], recipient=recipient))
    fetch()
    for _ in range(10):
        ShipmentItemFactory(
            shipment=ShipmentFactory(donors=[donor, DonorFactory()], recipient=recipient)
        )
    fetch()
