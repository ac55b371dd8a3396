"""Facets of the shipment list and of /shipments.json: how many listed shipments hold each
status, category, donor country, recipient country and donor kind."""

from datetime import date

import pytest
from django.http import QueryDict

from shipments import facets
from shipments.filters import ShipmentFilter
from shipments.public import listing
from tests.factories import (
    DonorFactory,
    RecipientFactory,
    ShipmentFactory,
    ShipmentItemFactory,
    category,
)
from tests.pages import hrefs

pytestmark = pytest.mark.django_db

FACETS = [
    "status",
    "category",
    "donor_country",
    "recipient_country",
    "donor_kind",
    "verification",
    "crisis",
]


@pytest.fixture
def shipments():
    """14 published shipments, some joint (donors of two countries and kinds) or mixed (two
    categories), and drafts whose values no published shipment has."""
    cn = DonorFactory(slug="cn-foundation", country="CN", kind="foundation")
    cn_company = DonorFactory(slug="cn-company", country="CN", kind="company")
    us = DonorFactory(slug="us-ngo", country="US", kind="ngo")
    jp = DonorFactory(slug="jp-government", country="JP", kind="national-government")
    secret = DonorFactory(slug="secret", country="NZ", kind="individual")
    italy = RecipientFactory(slug="lombardy", country="IT")
    spain = RecipientFactory(slug="madrid", country="ES")
    belgium = RecipientFactory(slug="brussels", country="BE")
    nowhere = RecipientFactory(slug="nowhere", country="IS")
    plan = [
        # (donors, recipient, status, categories)
        ([cn], italy, "delivered", ["masks"]),
        ([cn], italy, "delivered", ["masks", "gloves"]),
        ([cn, us], italy, "dispatched", ["ventilators"]),
        ([cn_company], spain, "delivered", ["masks"]),
        ([cn, cn_company], spain, "pledged", ["gloves"]),
        ([us], spain, "delivered", ["masks", "ventilators"]),
        ([us], belgium, "cancelled", ["medicines"]),
        ([jp], belgium, "delivered", ["masks"]),
        ([jp, us], italy, "delivered", ["gloves", "masks"]),
        ([cn], belgium, "dispatched", []),
        ([cn], italy, "pledged", ["masks"]),
        ([us], italy, "delivered", ["test-reagents"]),
        ([jp], spain, "dispatched", ["masks"]),
        ([cn_company, jp], belgium, "delivered", ["medical-equipment"]),
    ]
    for number, (donors, recipient, status, categories) in enumerate(plan):
        shipment = ShipmentFactory(
            reference=f"F-{number:02d}",
            donors=donors,
            recipient=recipient,
            status=status,
            shipped_on=date(2020, 3, 1 + number),
        )
        for slug in categories:
            ShipmentItemFactory(shipment=shipment, category=category(slug))
    draft = ShipmentFactory(
        reference="DRAFT-1",
        donors=[secret],
        recipient=nowhere,
        status="delivered",
        is_published=False,
    )
    ShipmentItemFactory(shipment=draft, category=category("other"))
    return plan


@pytest.fixture
def small_limit(monkeypatch):
    """A count limit of 5, for the list and the JSON alike."""
    monkeypatch.setattr(listing, "COUNT_LIMIT", 5)
    monkeypatch.setattr(facets, "COUNT_LIMIT", 5)


def listing_facets(client, query=""):
    response = client.get(f"/shipments/?{query}")
    assert response.status_code == 200
    return response, {facet.name: facet for facet in response.context["facets"]}


def list_count(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.context["page"].paginator.count


def json_facets(client, query=""):
    response = client.get(f"/shipments.json?{query}")
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize(
    "query",
    ["", "status=delivered", "donor_country=CN", "category=masks&recipient_country=IT", "q=f-1"],
)
def test_following_a_count_lists_that_many_shipments(client, shipments, query):
    response, found = listing_facets(client, query)
    used = response.context["filterset"].filters_in_use()
    followed = 0
    for facet in found.values():
        # Another value of a filter in use widens the selection (any of the values).
        if facet.name in used:
            continue
        for value in facet.values:
            assert list_count(client, value.url) == value.count, (facet.name, value.value)
            followed += 1
    assert followed >= 5


# On PostgreSQL the CSV counts through a connection of its own, which sees only committed rows.
@pytest.mark.django_db(transaction=True)
def test_counts_agree_with_the_csv(client, shipments):
    _, found = listing_facets(client, "status=delivered,dispatched")
    for value in found["donor_country"].values:
        csv = client.head(value.url.replace("/shipments/", "/shipments.csv"))
        assert int(csv["X-Row-Count"]) == value.count


@pytest.mark.parametrize("query", ["", "donor_country=US", "category=masks,gloves"])
def test_status_and_recipient_counts_add_up_to_the_list(client, shipments, query):
    response, found = listing_facets(client, query)
    count = response.context["page"].paginator.count
    assert sum(value.count for value in found["status"].values) == count
    assert sum(value.count for value in found["recipient_country"].values) == count
    data = json_facets(client, query)
    assert data["count"] == count
    for name in ("status", "recipient_country"):
        assert sum(value["count"] for value in data["facets"][name]) == count


def test_a_joint_or_mixed_shipment_counts_under_each_of_its_values(client, shipments):
    _, found = listing_facets(client, "")
    counts = {name: {v.value: v.count for v in facet.values} for name, facet in found.items()}
    # Donors from CN in 8 shipments, from the US in 5, Japan in 4: 17 > 14 shipments.
    assert counts["donor_country"] == {"CN": 8, "US": 5, "JP": 4}
    assert counts["donor_kind"] == {
        "foundation": 6,
        "company": 3,
        "ngo": 5,
        "national-government": 4,
    }
    assert counts["category"]["masks"] == 8
    assert counts["category"]["gloves"] == 3
    assert counts["status"] == {"delivered": 8, "dispatched": 3, "pledged": 2, "cancelled": 1}
    assert counts["recipient_country"] == {"IT": 6, "ES": 4, "BE": 4}


def test_values_are_named_as_the_data_dictionary_names_them(client, shipments):
    _, found = listing_facets(client, "")
    labels = {name: {v.value: v.label for v in facet.values} for name, facet in found.items()}
    assert labels["donor_kind"]["ngo"] == "NGO or charity"
    assert labels["recipient_country"]["IT"] == "Italy"
    assert labels["category"]["test-reagents"] == "Tests and reagents"
    assert labels["status"]["cancelled"] == "Cancelled"
    assert [facet.label for facet in found.values()] == [
        "Status",
        "Category",
        "Donor country",
        "Recipient country",
        "Donor kind",
        "Verification",
    ]


def test_most_shipments_first(client, shipments):
    _, found = listing_facets(client, "")
    for facet in found.values():
        counts = [value.count for value in facet.values]
        assert counts == sorted(counts, reverse=True)


def test_a_link_adds_its_value_and_a_selected_one_removes_it(client, shipments):
    response, found = listing_facets(client, "donor_country=CN&sort=reference")
    values = {value.value: value for value in found["donor_country"].values}
    assert values["CN"].selected
    assert values["CN"].url == "/shipments/?sort=reference"
    assert not values["US"].selected
    assert values["US"].url == "/shipments/?donor_country=CN&donor_country=US&sort=reference"
    [italy] = [v for v in found["recipient_country"].values if v.value == "IT"]
    assert italy.url == "/shipments/?donor_country=CN&sort=reference&recipient_country=IT"
    links = hrefs(response)
    assert values["US"].url.replace("&", "&amp;") in response.content.decode()
    assert "/shipments/?sort=reference" in links
    assert 'aria-current="true"' in response.content.decode()


def test_a_link_leaves_the_page_out(client, shipments, monkeypatch):
    monkeypatch.setattr(listing, "PAGE_SIZE", 5)
    _, found = listing_facets(client, "page=2")
    assert all("page=" not in value.url for facet in found.values() for value in facet.values)


def test_unpublished_shipments_are_never_counted(client, shipments):
    response, found = listing_facets(client, "")
    values = {v.value for facet in found.values() for v in facet.values}
    assert not values & {"NZ", "IS", "individual", "other"}
    content = response.content.decode()
    section = content[content.index('id="facets-title"') : content.index('id="filter-form"')]
    assert "Italy" in section
    assert "New Zealand" not in section and "Iceland" not in section
    data = json_facets(client)
    values = {v["value"] for facet in data["facets"].values() for v in facet}
    assert not values & {"NZ", "IS", "individual", "other"}


def test_the_json_has_the_facets_as_the_issue_specifies(client, shipments):
    data = json_facets(client, "recipient_country=ES")
    assert list(data["facets"]) == FACETS
    assert data["facets_exact"] is True
    assert data["facets"]["status"] == [
        {"value": "delivered", "label": "Delivered", "count": 2},
        {"value": "dispatched", "label": "Dispatched", "count": 1},
        {"value": "pledged", "label": "Pledged", "count": 1},
    ]
    assert data["facets"]["recipient_country"] == [{"value": "ES", "label": "Spain", "count": 4}]
    for values in data["facets"].values():
        for value in values:
            assert list(value) == ["value", "label", "count"]
    assert data["facets"]["crisis"] == [
        {"value": "EP-2020-000012-001", "label": "COVID-19", "count": 4}
    ]
    _, found = listing_facets(client, "recipient_country=ES")
    # The list counts by emergency only when there are several to choose from.
    assert list(found) == [name for name in FACETS if name != "crisis"]
    for name in found:
        assert data["facets"][name] == [
            {"value": v.value, "label": v.label, "count": v.count} for v in found[name].values
        ]


def test_beyond_the_limit_counts_are_lower_bounds_and_say_so(client, shipments, small_limit):
    # Two filters: a selection whose figures are not kept in the cache.
    query = "recipient_country=IT,ES,BE&status=delivered,dispatched,pledged,cancelled"
    filterset = ShipmentFilter(QueryDict(query))
    assert filterset.is_valid()
    whole = facets.of_sample(filterset.qs, filterset.categories(), filterset.crises(), limit=100)
    assert whole.exact
    exact = {name: {v.value: v.count for v in values} for name, values in whole.values().items()}
    response, found = listing_facets(client, query)
    assert response.context["facets_exact"] is False
    for name, facet in found.items():
        for value in facet.values:
            assert value.count <= exact[name][value.value]
    # Counted on the 6 shipments read to count the list.
    assert sum(value.count for value in found["status"].values) == 6
    content = response.content.decode()
    assert "the counts are of 6 of them, so each is the least there are" in content
    assert "at least </span>" in content
    data = json_facets(client, query)
    assert data["facets_exact"] is False
    assert sum(value["count"] for value in data["facets"]["status"]) == 6


def test_facets_kept_in_the_cache_are_exact_beyond_the_limit(client, shipments, small_limit):
    response, found = listing_facets(client, "status=delivered")
    assert response.context["facets_exact"] is True
    counts = {v.value: v.count for v in found["recipient_country"].values}
    assert counts == {"IT": 4, "ES": 2, "BE": 2}
    assert "at least </span>" not in response.content.decode()


def test_facets_in_the_cache_follow_a_change(client, shipments):
    _, before = listing_facets(client, "")
    ShipmentFactory(reference="NEW-1", recipient=RecipientFactory(slug="paris", country="FR"))
    _, after = listing_facets(client, "")
    assert "FR" not in {v.value for v in before["recipient_country"].values}
    assert {v.value: v.count for v in after["recipient_country"].values}["FR"] == 1


def test_no_facets_for_an_empty_selection_or_invalid_filters(client, shipments):
    response = client.get("/shipments/?donor_country=FR")
    assert response.status_code == 200
    assert 'id="facets-title"' not in response.content.decode()
    response = client.get("/shipments/?status=lost")
    assert response.status_code == 400
    assert 'id="facets-title"' not in response.content.decode()
    assert json_facets(client, "donor_country=FR")["facets"] == {name: [] for name in FACETS}


def test_the_count_and_a_summary_come_before_the_table(client, shipments):
    response = client.get(
        "/shipments/?category=masks&donor_country=CN&recipient_country=IT&status=delivered"
    )
    content = response.content.decode()
    sentence = "2 shipments of masks from China to Italy, delivered."
    assert sentence in content
    assert content.index(sentence) < content.index('aria-labelledby="list-title"')
    assert content.index('aria-labelledby="list-title"') < content.index('id="totals-title"')
    assert content.index('id="totals-title"') < content.index('id="downloads-title"')
    assert content.index('id="facets-title"') < content.index('id="filter-form"')


def test_query_counts_are_pinned(client, shipments, django_assert_num_queries):
    client.get("/shipments/?status=lost")  # the form's choices are in the cache
    # the data version for the form's choices; the count (with the columns the facets
    # count, categories included), status totals, category totals, rejections, the
    # page of shipments (with their recipients), their donors, their lines; the moment of
    # the latest change (for the citation)
    with django_assert_num_queries(9):
        listing_facets(client, "recipient_country=IT,ES")
    # the data version; as the data is new, status totals, category totals,
    # rejections, then the facets in one grouped query of the shipments' columns; the
    # data version for the form's choices, the page, its donors, its supply lines, the
    # moment of the latest change
    with django_assert_num_queries(10):
        listing_facets(client, "recipient_country=IT")
    # each data version, the page, its donors, its supply lines, the latest change
    with django_assert_num_queries(6):
        listing_facets(client, "recipient_country=IT")


def test_the_list_shows_the_values_with_most_shipments_and_says_how_many_more(
    client, shipments, monkeypatch
):
    monkeypatch.setattr(listing, "FACET_SIZE", 1)
    _, found = listing_facets(client, "donor_country=JP,US")
    countries = found["donor_country"]
    # Every selected value stays, whatever its rank.
    assert [(v.value, v.count) for v in countries.values] == [("US", 5), ("JP", 4)]
    assert countries.more == 1
    monkeypatch.setattr(listing, "FACET_SIZE", 2)
    response, found = listing_facets(client, "")
    assert [value.value for value in found["category"].values] == ["masks", "gloves"]
    assert found["category"].more == 4
    assert "and 4 more:" in response.content.decode()
    assert len(json_facets(client)["facets"]["category"]) == 6


def test_the_list_counts_by_emergency_when_there_are_several(client, shipments):
    from shipments.models import Emergency, Shipment

    ebola = Emergency.objects.create(name="Ebola in the DRC", glide="EP-2018-000129-COD")
    Shipment.objects.filter(pk=Shipment.objects.published().first().pk).update(emergency=ebola)
    data = json_facets(client, "")
    _, found = listing_facets(client, "")
    assert [(v.value, v.label) for v in found["crisis"].values] == [
        (one["value"], one["label"]) for one in data["facets"]["crisis"]
    ]
    assert "EP-2018-000129-COD" in [one["value"] for one in data["facets"]["crisis"]]
