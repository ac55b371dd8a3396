"""The pages the foundation serves: home, one shipment, one party, the health check."""

from unittest import mock

import pytest
from django.db import DatabaseError

from tests.factories import ShipmentFactory, ShipmentItemFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_home_lists_published_shipments_only(client):
    ShipmentFactory(reference="PUBLIC-1")
    ShipmentFactory(reference="DRAFT-1", is_published=False)
    response = client.get("/")
    assert response.status_code == 200
    assert b"PUBLIC-1" in response.content
    assert b"DRAFT-1" not in response.content


def test_shipment_page_shows_items_and_sources(client):
    item = ShipmentItemFactory(quantity=None, quantity_note="dozens", description="ventilator sets")
    SourceFactory(shipment=item.shipment, title="Aid arrives in Milan")
    response = client.get(f"/shipments/{item.shipment.reference}/")
    assert response.status_code == 200
    assert b"ventilator sets" in response.content
    assert b"dozens" in response.content
    assert b"Aid arrives in Milan" in response.content


def test_unpublished_shipment_page_is_not_found(client):
    shipment = ShipmentFactory(is_published=False)
    assert client.get(f"/shipments/{shipment.reference}/").status_code == 404


def test_unknown_shipment_page_is_not_found(client):
    assert client.get("/shipments/NO-SUCH-THING/").status_code == 404


def test_party_pages_hide_drafts(client):
    public = ShipmentFactory(reference="PUBLIC-2")
    draft = ShipmentFactory(reference="DRAFT-2", is_published=False, recipient=public.recipient)
    draft.donors.set(public.donors.all())
    for url in [public.recipient.get_absolute_url(), public.donors.get().get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 200
        assert b"PUBLIC-2" in response.content
        assert b"DRAFT-2" not in response.content


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")
    assert response["Content-Type"].startswith("text/plain")


def test_healthz_reports_a_database_failure(client):
    with mock.patch("aidtracker.views.connection.cursor", side_effect=DatabaseError):
        response = client.get("/healthz")
    assert response.status_code == 503
