"""Donors and recipients in the admin: searchable lists, each with its shipments."""

import pytest

from tests.factories import DonorFactory, RecipientFactory, ShipmentFactory

pytestmark = pytest.mark.django_db

DONORS_URL = "/admin/donors/donor/"
RECIPIENTS_URL = "/admin/donors/recipient/"


def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return {party.slug: party for party in response.context["cl"].result_list}


def test_donor_list_counts_shipments(data_entry_client):
    donor = DonorFactory(slug="fosun-foundation")
    ShipmentFactory.create_batch(2, donors=[donor])
    DonorFactory(slug="idle")
    donors = listed(data_entry_client, DONORS_URL)
    assert (donors["fosun-foundation"].shipment_count, donors["idle"].shipment_count) == (2, 0)


def test_party_lists_filter_by_country_and_kind(data_entry_client):
    DonorFactory(slug="chinese-company", country="CN", kind="company")
    DonorFactory(slug="french-state", country="FR", kind="national-government")
    assert set(listed(data_entry_client, f"{DONORS_URL}?country=FR")) == {"french-state"}
    assert set(listed(data_entry_client, f"{DONORS_URL}?kind=company")) == {"chinese-company"}
    RecipientFactory(slug="milan-hospital", country="IT", kind="hospital")
    RecipientFactory(slug="belgium", country="BE", kind="national-government")
    assert set(listed(data_entry_client, f"{RECIPIENTS_URL}?country=IT")) == {"milan-hospital"}


def test_country_filter_offers_countries_in_use_by_name(data_entry_client):
    DonorFactory(country="EU")
    response = data_entry_client.get(DONORS_URL)
    [country_filter] = [f for f in response.context["cl"].filter_specs if f.title == "country"]
    assert country_filter.lookup_choices == [("EU", "European Union")]


def test_party_lists_are_searchable(data_entry_client):
    DonorFactory(slug="jack-ma-foundation", name="Jack Ma Foundation")
    DonorFactory(slug="other")
    assert set(listed(data_entry_client, f"{DONORS_URL}?q=jack")) == {"jack-ma-foundation"}
    RecipientFactory(slug="in-milan", city="Milan")
    assert set(listed(data_entry_client, f"{RECIPIENTS_URL}?q=milan")) == {"in-milan"}


def test_party_page_lists_its_shipments_published_or_not(data_entry_client):
    recipient = RecipientFactory()
    ShipmentFactory(reference="PUBLIC-1", recipient=recipient)
    ShipmentFactory(reference="DRAFT-1", recipient=recipient, is_published=False)
    ShipmentFactory(reference="ELSEWHERE-1")
    response = data_entry_client.get(f"{RECIPIENTS_URL}{recipient.pk}/change/")
    page = response.content.decode()
    assert "PUBLIC-1" in page
    assert "DRAFT-1" in page
    assert "not published" in page
    assert "ELSEWHERE-1" not in page


def test_donor_page_lists_its_shipments(data_entry_client):
    donor = DonorFactory()
    shipment = ShipmentFactory(reference="JOINT-1", donors=[donor, DonorFactory()])
    response = data_entry_client.get(f"{DONORS_URL}{donor.pk}/change/")
    assert f'href="/admin/shipments/shipment/{shipment.pk}/change/"' in response.content.decode()


@pytest.mark.parametrize("rows", [2, 12])
def test_donor_list_query_count_does_not_grow_with_rows(
    editor_client, django_assert_num_queries, rows
):
    for _ in range(rows):
        ShipmentFactory(donors=[DonorFactory()])
    # 1 session, 2 user, 3-4 the editor's own and group permissions, 5 country
    # choices, 6 count of the filtered list, 7 count of all donors, 8 the page
    # of donors with their shipment counts.
    with django_assert_num_queries(8):
        response = editor_client.get(DONORS_URL)
    assert len(response.context["cl"].result_list) == rows


# A NUL character, which PostgreSQL refuses, is dropped from the search.
@pytest.mark.parametrize("term", ["jack", "ja\x00ck", ""])
def test_donor_autocomplete_on_the_shipment_page(data_entry_client, term):
    DonorFactory(name="Jack Ma Foundation")
    response = data_entry_client.get(
        "/admin/autocomplete/",
        {"term": term, "app_label": "shipments"}
        | {"model_name": "shipment", "field_name": "donors"},
    )
    assert response.status_code == 200
    names = [result["text"] for result in response.json()["results"]]
    assert names == ["Jack Ma Foundation"]
