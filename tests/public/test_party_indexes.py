"""/donors/ and /recipients/: every party of a published shipment with its count, searchable
by name, filterable by country and kind, paged; bad parameters are a 400."""

import html
import re

import pytest

from shipments.public import parties
from tests.factories import DonorFactory, RecipientFactory, ShipmentFactory
from tests.pages import elements, hrefs, title

pytestmark = pytest.mark.django_db


def rows(response):
    """The index's rows as a reader sees them: [name, kind, country, shipments]."""
    page = response.content.decode()
    table = re.search(r'<table class="parties stacks">(.*?)</table>', page, re.S)
    if table is None:
        return []
    return [
        [
            " ".join(html.unescape(re.sub(r"<[^>]+>", "", cell)).split())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)[1:]
    ]


def result_count(response):
    found = re.search(r'<p class="result-count" role="status">(.*?)</p>', response.content.decode())
    return " ".join(html.unescape(found.group(1)).split())


def test_the_donor_index_lists_every_donor_by_count_then_name(client, demo_data):
    response = client.get("/donors/")
    assert response.status_code == 200
    assert title(response) == "Donors · AidTracker"
    assert result_count(response) == "11 donors, most shipments first."
    listed = rows(response)
    assert listed[:4] == [
        ["Chinese government", "National government", "China", "4"],
        ["Alibaba Foundation", "Foundation", "China", "2"],
        ["Fosun Foundation", "Foundation", "China", "2"],
        ["Jack Ma Foundation", "Foundation", "China", "2"],
    ]
    assert [row[3] for row in listed[4:]] == ["1"] * 7
    assert [row[0] for row in listed[4:]] == sorted(row[0] for row in listed[4:])


def test_the_recipient_index_gives_city_and_country(client, demo_data):
    response = client.get("/recipients/")
    assert result_count(response) == "9 recipients, most shipments first."
    assert rows(response)[0] == ["Recipients in Italy (not named)", "Other", "Italy", "4"]
    assert [
        "Lombardy regional government",
        "Regional or local government",
        "Milan, Italy",
        "1",
    ] in (rows(response))


def test_each_row_links_to_the_partys_page_and_its_shipments(client):
    donor = DonorFactory(slug="blue-river", name="Blue River Dairy", country="CN")
    ShipmentFactory(donors=[donor], recipient=RecipientFactory(slug="lombardy", country="IT"))
    links = hrefs(client.get("/donors/"))
    assert "/donors/blue-river/" in links
    assert "/shipments/?donor=blue-river" in links
    assert "/countries/CN/" in links
    links = hrefs(client.get("/recipients/"))
    assert {"/recipients/lombardy/", "/shipments/?recipient=lombardy"} <= set(links)


def test_a_joint_donation_counts_for_each_donor_and_unpublished_shipments_never(client):
    fosun = DonorFactory(name="Fosun Foundation")
    longfor = DonorFactory(name="Longfor Group")
    drafted = DonorFactory(name="Drafted Donor")
    ShipmentFactory(donors=[fosun, longfor])
    ShipmentFactory(donors=[fosun])
    ShipmentFactory(donors=[fosun, drafted], is_published=False)
    ShipmentFactory(
        donors=[drafted], recipient=RecipientFactory(name="Drafted Recipient"), is_published=False
    )
    listed = rows(client.get("/donors/"))
    assert [(row[0], row[3]) for row in listed] == [
        ("Fosun Foundation", "2"),
        ("Longfor Group", "1"),
    ]
    recipients = client.get("/recipients/").content.decode()
    assert "Drafted" not in recipients
    assert "Drafted" not in client.get("/donors/").content.decode()


def test_search_by_name_is_by_every_word_whatever_the_case(client, demo_data):
    listed = rows(client.get("/donors/?q=FOUNDATION+ma"))
    assert [row[0] for row in listed] == ["Jack Ma Foundation"]
    assert [row[0] for row in rows(client.get("/donors/?q=  foundation  "))] == [
        "Alibaba Foundation",
        "Fosun Foundation",
        "Jack Ma Foundation",
        "Beijing Taikang Yicai Foundation",
    ]


def test_filters_by_country_and_kind(client, demo_data):
    assert [row[0] for row in rows(client.get("/donors/?country=eu"))] == [
        "Several EU member states (not named)"
    ]
    listed = rows(client.get("/donors/?country=CN&kind=company"))
    assert [row[0] for row in listed] == [
        "Blue River Dairy",
        "Longfor Group",
        "Zoomlion Heavy Industry Science & Technology Co",
    ]
    assert [row[0] for row in rows(client.get("/recipients/?kind=regional-government"))] == [
        "Lombardy regional government",
        "Milan municipal government",
    ]


def test_the_form_offers_only_the_countries_and_kinds_listed_and_keeps_the_choice(
    client, demo_data
):
    response = client.get("/donors/?country=eu&q=member")
    options = elements(response, "option")
    countries = [o["value"] for o in options if o["value"] in {"CN", "EU", "IT", "US"}]
    assert countries == ["CN", "EU"]
    assert [o["value"] for o in options if "selected" in o] == ["EU"]
    kinds = [o["value"] for o in options][4:]
    assert "multilateral" not in kinds
    [search] = [i for i in elements(response, "input") if i.get("name") == "q"]
    assert search["value"] == "member"


def test_a_search_that_matches_nobody_says_so(client, demo_data):
    response = client.get("/donors/?q=nobody")
    assert response.status_code == 200
    assert result_count(response) == "No donor matches this search."
    assert rows(response) == []
    # A valid country where nobody gave is an empty list, not an error.
    response = client.get("/donors/?country=FR")
    assert response.status_code == 200
    assert result_count(response) == "No donor matches this search."
    assert [o["value"] for o in elements(response, "option") if "selected" in o] == ["FR"]


def test_an_index_with_no_published_shipment_says_so(client):
    ShipmentFactory(is_published=False)
    for path, noun in [("/donors/", "donors"), ("/recipients/", "recipients")]:
        response = client.get(path)
        assert response.status_code == 200
        assert result_count(response) == f"No {noun} yet: none is named on a published shipment."


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("country=ZZ", "Give a country as its two-letter ISO code"),
        ("country=italy", "Give a country as its two-letter ISO code"),
        ("kind=hospital", "“hospital” is not a kind of donor: use one of"),
        ("q=" + "x" * 201, "Ensure this value has at most 200 characters"),
    ],
)
def test_an_invalid_value_is_a_400_naming_it(client, demo_data, query, message):
    response = client.get(f"/donors/?{query}")
    assert response.status_code == 400
    assert title(response) == "Check the search: Donors · AidTracker"
    content = html.unescape(response.content.decode())
    assert message in content
    assert '<table class="parties' not in content


def test_a_recipient_kind_is_valid_on_recipients_only(client, demo_data):
    assert client.get("/recipients/?kind=hospital").status_code == 200
    assert client.get("/donors/?kind=hospital").status_code == 400


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5"])
def test_a_page_that_is_not_a_number_from_one_is_a_400(client, demo_data, page):
    assert client.get(f"/donors/?page={page}").status_code == 400


def test_pages_hold_the_index_in_order_and_keep_the_search(client, monkeypatch):
    monkeypatch.setattr(parties, "PAGE_SIZE", 2)
    for number in range(5):
        ShipmentFactory(donors=[DonorFactory(name=f"Giver {number}", country="US")])
    first = client.get("/donors/?country=US")
    assert result_count(first) == "5 donors; showing 1 to 2, most shipments first."
    assert [row[0] for row in rows(first)] == ["Giver 0", "Giver 1"]
    assert "?country=US&amp;page=2" in first.content.decode()
    last = client.get("/donors/?country=US&page=3")
    assert [row[0] for row in rows(last)] == ["Giver 4"]
    assert title(last) == "Donors, page 3 · AidTracker"
    assert client.get("/donors/?country=US&page=4").status_code == 404


def test_both_indexes_are_in_the_navigation(client, db):
    response = client.get("/donors/")
    nav = re.search(r'<nav class="site-nav".*?</nav>', response.content.decode(), re.S).group(0)
    assert '<a href="/donors/" aria-current="page">Donors</a>' in nav
    assert '<a href="/recipients/">Recipients</a>' in nav


def test_counts_follow_a_newly_published_shipment(client):
    donor = DonorFactory(name="Giver")
    ShipmentFactory(donors=[donor])
    assert rows(client.get("/donors/"))[0][3] == "1"
    shipment = ShipmentFactory(donors=[donor], is_published=False)
    assert rows(client.get("/donors/"))[0][3] == "1"
    shipment.is_published = True
    shipment.save()
    assert rows(client.get("/donors/"))[0][3] == "2"


@pytest.mark.parametrize("path", ["/donors/", "/recipients/"])
def test_query_count_is_constant_in_the_number_of_parties(client, path, django_assert_num_queries):
    def fetch(query=""):
        # Drawn afresh: the data version, then every party's count in one grouped query.
        with django_assert_num_queries(2):
            assert client.get(f"{path}{query}").status_code == 200
        # From the cache: the data version only, whatever is searched.
        with django_assert_num_queries(1):
            assert client.get(f"{path}?q=giver&country=it&page=1").status_code == 200

    ShipmentFactory()
    fetch()
    for number in range(30):
        ShipmentFactory(
            donors=[DonorFactory(name=f"Giver {number}"), DonorFactory()],
            recipient=RecipientFactory(name=f"Taker {number}"),
        )
    fetch("?q=giver")
