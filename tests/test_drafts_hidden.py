"""Nothing unpublished reaches any public page: lists, totals, charts, countries, parties."""

import re
from datetime import date

import pytest

from tests.factories import (
    DonorFactory,
    RecipientFactory,
    ShipmentFactory,
    ShipmentItemFactory,
    SourceFactory,
    category,
)
from tests.pages import listed_references

pytestmark = pytest.mark.django_db

# Facts that exist only on the draft.
DRAFT_MARKS = ["SECRET-DRAFT", "987,654", "987654", "Japan", "2021-06-07", "medicines", "Leaked"]


@pytest.fixture
def shipments():
    donor = DonorFactory(slug="shared-donor", country="CN")
    recipient = RecipientFactory(slug="shared-recipient", country="IT")
    public = ShipmentFactory(reference="PUBLIC-1", donors=[donor], recipient=recipient)
    ShipmentItemFactory(shipment=public, quantity=100)
    draft = ShipmentFactory(
        reference="SECRET-DRAFT",
        donors=[donor, DonorFactory(slug="draft-only", country="JP")],
        recipient=recipient,
        shipped_on=date(2021, 6, 7),
        weight_kg=987654,
        status="delivered",
        is_published=False,
    )
    ShipmentItemFactory(shipment=draft, category=category("medicines"), quantity=987_654)
    SourceFactory(shipment=draft, title="Leaked memo")


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/shipments/",
        "/shipments/?donor=shared-donor",
        "/shipments/?recipient_country=IT&sort=-weight_kg",
        "/countries/",
        "/countries/IT/",
        "/countries/CN/",
        "/donors/shared-donor/",
        "/recipients/shared-recipient/",
    ],
)
def test_no_page_shows_anything_of_a_draft(client, shipments, url):
    response = client.get(url)
    assert response.status_code == 200
    # The filter form offers every country and category, whatever was given.
    content = re.sub(r"<form .*?</form>", "", response.content.decode(), flags=re.S)
    for mark in DRAFT_MARKS:
        assert mark not in content, mark
    if url != "/countries/":
        assert "PUBLIC-1" in content


def test_filtering_on_what_only_a_draft_has_finds_nothing(client, shipments):
    for query in ["donor_country=JP", "donor=draft-only", "category=medicines", "q=SECRET"]:
        response = client.get(f"/shipments/?{query}")
        assert listed_references(response) == []
        assert b"No shipments match." in response.content


def test_the_drafts_own_page_is_not_found(client, shipments):
    assert client.get("/shipments/SECRET-DRAFT/").status_code == 404


def test_a_country_known_only_from_a_draft_has_nothing_to_show(client, shipments):
    content = client.get("/countries/JP/").content.decode()
    assert "Received 0 published shipments and gave 0." in content
    for mark in ["SECRET-DRAFT", "987,654", "medicines"]:
        assert mark not in content
