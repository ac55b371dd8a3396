"""The shipment list: every filter on the page, alone and combined, sorting, pages, bad input."""

from datetime import date

import pytest

from shipments.models import Shipment
from tests.factories import (
    DonorFactory,
    ShipmentFactory,
    ShipmentItemFactory,
)
from tests.invalid_queries import INVALID_QUERIES
from tests.pages import elements, hrefs, listed_references, title

pytestmark = pytest.mark.django_db


def listed(client, query=""):
    response = client.get(f"/shipments/?{query}")
    assert response.status_code == 200, response.content
    return listed_references(response)


def test_list_shows_published_shipments_newest_first(client, world):
    response = client.get("/shipments/")
    assert response.status_code == 200
    assert listed_references(response) == ["BE-1", "IT-1", "CN-1"]
    assert b"DRAFT-1" not in response.content
    assert b"3 shipments." in response.content
    assert title(response) == "Shipments · AidTracker"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=malpensa", ["IT-1"]),
        ("q=JACK", ["BE-1", "IT-1"]),
        ("donor_country=fr", ["CN-1"]),
        ("donor_country=CN", ["BE-1", "IT-1"]),
        ("recipient_country=it", ["IT-1"]),
        ("recipient_country=IT&recipient_country=be", ["BE-1", "IT-1"]),
        ("recipient_country=it,BE", ["BE-1", "IT-1"]),
        ("donor=zhejiang", ["IT-1"]),
        ("donor=zhejiang&donor=france", ["IT-1", "CN-1"]),
        ("recipient=belgium", ["BE-1"]),
        ("recipient=belgium,wuhan", ["BE-1", "CN-1"]),
        ("donor_kind=national-government", ["CN-1"]),
        ("donor_kind=national-government&donor_kind=regional-government", ["IT-1", "CN-1"]),
        ("category=ventilators", ["IT-1"]),
        ("category=gloves&category=ventilators", ["IT-1", "CN-1"]),
        ("status=pledged", ["CN-1"]),
        ("status=pledged,dispatched", ["IT-1", "CN-1"]),
        ("shipped_after=2020-03-15", ["BE-1"]),
        ("shipped_before=2020-03-15", ["IT-1"]),
        ("shipped_after=2020-03-14&shipped_before=2020-03-14", ["IT-1"]),
        ("sort=reference", ["BE-1", "CN-1", "IT-1"]),
        ("sort=-value_usd", ["IT-1", "BE-1", "CN-1"]),
    ],
)
def test_each_filter_alone(client, world, query, expected):
    assert listed(client, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("donor_country=CN&category=masks&recipient_country=IT", ["IT-1"]),
        ("q=jack&status=delivered&shipped_before=2020-03-31", ["BE-1"]),
        ("donor=jack-ma&category=masks&sort=reference", ["BE-1", "IT-1"]),
        ("donor_kind=foundation&recipient=lombardy&status=dispatched", ["IT-1"]),
        ("donor_country=fr&status=delivered", []),
    ],
)
def test_filters_combined(client, world, query, expected):
    assert listed(client, query) == expected


def test_filters_never_reveal_a_draft(client, world):
    assert listed(client, "q=DRAFT") == []
    assert listed(client, "shipped_after=2020-03-15&shipped_before=2020-03-15") == []
    assert listed(client, "donor=zhejiang&status=pledged") == []


def test_the_empty_form_submitted_as_is_lists_everything(client, world):
    query = "q=&donor=&recipient=&shipped_after=&shipped_before=&sort=-shipped_on"
    assert listed(client, query) == ["BE-1", "IT-1", "CN-1"]


@pytest.mark.parametrize(("query", "parameter"), INVALID_QUERIES)
def test_an_invalid_value_is_a_400_showing_the_error_and_listing_nothing(
    client, world, query, parameter
):
    response = client.get(f"/shipments/?{query}&status=delivered")
    assert response.status_code == 400
    content = response.content.decode()
    assert "Check the filters" in content
    assert f"<code>{parameter}</code>" in content
    assert 'class="field-error"' in content
    assert listed_references(response) == []
    assert "Download this selection" not in content


def test_an_invalid_value_is_shown_with_the_message_for_the_reader(client, world):
    response = client.get("/shipments/?shipped_after=18/03/2020")
    assert "Enter a date as YYYY-MM-DD, e.g. 2020-03-18." in response.content.decode()
    assert title(response).startswith("Check the filters")
    [field] = [attrs for attrs in elements(response, "input") if attrs["name"] == "shipped_after"]
    [message] = [attrs for attrs in elements(response, "p") if attrs.get("class") == "field-error"]
    assert field["aria-invalid"] == "true"
    assert message["id"] in field["aria-describedby"].split()


def test_unknown_parameters_are_ignored_but_named(client, world):
    response = client.get("/shipments/?recipient_contry=IT&utm_source=x")
    assert response.status_code == 200
    assert listed_references(response) == ["BE-1", "IT-1", "CN-1"]
    content = response.content.decode()
    assert "These parameters are not filters and were ignored" in content
    assert "<code>recipient_contry</code>: did you mean <code>recipient_country</code>?" in content
    assert "<code>utm_source</code></li>" in content


def test_known_parameters_raise_no_notice(client, world):
    response = client.get("/shipments/?page=1&bom=1&status=delivered")
    assert b"not a filter" not in response.content
    assert b"not filters" not in response.content


def test_active_filters_are_shown_by_name_and_removable_one_by_one(client, world):
    response = client.get(
        "/shipments/?recipient_country=it,be&donor=jack-ma&category=masks&q=mask&page=1"
    )
    filters = {
        attrs["aria-label"].removeprefix("Remove filter "): attrs["href"]
        for attrs in elements(response, "a")
        if attrs.get("aria-label", "").startswith("Remove filter")
    }
    assert filters == {
        "Search: “mask”": "/shipments/?recipient_country=it%2Cbe&donor=jack-ma&category=masks",
        "Recipient country: Italy": "/shipments/?q=mask&recipient_country=BE&donor=jack-ma"
        "&category=masks",
        "Recipient country: Belgium": "/shipments/?q=mask&recipient_country=IT&donor=jack-ma"
        "&category=masks",
        "Donor: Jack Ma Foundation": "/shipments/?q=mask&recipient_country=it%2Cbe&category=masks",
        "Category: Masks": "/shipments/?q=mask&recipient_country=it%2Cbe&donor=jack-ma",
    }
    assert listed(client, filters["Recipient country: Belgium"].split("?")[1]) == ["IT-1"]


def test_the_form_shows_the_values_as_read(client, world):
    response = client.get("/shipments/?recipient_country=it,be&status=pledged&donor=a&donor=b")
    selected = {attrs["value"] for attrs in elements(response, "option") if "selected" in attrs}
    assert {"IT", "BE", "-shipped_on"} <= selected
    checked = {attrs["value"] for attrs in elements(response, "input") if "checked" in attrs}
    assert checked == {"pledged"}
    # Donors given by slug (as the parties' pages link) are carried along as given.
    donors = [attrs for attrs in elements(response, "input") if attrs.get("name") == "donor"]
    assert [(donor["type"], donor["value"]) for donor in donors] == [
        ("hidden", "a"),
        ("hidden", "b"),
    ]


def test_a_donor_list_typed_in_the_form_is_read(client, world):
    assert listed(client, "donor=zhejiang%2C+france") == ["IT-1", "CN-1"]


def test_every_form_field_has_a_label(client, world):
    response = client.get("/shipments/")
    labelled = {attrs["for"] for attrs in elements(response, "label")}
    fields = elements(response, "input") + elements(response, "select")
    assert fields
    for field in fields:
        assert field["id"] in labelled, field


def test_column_headers_sort_and_reverse(client, world):
    response = client.get("/shipments/?status=delivered&status=dispatched&page=1")
    links = hrefs(response)
    assert "/shipments/?status=delivered&status=dispatched&sort=reference" in links
    assert "/shipments/?status=delivered&status=dispatched&sort=-value_usd" in links
    # The current sort (shipped, newest first) links to its reverse.
    assert "/shipments/?status=delivered&status=dispatched&sort=shipped_on" in links
    [current] = [attrs for attrs in elements(response, "th") if "aria-sort" in attrs]
    assert current["aria-sort"] == "descending"
    reversed_page = client.get("/shipments/?sort=value_usd")
    assert "/shipments/?sort=-value_usd" in hrefs(reversed_page)


def test_download_links_carry_the_filters_without_page_or_unknown_parameters(client, world):
    response = client.get("/shipments/?recipient_country=IT&category=masks&page=1&colour=red")
    links = hrefs(response)
    query = "recipient_country=IT&category=masks"
    for url in [
        f"/shipments.csv?{query}",
        f"/shipments.csv?{query}&bom=1",
        f"/items.csv?{query}",
        f"/items.csv?{query}&bom=1",
        f"/shipments.csv?{query}&hxl=1",
        f"/items.csv?{query}&hxl=1",
        f"/shipments.json?{query}",
    ]:
        assert url in links
    assert not any(link.startswith("/shipments.json") and "bom" in link for link in links)
    assert not any(link.startswith("/shipments.json") and "hxl" in link for link in links)


def test_download_links_without_filters_are_bare(client, world):
    links = hrefs(client.get("/shipments/"))
    assert "/shipments.csv" in links
    assert "/shipments.csv?bom=1" in links
    assert "/items.csv?hxl=1" in links


def test_an_empty_selection_says_what_to_change(client, world):
    response = client.get("/shipments/?donor_country=FR&status=delivered")
    assert response.status_code == 200
    content = response.content.decode()
    assert "No shipments match." in content
    assert "Try removing a filter" in content
    assert "/shipments/?status=delivered" in hrefs(response)


def test_pages_of_fifty_with_the_total(client):
    ShipmentFactory.create_batch(51)
    first = client.get("/shipments/")
    assert len(listed_references(first)) == 50
    content = first.content.decode()
    assert "51 shipments; showing 1 to 50." in content
    assert "Page 1 of 2" in content
    assert "?page=2" in hrefs(first)
    second = client.get("/shipments/?page=2")
    assert len(listed_references(second)) == 1
    assert set(listed_references(second)).isdisjoint(listed_references(first))


def test_pagination_keeps_the_filters(client):
    ShipmentFactory.create_batch(51, status="pledged")
    response = client.get("/shipments/?status=pledged&colour=red")
    assert "?status=pledged&page=2" in hrefs(response)


@pytest.mark.parametrize(("page", "status"), [("abc", 400), ("1.5", 400), ("0", 404), ("3", 404)])
def test_a_bad_page_is_a_client_error(client, world, page, status):
    assert client.get(f"/shipments/?page={page}").status_code == status


def test_page_one_of_an_empty_list_is_fine(client, db):
    assert client.get("/shipments/?page=1").status_code == 200


def test_query_count_is_constant_in_the_number_of_shipments(
    client, world, django_assert_num_queries
):
    def fetch():
        # The data changed since the last visit: the data version; the whole
        # list's status totals (which count it), category totals and
        # rejections, and its facets (one grouped query of the shipments'
        # columns); the page of shipments (with their recipients), their
        # donors, their supply lines; the data version again
        # for the form's choices, then its countries given from and to, its
        # donor and recipient names, the categories and the emergencies; the moment of
        # the latest change, for the citation.
        with django_assert_num_queries(16):
            assert client.get("/shipments/").status_code == 200
        # Then all from the cache: each data version, the page's three, the latest change.
        with django_assert_num_queries(6):
            assert client.get("/shipments/").status_code == 200

    fetch()
    for _ in range(20):
        ShipmentItemFactory(shipment=ShipmentFactory(donors=[DonorFactory(), DonorFactory()]))
    fetch()


def test_query_count_with_every_filter(client, world, django_assert_num_queries):
    Shipment.objects.filter(reference="IT-1").update(arrived_on=date(2020, 3, 20))
    query = (
        "q=a&donor_country=CN&recipient_country=IT&donor=jack-ma&recipient=lombardy"
        "&donor_name=zhejiang&recipient_name=LOMBARDY"
        "&donor_kind=foundation&category=masks&status=dispatched&shipped_after=2020-01-01"
        "&shipped_before=2020-12-31&arrived_after=2020-03-01&arrived_before=2020-03-31"
        "&sort=reference"
    )
    # The data version and the form's choices (countries given from and to,
    # donor and recipient names, categories, emergencies), read once for the
    # data version; then the count (with the columns the facets count), the donors and
    # recipients named by slug or by name, status totals, category totals,
    # rejections, the page of shipments (with their recipients), their donors,
    # their supply lines; the moment of the latest change, for the citation.
    with django_assert_num_queries(16):
        assert listed(client, query) == ["IT-1"]
    with django_assert_num_queries(10):
        assert listed(client, query) == ["IT-1"]


def test_invalid_filters_query_only_for_the_form(client, world, django_assert_num_queries):
    # The data version and the form's choices (countries given from and to,
    # donor and recipient names, categories, emergencies), read once for the
    # data version.
    with django_assert_num_queries(7):
        assert client.get("/shipments/?status=lost").status_code == 400
    with django_assert_num_queries(1):
        assert client.get("/shipments/?status=lost").status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        "q=%00",
        "donor=a%00b",
        "recipient_country=I%00T",
        "shipped_after=%00",
        "sort=%00",
        "page=%00",
    ],
)
def test_control_characters_are_a_400_never_a_500(client, world, query):
    assert client.get(f"/shipments/?{query}").status_code == 400
