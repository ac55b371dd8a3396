"""Filters a reader can use: dates in one format, arrival dates, countries with their
counts, and donors and recipients chosen by name; the list, both CSVs and the JSON agree.
"""

import csv
import io
import json
from datetime import date

import pytest

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
    """Published shipments arrived on the 10th, 12th and 20th of March, one not arrived, and a
    draft that arrived on the 12th."""
    lombardy = RecipientFactory(slug="lombardy", name="Lombardy", country="IT")
    madrid = RecipientFactory(slug="madrid", name="Comunidad de Madrid", country="ES")
    jack_ma = DonorFactory(slug="jack-ma", name="Jack Ma Foundation", country="CN")
    for reference, recipient, shipped, arrived, published in [
        ("A-10", lombardy, date(2020, 3, 8), date(2020, 3, 10), True),
        ("A-12", madrid, date(2020, 3, 9), date(2020, 3, 12), True),
        ("A-20", lombardy, date(2020, 3, 11), date(2020, 3, 20), True),
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
