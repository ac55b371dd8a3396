"""Country pages: the index of givers and receivers, and one country's flows."""

import pytest

from tests.factories import (
    DonorFactory,
    RecipientFactory,
    ShipmentFactory,
    ShipmentItemFactory,
    category,
)
from tests.pages import hrefs, listed_references, title

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    china, europe = DonorFactory(country="CN"), DonorFactory(country="EU")
    italy = RecipientFactory(country="IT")
    for reference, donors in [("CN-IT-1", [china]), ("CN-IT-2", [china]), ("EU-IT-1", [europe])]:
        ShipmentItemFactory(
            shipment=ShipmentFactory(reference=reference, donors=donors, recipient=italy),
            quantity=100,
        )
    ShipmentItemFactory(
        shipment=ShipmentFactory(
            reference="IT-ES-1",
            donors=[DonorFactory(country="IT")],
            recipient=RecipientFactory(country="ES"),
            origin_country="IT",
        ),
        category=category("gloves"),
        unit="pairs",
        quantity=5,
    )
    draft = ShipmentFactory(
        reference="DRAFT-FR",
        donors=[DonorFactory(country="FR")],
        recipient=RecipientFactory(country="BE"),
        origin_country="FR",
        is_published=False,
    )
    ShipmentItemFactory(shipment=draft, quantity=123_456)


def test_country_index_lists_every_country_that_gave_or_received(client, world):
    response = client.get("/countries/")
    assert response.status_code == 200
    assert title(response) == "Countries · AidTracker"
    links = hrefs(response)
    for code in ["CN", "EU", "IT", "ES"]:
        assert f"/countries/{code}/" in links
    assert "/countries/FR/" not in links
    assert "/countries/BE/" not in links
    assert "/shipments/?donor_country=CN" in links
    assert "/shipments/?recipient_country=IT" in links


def test_country_index_sorts_by_a_column(client, world):
    content = client.get("/countries/?sort=received").content.decode()
    assert content.index("/countries/IT/") < content.index("/countries/ES/")
    assert content.index("/countries/ES/") < content.index("/countries/CN/")
    assert 'aria-sort="descending"' in content


def test_country_index_refuses_an_unknown_sort(client, world):
    response = client.get("/countries/?sort=population")
    assert response.status_code == 400
    assert b"<code>sort=population</code> is not a way to sort" in response.content


def test_country_page_shows_what_it_received_and_gave(client, world):
    response = client.get("/countries/IT/")
    assert response.status_code == 200
    assert title(response) == "Italy · AidTracker"
    content = response.content.decode()
    assert "Received 3 published shipments and gave 1." in content
    links = hrefs(response)
    assert "/shipments/?recipient_country=IT" in links
    assert "/shipments/?recipient_country=IT&donor_country=CN" in links
    assert "/shipments/?recipient_country=IT&donor_country=EU" in links
    assert "/shipments/?donor_country=IT" in links
    assert "/shipments/?donor_country=IT&recipient_country=ES" in links
    assert "/shipments/?recipient_country=IT&category=masks&status=delivered" in links
    assert ">300<" in content
    assert listed_references(response) == ["EU-IT-1", "CN-IT-2", "CN-IT-1", "IT-ES-1"]


def test_a_country_page_says_joint_shipments_count_for_each_donor_country(client, world):
    content = client.get("/countries/CN/").content.decode()
    assert "given jointly by donors from several countries counts in full for each" in content


def test_the_eu_is_a_country_page(client, world):
    response = client.get("/countries/EU/")
    assert response.status_code == 200
    assert "European Union" in response.content.decode()


def test_a_lower_case_code_redirects_permanently(client, world):
    response = client.get("/countries/it/")
    assert response.status_code == 301
    assert response["Location"] == "/countries/IT/"


@pytest.mark.parametrize("code", ["XX", "xx", "ITA", "Italy", "1"])
def test_an_unknown_code_is_not_found(client, world, code):
    assert client.get(f"/countries/{code}/").status_code == 404


def test_a_country_with_only_drafts_shows_nothing_of_them(client, world):
    for code in ["FR", "BE"]:
        response = client.get(f"/countries/{code}/")
        assert response.status_code == 200
        assert b"DRAFT-FR" not in response.content
        assert b"123,456" not in response.content
        assert b"Received 0 published shipments and gave 0." in response.content


def test_country_index_query_count_is_constant(client, world, django_assert_num_queries):
    def fetch():
        # the data version; as the data changed since the last visit:
        # shipments given per donor country, received per recipient country,
        # categories given per country, categories received per country
        with django_assert_num_queries(5):
            assert client.get("/countries/?sort=total").status_code == 200

    fetch()
    for code in ["DE", "JP", "US"]:
        ShipmentItemFactory(
            shipment=ShipmentFactory(
                donors=[DonorFactory(country=code)], recipient=RecipientFactory(country="IT")
            )
        )
    fetch()


def test_country_page_query_count_is_constant(client, world, django_assert_num_queries):
    def fetch():
        # the data version; as the data changed since the last visit, for each
        # of received and given: the partner countries, the count, the latest
        # shipments (with recipients), their donors, their supply lines (with
        # categories), the category totals and what was rejected of them; the
        # top donors of what was received, the top recipients of what was given;
        # the data version again (the map's routes, kept apart), shipments per route
        with django_assert_num_queries(19):
            assert client.get("/countries/IT/").status_code == 200

    fetch()
    italy = RecipientFactory(country="IT")
    for _ in range(5):
        ShipmentItemFactory(
            shipment=ShipmentFactory(donors=[DonorFactory(country="JP")], recipient=italy)
        )
    fetch()


@pytest.mark.parametrize("path", ["/countries/", "/countries/IT/"])
def test_country_pages_unchanged_since_the_last_visit_read_only_the_data_version(
    client, world, django_assert_num_queries, path
):
    first = client.get(path)
    # the data version; the figures come from the cache
    with django_assert_num_queries(1):
        again = client.get(path)
    assert again.content == first.content
