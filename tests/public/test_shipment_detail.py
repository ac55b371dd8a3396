"""One shipment's page: its facts, supplies and sources; drafts and unknown references are 404."""

import html
from datetime import date
from decimal import Decimal

import pytest

from tests.factories import (
    DonorFactory,
    RecipientFactory,
    ShipmentFactory,
    ShipmentItemFactory,
    SourceFactory,
)
from tests.pages import hrefs, title

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipment():
    shipment = ShipmentFactory(
        reference="2020-CN-IT-003",
        donors=[DonorFactory(slug="blue-river", name="Blue River Dairy", kind="company")],
        recipient=RecipientFactory(slug="lombardy", name="Lombardy", city="Milan"),
        status="delivered",
        terms="sale",
        announced_on=date(2020, 3, 12),
        shipped_on=date(2020, 3, 14),
        arrived_on=date(2020, 3, 16),
        transport_mode="air",
        arrival_point="Malpensa Airport",
        weight_kg=Decimal("31000"),
        declared_value=Decimal("2400000"),
        currency="CNY",
        value_usd=Decimal("343000"),
        usd_rate=Decimal("0.14291667"),
        rate_date=date(2020, 3, 18),
        rate_source="the report's own conversion",
        notes="Donated 'last Saturday'.",
    )
    ShipmentItemFactory(shipment=shipment, description="N95 respirator masks", quantity=40_000)
    ShipmentItemFactory(
        shipment=shipment,
        description="ventilator sets",
        quantity=None,
        quantity_note="dozens",
        unit="sets",
    )
    SourceFactory(
        shipment=shipment,
        title="Aid arrives in Milan",
        publisher="Test Gazette",
        published_on=date(2020, 3, 18),
        url="https://news.example/aid",
    )
    return shipment


def test_shipment_page_shows_every_fact(client, shipment):
    response = client.get("/shipments/2020-CN-IT-003/")
    assert response.status_code == 200
    # As a reader sees it: however an apostrophe is escaped.
    content = html.unescape(response.content.decode())
    for fact in [
        "Blue River Dairy",
        "Lombardy",
        "Milan",
        ">Delivered</span> sale from",
        "2020-03-12",
        "2020-03-14",
        "2020-03-16",
        "Air",
        "Malpensa Airport",
        "31,000 kg",
        "US$343,000 (2,400,000 CNY at 0.14291667 USD per CNY on 2020-03-18; "
        "rate: the report's own conversion)",
        "Donated 'last Saturday'.",
        "40,000 pieces",
        "ventilator sets",
        ">dozens<",
    ]:
        assert fact in content, fact
    assert title(response) == (
        "Blue River Dairy to Italy: 40,000 N95 respirator masks and ventilator sets (dozens)"
        " · 2020-CN-IT-003 · AidTracker"
    )


def test_shipment_page_cites_its_sources(client, shipment):
    response = client.get("/shipments/2020-CN-IT-003/")
    content = response.content.decode()
    assert '<cite><a href="https://news.example/aid" rel="noopener noreferrer">' in content
    assert "Aid arrives in Milan</a></cite>, Test Gazette, 2020-03-18." in content


def test_shipment_page_links_to_parties_and_countries(client, shipment):
    links = hrefs(client.get("/shipments/2020-CN-IT-003/"))
    assert {"/donors/blue-river/", "/recipients/lombardy/", "/countries/CN/", "/countries/IT/"} <= (
        set(links)
    )


def test_facts_not_reported_are_named_in_one_line_not_as_rows(client):
    shipment = ShipmentFactory(shipped_on=None, weight_kg=None)
    content = client.get(shipment.get_absolute_url()).content.decode()
    assert "<dt>Shipped</dt>" not in content
    assert "<dt>Weight</dt>" not in content
    assert "<dt>Value</dt>" not in content
    assert "unknown" not in content.split("<main", 1)[1].split("</main>")[0]
    assert (
        '<p class="not-reported">Not reported: announcement date, shipping date, arrival date, '
        "transport, arrival point, weight, value.</p>"
    ) in content


def test_a_delivery_links_to_its_pledge_and_the_pledge_to_its_published_deliveries(client):
    pledge = ShipmentFactory(reference="PLEDGE-1", status="pledged")
    ShipmentFactory(reference="DELIVERY-1", pledge=pledge)
    ShipmentFactory(reference="DRAFT-DELIVERY", pledge=pledge, is_published=False)
    pledge_page = client.get("/shipments/PLEDGE-1/").content.decode()
    assert "/shipments/DELIVERY-1/" in pledge_page
    assert "DRAFT-DELIVERY" not in pledge_page
    assert "/shipments/PLEDGE-1/" in client.get("/shipments/DELIVERY-1/").content.decode()


def test_a_draft_pledge_is_not_linked(client):
    pledge = ShipmentFactory(reference="DRAFT-PLEDGE", status="pledged", is_published=False)
    shipment = ShipmentFactory(pledge=pledge)
    assert b"DRAFT-PLEDGE" not in client.get(shipment.get_absolute_url()).content


def test_unpublished_shipment_page_is_not_found(client):
    shipment = ShipmentFactory(is_published=False)
    assert client.get(f"/shipments/{shipment.reference}/").status_code == 404


def test_unknown_shipment_page_is_not_found(client, db):
    assert client.get("/shipments/NO-SUCH-THING/").status_code == 404


def test_query_count_is_constant_in_the_number_of_items_and_sources(
    client, shipment, django_assert_num_queries
):
    def fetch():
        # the shipment with its recipient and pledge, its donors, its items
        # with their categories, its sources, its rejections (with their lines and
        # sources), its published deliveries, the moment of the latest change (for the
        # citation); its change log: the history of the shipment, of its donors, lines and
        # sources, and the names of its parties and emergencies
        with django_assert_num_queries(14):
            assert client.get("/shipments/2020-CN-IT-003/").status_code == 200

    fetch()
    ShipmentItemFactory.create_batch(10, shipment=shipment)
    SourceFactory.create_batch(5, shipment=shipment)
    shipment.donors.add(*DonorFactory.create_batch(3))
    fetch()


@pytest.mark.parametrize("reference", ["A%00B", "%E2%80%AE", "A.B", "A%20B"])
def test_a_reference_with_characters_no_reference_has_is_not_found(client, db, reference):
    assert client.get(f"/shipments/{reference}/").status_code == 404
