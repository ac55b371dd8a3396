"""Every public page: its own title, landmarks, labelled tables, no script and no inline style.

Inline styles and scripts are refused so a strict Content-Security-Policy
can be turned on without breaking a page.
"""

import re

import pytest

from tests.factories import (
    DonorFactory,
    RecipientFactory,
    ShipmentFactory,
    ShipmentItemFactory,
    SourceFactory,
)
from tests.pages import elements, nav_links, title

pytestmark = pytest.mark.django_db

PAGES = [
    ("/", "Medical aid for COVID-19"),
    ("/shipments/", "Shipments"),
    ("/shipments/?status=lost", "Check the filters: Shipments"),
    ("/shipments/REF-1/", "Giver to Italy: 1,000 surgical masks · REF-1"),
    ("/countries/", "Countries"),
    ("/countries/IT/", "Italy"),
    ("/donors/", "Donors"),
    ("/donors/?kind=nobody", "Check the search: Donors"),
    ("/recipients/", "Recipients"),
    ("/donors/giver/", "Giver"),
    ("/recipients/taker/", "Taker"),
    ("/about/data/", "About the data"),
    ("/no-such-page/", "Page not found"),
]


@pytest.fixture
def shipment():
    shipment = ShipmentFactory(
        reference="REF-1",
        donors=[DonorFactory(slug="giver", name="Giver")],
        recipient=RecipientFactory(slug="taker", name="Taker"),
    )
    ShipmentItemFactory(shipment=shipment)
    SourceFactory(shipment=shipment)
    return shipment


@pytest.mark.parametrize(("url", "expected_title"), PAGES)
def test_page_markup(client, shipment, url, expected_title):
    response = client.get(url)
    content = response.content.decode()
    assert title(response) == f"{expected_title} · AidTracker"
    assert '<html lang="en">' in content
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in content
    for landmark in ["<header", "<nav", '<main id="main"', "<footer"]:
        assert landmark in content
    assert len(elements(response, "h1")) == 1
    assert "<script" not in content
    assert "<style" not in content
    assert not re.search(r"\sstyle=", content)
    assert not re.search(r"\son[a-z]+=", content)
    for cell in elements(response, "th"):
        assert cell.get("scope") in {"col", "row"}, cell
    for image in elements(response, "svg"):
        assert image["role"] == "img"


def test_the_current_section_is_marked_in_the_navigation(client, db):
    response = client.get("/countries/")
    [current] = [attrs for attrs in nav_links(response, "site-nav") if "aria-current" in attrs]
    assert current["href"] == "/countries/"


def test_the_stylesheet_is_served_locally(client, db):
    response = client.get("/")
    [stylesheet] = [link for link in elements(response, "link") if link.get("rel") == "stylesheet"]
    assert stylesheet["href"].startswith("/static/")
    assert client.get(stylesheet["href"]).status_code == 200


def test_every_page_names_the_site_icon_served_locally(client, db):
    for path in ["/", "/no-such-page/"]:
        [icon] = [link for link in elements(client.get(path), "link") if link.get("rel") == "icon"]
        assert icon["type"] == "image/svg+xml"
        assert icon["href"].startswith("/static/img/favicon")
    response = client.get(icon["href"])
    assert response.status_code == 200
    assert b"<svg" in b"".join(response.streaming_content)
