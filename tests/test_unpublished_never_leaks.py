"""Unpublishing a shipment removes it from every public surface at once.

Each surface is first shown to carry the shipment while it is published, so
no assertion of absence can pass vacuously. transaction=True: on PostgreSQL
the CSV exports read through a connection of their own.
"""

import re
from datetime import date

import pytest

from shipments.models import Shipment
from tests.factories import (
    DonorFactory,
    RecipientFactory,
    ShipmentFactory,
    ShipmentItemFactory,
    SourceFactory,
    StaffFactory,
    category,
    cited,
)
from tests.pages import listed_references

pytestmark = pytest.mark.django_db(transaction=True)

# Facts only the watched shipment has: its reference, its odd quantity and
# weight, its donor (the only one from Japan), its source and its category.
MARKS = ["WATCHED-7", "987,654", "987654", "Hokkaido Relief Fund", "Leaked memo", "Medicines"]

PAGES = [
    "/",
    "/shipments/",
    "/shipments/?donor_country=JP",
    "/shipments/?sort=-weight_kg",
    "/shipments/?donor=shared-donor",
    "/shipments/?recipient_country=IT&sort=-weight_kg",
    "/countries/",
    "/countries/JP/",
    "/countries/IT/",
    "/countries/CN/",
    "/donors/shared-donor/",
    "/recipients/shared-recipient/",
]
# Filters that only the watched shipment satisfies.
ONLY_WATCHED = ["q=WATCHED-7", "category=medicines", "donor=hokkaido", "donor_country=JP"]
EXPORTS = [
    "/shipments.csv",
    "/items.csv",
    "/items.csv?q=watched-7",
    "/shipments.csv?donor_country=JP",
    "/shipments.json",
    "/shipments.json?q=watched-7",
]


@pytest.fixture
def watched():
    donor = DonorFactory(slug="shared-donor", country="CN")
    recipient = RecipientFactory(slug="shared-recipient", country="IT")
    ShipmentItemFactory(
        shipment=ShipmentFactory(reference="OTHER-1", donors=[donor], recipient=recipient),
        quantity=100,
    )
    shipment = ShipmentFactory(
        reference="WATCHED-7",
        donors=[donor, DonorFactory(slug="hokkaido", name="Hokkaido Relief Fund", country="JP")],
        recipient=recipient,
        shipped_on=date(2021, 6, 7),
        weight_kg=987654,
    )
    ShipmentItemFactory(shipment=shipment, category=category("medicines"), quantity=987_654)
    SourceFactory(shipment=shipment, title="Leaked memo")
    return shipment


def content(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode("utf-8")
    # The filter form offers every country and category, whatever was given.
    return re.sub(r"<form .*?</form>", "", response.content.decode(), flags=re.S)


def test_unpublishing_removes_the_shipment_from_every_surface(client, watched):
    for url in [*PAGES, *EXPORTS]:
        assert "WATCHED-7" in content(client, url) or url in ("/countries/",), url
    assert client.get("/shipments/WATCHED-7/").status_code == 200
    assert client.get("/donors/hokkaido/").status_code == 200
    for query in ONLY_WATCHED:
        assert listed_references(client.get(f"/shipments/?{query}")) == ["WATCHED-7"]

    editor = StaffFactory(role="Editor")
    assert Shipment.objects.filter(pk=watched.pk).set_published(False, user=editor) == 1

    for url in [*PAGES, *EXPORTS]:
        text = content(client, url)
        for mark in MARKS:
            assert mark not in text, (url, mark)
    assert client.get("/shipments/WATCHED-7/").status_code == 404
    for query in ONLY_WATCHED:
        response = client.get(f"/shipments/?{query}")
        assert listed_references(response) == []
        assert b"No shipments match." in response.content
    # A donor named only on unpublished shipments is not public either.
    assert client.get("/donors/hokkaido/").status_code == 404


def test_the_parties_indexes_forget_an_unpublished_shipment(client, watched):
    assert "Hokkaido Relief Fund" in content(client, "/donors/")
    assert "/shipments/?donor=shared-donor" in content(client, "/donors/")
    assert ">2</a>" in content(client, "/recipients/")
    editor = StaffFactory(role="Editor")
    Shipment.objects.filter(pk=watched.pk).set_published(False, user=editor)
    assert "Hokkaido Relief Fund" not in content(client, "/donors/")
    assert "Hokkaido Relief Fund" not in content(client, "/donors/?q=hokkaido")
    assert ">1</a>" in content(client, "/recipients/")
    assert ">2</a>" not in content(client, "/recipients/")


def test_totals_fall_back_to_the_published_rest(client, watched):
    data = client.get("/shipments.json").json()
    assert data["count"] == 2
    Shipment.objects.filter(pk=watched.pk).set_published(False)
    data = client.get("/shipments.json").json()
    assert data["count"] == 1
    assert [row["quantity"] for row in data["totals"]] == [100]
    csv = b"".join(client.get("/items.csv").streaming_content).decode()
    assert client.get("/items.csv")["X-Row-Count"] == "1"
    assert csv.count("\n") == 2


def test_a_country_known_only_from_unpublished_shipments_has_nothing_to_show(client, watched):
    assert "gave 1." in content(client, "/countries/JP/")
    assert "Japan" in content(client, "/countries/")

    Shipment.objects.filter(pk=watched.pk).set_published(False)

    text = content(client, "/countries/JP/")
    assert "Received 0 published shipments and gave 0." in text
    for mark in ["WATCHED-7", "987,654", "Medicines"]:
        assert mark not in text
    assert "Japan" not in content(client, "/countries/")


def test_a_filter_names_only_parties_the_public_may_know(client, watched):
    assert "Hokkaido Relief Fund" in content(client, "/shipments/?donor=hokkaido")

    Shipment.objects.filter(pk=watched.pk).set_published(False)

    # Named by its slug, exactly as a slug nobody has: the page tells nothing of it.
    unpublished = content(client, "/shipments/?donor=hokkaido")
    made_up = content(client, "/shipments/?donor=no-such-donor")
    assert "Hokkaido Relief Fund" not in unpublished
    assert unpublished.replace("hokkaido", "no-such-donor") == made_up


def test_an_unpublished_delivery_leaves_its_pledges_page_and_row(client, watched):
    pledge = cited(ShipmentFactory(reference="PLEDGE-9", status="pledged"))
    watched.pledge = pledge
    watched.save()
    page = pledge.get_absolute_url()
    surfaces = [page, "/shipments.csv?q=PLEDGE-9", "/shipments.json?q=PLEDGE-9"]
    for url in surfaces:
        assert "WATCHED-7" in content(client, url), url
    assert "987,654" in content(client, page)

    Shipment.objects.filter(pk=watched.pk).set_published(False)

    for url in surfaces:
        text = content(client, url)
        for mark in MARKS:
            assert mark not in text, (url, mark)
    assert "No delivery recorded yet under this pledge." in content(client, page)
