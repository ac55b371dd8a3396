"""Filters a reader can use: dates in one format, arrival dates, countries with their
counts, and donors and recipients chosen by name; the list, both CSVs and the JSON agree.
"""

import csv
import io
import json
import re
from datetime import date

import pytest
from markupsafe import escape

from donors.models import Donor, Recipient
from shipments.models import Shipment
from tests.factories import (
    DonorFactory,
    RecipientFactory,
    ShipmentFactory,
    ShipmentItemFactory,
    SourceFactory,
)
from tests.pages import elements, listed_references

# The CSVs read through a connection of their own on PostgreSQL: the data is committed.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def arrivals():
    """Published shipments arrived on the 10th, 12th and 20th of March (the last shipped
    first), one not arrived, and a draft that arrived on the 12th."""
    lombardy = RecipientFactory(slug="lombardy", name="Lombardy", country="IT")
    madrid = RecipientFactory(slug="madrid", name="Comunidad de Madrid", country="ES")
    jack_ma = DonorFactory(slug="jack-ma", name="Jack Ma Foundation", country="CN")
    for reference, recipient, shipped, arrived, published in [
        ("A-10", lombardy, date(2020, 3, 8), date(2020, 3, 10), True),
        ("A-12", madrid, date(2020, 3, 9), date(2020, 3, 12), True),
        ("A-20", lombardy, date(2020, 3, 5), date(2020, 3, 20), True),
        ("A-NONE", madrid, date(2020, 3, 15), None, True),
        ("A-DRAFT", lombardy, date(2020, 3, 10), date(2020, 3, 12), False),
    ]:
        shipment = ShipmentFactory(
            reference=reference,
            recipient=recipient,
            donors=[jack_ma],
            shipped_on=shipped,
            arrived_on=arrived,
            status="delivered" if arrived else "dispatched",
            is_published=published,
        )
        ShipmentItemFactory(shipment=shipment)
        SourceFactory(shipment=shipment)


def csv_references(client, path, query):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    column = "reference" if path == "/shipments.csv" else "shipment_reference"
    found = []
    for row in csv.DictReader(io.StringIO(text)):
        if row[column] not in found:
            found.append(row[column])
    return found


def selections(client, query):
    """The references each rendering lists for `query`, in its order."""
    page = client.get(f"/shipments/?{query}")
    assert page.status_code == 200, page.content
    data = json.loads(client.get(f"/shipments.json?{query}").content)
    return {
        "list": listed_references(page),
        "shipments.csv": csv_references(client, "/shipments.csv", query),
        "items.csv": csv_references(client, "/items.csv", query),
        "json": [shipment["reference"] for shipment in data["results"]],
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("arrived_after=2020-03-12", ["A-20", "A-12"]),
        ("arrived_before=2020-03-12", ["A-12", "A-10"]),
        ("arrived_after=2020-03-12&arrived_before=2020-03-12", ["A-12"]),
        ("arrived_after=2020-03-21", []),
        ("arrived_after=2020-03-01&recipient_country=IT", ["A-20", "A-10"]),
        ("sort=arrived_on", ["A-10", "A-12", "A-20", "A-NONE"]),
        ("sort=-arrived_on", ["A-20", "A-12", "A-10", "A-NONE"]),
        ("arrived_before=2020-03-31&sort=-arrived_on", ["A-20", "A-12", "A-10"]),
        # Selected by arrival, listed by arrival unless another order is asked for.
        ("arrived_before=2020-03-31", ["A-20", "A-12", "A-10"]),
        ("arrived_before=2020-03-31&sort=-shipped_on", ["A-12", "A-10", "A-20"]),
        ("arrived_before=", ["A-NONE", "A-12", "A-10", "A-20"]),
        ("", ["A-NONE", "A-12", "A-10", "A-20"]),
    ],
)
def test_arrival_dates_select_alike_everywhere(client, arrivals, query, expected):
    found = selections(client, query)
    assert found == dict.fromkeys(found, expected)


@pytest.mark.parametrize("path", ["/shipments/", "/shipments.csv", "/items.csv", "/shipments.json"])
@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("arrived_after=12/03/2020", "arrived_after"),
        ("arrived_before=2020-02-30", "arrived_before"),
        ("arrived_after=2020-03-01&arrived_before=%00", "arrived_before"),
    ],
)
def test_a_bad_arrival_date_is_a_400_naming_it(client, arrivals, path, query, parameter):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert parameter in response.content.decode()


def test_date_boxes_are_text_in_the_one_format_of_the_messages(client, arrivals):
    response = client.get("/shipments/")
    boxes = {attrs["name"]: attrs for attrs in elements(response, "input")}
    for name in ["shipped_after", "shipped_before", "arrived_after", "arrived_before"]:
        box = boxes[name]
        # Not the browser's date picker, which shows the reader's local format.
        assert box["type"] == "text"
        assert box["placeholder"] == "YYYY-MM-DD"
        hint = response.content.decode().split(f'id="{box["aria-describedby"]}">', 1)[1]
        assert hint.startswith("YYYY-MM-DD, e.g. 2020-03-18.")


def test_an_invalid_date_stays_in_its_box_with_the_error_beside_it(client, arrivals):
    response = client.get("/shipments/?arrived_after=12/03/2020&shipped_before=2020-03-31")
    assert response.status_code == 400
    page = response.content.decode()
    [box] = [attrs for attrs in elements(response, "input") if attrs["name"] == "arrived_after"]
    assert box["value"] == "12/03/2020"
    assert box["aria-invalid"] == "true"
    assert "id_arrived_after_error" in box["aria-describedby"].split()
    assert (
        '<p class="field-error" id="id_arrived_after_error">'
        "Enter a date as YYYY-MM-DD, e.g. 2020-03-18.</p>" in page
    )
    [valid] = [attrs for attrs in elements(response, "input") if attrs["name"] == "shipped_before"]
    assert valid["value"] == "2020-03-31"


def test_an_arrival_filter_is_named_and_kept_in_the_downloads(client, arrivals):
    response = client.get("/shipments/?arrived_after=2020-03-12")
    page = response.content.decode()
    assert "Arrived on or after: 2020-03-12" in page
    assert "/shipments.csv?arrived_after=2020-03-12" in page
    csv_response = client.get("/shipments.csv?arrived_after=2020-03-12")
    assert "arrived_after-2020-03-12" in csv_response["Content-Disposition"]


def test_the_data_dictionary_documents_the_arrival_parameters(client, db):
    page = client.get("/about/data/").content.decode()
    for name in ["arrived_after", "arrived_before", "shipped_after", "sort"]:
        assert f"<code>{name}</code>" in page
    assert "arrived_on" in page


@pytest.fixture
def parties():
    """Published shipments: three from China (two by Jack Ma Foundation, one with a French
    co-donor) to Italy and Spain; a draft from Germany to Greece, whose parties are known
    only to staff."""
    jack_ma = DonorFactory(slug="jack-ma", name="Jack Ma Foundation", country="CN")
    alibaba = DonorFactory(slug="alibaba", name="Alibaba Foundation", country="CN")
    france = DonorFactory(slug="france", name="French government", country="FR")
    germany = DonorFactory(slug="germany", name="German government", country="DE")
    lombardy = RecipientFactory(slug="lombardy", name="Lombardy", country="IT")
    madrid = RecipientFactory(slug="madrid", name="Comunidad de Madrid", country="ES")
    athens = RecipientFactory(slug="athens", name="Athens hospitals", country="GR")
    for reference, donors, recipient, published in [
        ("P-1", [jack_ma], lombardy, True),
        ("P-2", [jack_ma, france], madrid, True),
        ("P-3", [alibaba], lombardy, True),
        ("P-DRAFT", [germany, jack_ma], athens, False),
    ]:
        shipment = ShipmentFactory(
            reference=reference, donors=donors, recipient=recipient, is_published=published
        )
        ShipmentItemFactory(shipment=shipment)
        SourceFactory(shipment=shipment)


def options(response, name):
    """(value, text) of each option of the select `name`."""
    page = response.content.decode()
    select = page[page.index(f'<select name="{name}"') :]
    select = select[: select.index("</select>")]
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def test_countries_offered_are_those_with_published_shipments_with_their_counts(client, parties):
    response = client.get("/shipments/")
    # A shipment with a Chinese and a French donor counts once for each country.
    assert options(response, "donor_country") == [("CN", "China (3)"), ("FR", "France (1)")]
    assert options(response, "recipient_country") == [("IT", "Italy (2)"), ("ES", "Spain (1)")]


def test_a_country_chosen_without_published_shipments_stays_selected(client, parties):
    response = client.get("/shipments/?recipient_country=GR,it")
    assert options(response, "recipient_country") == [
        ("GR", "Greece (0)"),
        ("IT", "Italy (2)"),
        ("ES", "Spain (1)"),
    ]
    selected = {attrs["value"] for attrs in elements(response, "option") if "selected" in attrs}
    assert {"GR", "IT"} <= selected
    assert "ES" not in selected


def test_the_choices_follow_the_data(client, parties):
    assert ("DE", "Germany (0)") not in options(client.get("/shipments/"), "donor_country")
    Shipment.objects.filter(reference="P-DRAFT").update(is_published=True)
    response = client.get("/shipments/")
    assert options(response, "donor_country") == [
        ("CN", "China (4)"),
        ("FR", "France (1)"),
        ("DE", "Germany (1)"),
    ]
    assert ("GR", "Greece (1)") in options(response, "recipient_country")


def suggested(response, name):
    page = response.content.decode()
    [box] = [attrs for attrs in elements(response, "input") if attrs.get("name") == name][:1]
    datalist = page[page.index(f'<datalist id="{box["list"]}">') :]
    datalist = datalist[: datalist.index("</datalist>")]
    return re.findall(r'<option value="([^"]*)">', datalist)


def test_name_boxes_suggest_the_published_parties_the_most_shipments_first(client, parties):
    response = client.get("/shipments/")
    assert suggested(response, "donor_name") == [
        "Jack Ma Foundation",
        "Alibaba Foundation",
        "French government",
    ]
    assert suggested(response, "recipient_name") == ["Lombardy", "Comunidad de Madrid"]
    # Each box is labelled, and says how to write a name.
    [box] = [attrs for attrs in elements(response, "input") if attrs.get("name") == "donor_name"]
    assert f'<label for="{box["id"]}">Donor</label>' in response.content.decode()
    assert box["type"] == "text"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("donor_name=Jack+Ma+Foundation", ["P-2", "P-1"]),
        ("donor_name=jack+ma+FOUNDATION", ["P-2", "P-1"]),
        ("donor_name=++Alibaba+Foundation+", ["P-3"]),
        ("donor_name=Alibaba+Foundation&donor_name=French+government", ["P-3", "P-2"]),
        ("recipient_name=lombardy", ["P-3", "P-1"]),
        ("recipient_name=Lombardy&donor_name=Jack+Ma+Foundation", ["P-1"]),
        ("donor_name=Jack+Ma+Foundation&donor=france", ["P-2"]),
        ("recipient_name=Comunidad+de+Madrid&recipient=lombardy", []),
        # The slugs still work, alone.
        ("donor=jack-ma", ["P-2", "P-1"]),
        ("recipient=lombardy", ["P-3", "P-1"]),
    ],
)
def test_parties_by_name_select_alike_everywhere(client, parties, query, expected):
    found = selections(client, f"{query}&sort=-reference")
    assert found == dict.fromkeys(found, expected)


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        (
            "donor_name=Jak+Ma+Foundation",
            "donor_name",
            "No donor with published shipments is named “Jak Ma Foundation”. "
            "Did you mean “Jack Ma Foundation”?",
        ),
        (
            "donor_name=jack-ma",
            "donor_name",
            "No donor with published shipments is named “jack-ma”. "
            "Did you mean “Jack Ma Foundation”?",
        ),
        (
            "recipient_name=Lombardia",
            "recipient_name",
            "No recipient with published shipments is named “Lombardia”. Did you mean “Lombardy”?",
        ),
        (
            "recipient_name=Lombardy&recipient_name=Nowhere+at+all",
            "recipient_name",
            "No recipient with published shipments is named “Nowhere at all”.",
        ),
        # Known only to staff: as unknown to the public as a name never entered.
        (
            "donor_name=German+government",
            "donor_name",
            "No donor with published shipments is named “German government”. "
            "Did you mean “French government”?",
        ),
        ("recipient_name=Athens+hospitals", "recipient_name", "is named “Athens hospitals”."),
    ],
)
def test_an_unknown_name_is_a_400_suggesting_a_published_one(
    client, parties, query, parameter, message
):
    page = client.get(f"/shipments/?{query}")
    assert page.status_code == 400
    assert escape(message) in page.content.decode()
    for path in ["/shipments.csv", "/items.csv", "/shipments.json"]:
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400
        assert f"{parameter}: " in response.content.decode()
        assert message in response.content.decode()
    # The name given is repeated (in the box, and the other languages' links), no other.
    given = page.content.decode().replace("Athens hospitals", "").replace("Athens+hospitals", "")
    assert "Athens" not in given


def test_an_unknown_name_stays_in_its_box(client, parties):
    response = client.get("/shipments/?donor_name=Jak+Ma+Foundation&donor_name=Alibaba+Foundation")
    boxes = [attrs for attrs in elements(response, "input") if attrs.get("name") == "donor_name"]
    assert [box.get("value") for box in boxes] == ["Jak Ma Foundation", "Alibaba Foundation", None]
    assert boxes[0]["aria-invalid"] == "true"
    assert "id_donor_name_error" in boxes[0]["aria-describedby"].split()
    # The others are labelled too: the next name given, and one more to add.
    assert [box.get("aria-label") for box in boxes[1:]] == ["Donor 2", "Another donor"]


def test_a_name_is_named_in_the_active_filters_and_kept_in_the_downloads(client, parties):
    page = client.get("/shipments/?donor_name=jack+ma+foundation").content.decode()
    assert "Donor: Jack Ma Foundation" in page
    assert "/shipments.csv?donor_name=jack+ma+foundation" in page
    response = client.get("/shipments.csv?donor_name=jack+ma+foundation")
    assert "donor_name-Jack-Ma-Foundation" in response["Content-Disposition"]


def test_a_slug_from_a_partys_page_is_named_and_carried_along(client, parties):
    response = client.get("/shipments/?donor=jack-ma&donor=no-such-donor")
    page = response.content.decode()
    assert "Donor: Jack Ma Foundation" in page
    assert "Donor: no-such-donor" in page
    hidden = [attrs for attrs in elements(response, "input") if attrs.get("name") == "donor"]
    assert [(box["type"], box["value"]) for box in hidden] == [
        ("hidden", "jack-ma"),
        ("hidden", "no-such-donor"),
    ]


def test_the_list_queries_as_many_times_whatever_the_parties(
    client, parties, django_assert_num_queries
):
    query = (
        "donor_name=Jack+Ma+Foundation&donor=france&recipient_name=comunidad+de+madrid"
        "&donor_country=CN"
    )
    # Cold, the data version and the form's choices (countries given from and
    # to, donor and recipient names, categories, emergencies); then the count, the donors
    # named by slug or by name (one query), the recipients named, status
    # totals, category totals, rejections, the page of shipments (with their
    # recipients), their donors, their supply lines; the moment of the latest change,
    # for the citation.
    with django_assert_num_queries(16):
        assert listed_references(client.get(f"/shipments/?{query}")) == ["P-2"]
    with django_assert_num_queries(10):
        assert listed_references(client.get(f"/shipments/?{query}")) == ["P-2"]
    # More shipments of the selection, with more parties: as many queries.
    jack_ma, france = Donor.objects.filter(slug__in=["jack-ma", "france"])
    madrid = Recipient.objects.get(slug="madrid")
    for n in range(10):
        donors = [jack_ma, france, DonorFactory(name=f"Donor {n}", country="CN")]
        ShipmentItemFactory(shipment=ShipmentFactory(donors=donors, recipient=madrid))
    client.get(f"/shipments/?{query}")
    with django_assert_num_queries(10):
        assert len(listed_references(client.get(f"/shipments/?{query}"))) == 11


def test_a_selection_by_arrival_shows_its_order_in_the_form_and_headings(client, arrivals):
    response = client.get("/shipments/?arrived_after=2020-03-01")
    selected = {attrs["value"] for attrs in elements(response, "option") if "selected" in attrs}
    assert "-arrived_on" in selected
    assert "-shipped_on" not in selected
    # No column heading sorts by arrival: none says it is the current order, while the
    # Date column's (by shipping date) does for the list unselected.
    assert not [attrs for attrs in elements(response, "th") if "aria-sort" in attrs]
    unselected = client.get("/shipments/")
    sorted_by = [attrs["aria-sort"] for attrs in elements(unselected, "th") if "aria-sort" in attrs]
    assert sorted_by == ["descending"]
