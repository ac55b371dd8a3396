"""The crisis filter and column: shipments by their emergency's GLIDE number, alike on the
list, both CSVs and the JSON."""

import csv
import io

import pytest

from shipments.models import Emergency, Shipment
from tests.pages import listed_references

# On PostgreSQL the CSVs are read on a connection of their own, which cannot
# see a test's uncommitted data, so these tests commit (transaction=True).
pytestmark = pytest.mark.django_db(transaction=True)

COVID = "EP-2020-000012-001"
EBOLA = "EP-2018-000129-COD"
QUAKE = "EQ-2023-000015-TUR"


def body(response):
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(body(response))))


@pytest.fixture
def crises(world):
    """The world's shipments for COVID-19 but two: BE-1 (published) and DRAFT-1 (not) for
    Ebola; and an earthquake whose only shipment is unpublished."""
    ebola = Emergency.objects.create(name="Ebola in the DRC", glide=EBOLA)
    quake = Emergency.objects.create(name="Türkiye earthquake", glide=QUAKE)
    Shipment.objects.filter(reference__in=["BE-1", "DRAFT-1"]).update(emergency=ebola)
    draft = Shipment.objects.get(reference="DRAFT-1")
    draft.pk = None
    draft.reference = "DRAFT-2"
    draft.emergency = quake
    draft.save()
    return {"ebola": ebola, "quake": quake}


def selected(client, query):
    """The references each renderer selects for `query`: the list, both CSVs, the JSON."""
    return {
        "list": sorted(listed_references(client.get(f"/shipments/?{query}"))),
        "shipments.csv": sorted(
            row["reference"] for row in csv_rows(client.get(f"/shipments.csv?{query}"))
        ),
        "items.csv": sorted(
            {row["shipment_reference"] for row in csv_rows(client.get(f"/items.csv?{query}"))}
        ),
        "json": sorted(
            one["reference"] for one in client.get(f"/shipments.json?{query}").json()["results"]
        ),
    }


@pytest.mark.parametrize(
    "query, expected",
    [
        (f"crisis={EBOLA}", ["BE-1"]),
        (f"crisis={EBOLA.lower()}", ["BE-1"]),
        (f"crisis={COVID}", ["CN-1", "IT-1"]),
        (f"crisis={COVID}&crisis={EBOLA}", ["BE-1", "CN-1", "IT-1"]),
        (f"crisis={COVID},{EBOLA}", ["BE-1", "CN-1", "IT-1"]),
        (f"crisis={EBOLA}&status=dispatched", []),
        # Only unpublished shipments: nothing, as for any other filter.
        (f"crisis={QUAKE}", []),
    ],
)
def test_every_renderer_selects_the_same_published_shipments(client, crises, query, expected):
    found = selected(client, query)
    assert found == dict.fromkeys(found, expected)


@pytest.mark.parametrize(
    "value, message",
    [
        ("COVID-19", "is not a GLIDE number: write it as XX-YYYY-NNNNNN-CCC"),
        ("EP-2020-12-001", "is not a GLIDE number"),
        ("FL-2013-000139-PHL", "No emergency has the GLIDE number FL-2013-000139-PHL"),
    ],
)
@pytest.mark.parametrize("path", ["/shipments.csv", "/items.csv", "/shipments.json"])
def test_a_wrong_glide_number_is_a_400_naming_the_parameter(client, crises, path, value, message):
    response = client.get(path, {"crisis": value})
    assert response.status_code == 400
    text = response.content.decode()
    assert "crisis: " in text
    assert message in text


def test_an_unknown_glide_number_names_the_recorded_ones(client, crises):
    text = client.get("/shipments.csv", {"crisis": "FL-2013-000139-PHL"}).content.decode()
    assert f"{COVID} (COVID-19)" in text
    assert f"{EBOLA} (Ebola in the DRC)" in text


@pytest.mark.parametrize("value", ["COVID-19", "FL-2013-000139-PHL", "\x00", "x" * 300])
def test_the_list_answers_a_wrong_glide_number_with_its_form_error(client, crises, value):
    response = client.get("/shipments/", {"crisis": value})
    assert response.status_code == 400
    assert "field-crisis has-error" in response.content.decode()


def test_the_csvs_and_the_json_name_each_shipments_crisis(client, crises):
    shipments = {row["reference"]: row["crisis"] for row in csv_rows(client.get("/shipments.csv"))}
    assert shipments == {"BE-1": EBOLA, "IT-1": COVID, "CN-1": COVID}
    items = {
        (row["shipment_reference"], row["crisis"]) for row in csv_rows(client.get("/items.csv"))
    }
    assert items == {("BE-1", EBOLA), ("IT-1", COVID), ("CN-1", COVID)}
    results = client.get("/shipments.json").json()["results"]
    assert {one["reference"]: (one["crisis"], one["crisis_name"]) for one in results} == {
        "BE-1": (EBOLA, "Ebola in the DRC"),
        "IT-1": (COVID, "COVID-19"),
        "CN-1": (COVID, "COVID-19"),
    }


def test_crisis_is_appended_after_the_columns_that_came_before_it(client, crises):
    # Columns added since (verification, last_changed) come after it: a file's columns
    # only ever grow at its end.
    for path in ["/shipments.csv", "/items.csv"]:
        header = body(client.get(path)).splitlines()[0].split(",")
        assert header[header.index("crisis") :] == ["crisis", "verification", "last_changed"]


def test_the_list_names_the_crisis_it_is_filtered_by(client, crises):
    page = client.get("/shipments/", {"crisis": EBOLA}).content.decode()
    assert "1 shipment for Ebola in the DRC" in page
    # The active filter, with a link that removes it.
    assert "Ebola in the DRC" in page[page.index("Emergency") :]


def test_the_list_offers_the_emergencies_only_when_there_are_several(client, world):
    page = client.get("/shipments/").content.decode()
    assert "field-crisis" not in page
    Emergency.objects.create(name="Ebola in the DRC", glide=EBOLA)
    page = client.get("/shipments/").content.decode()
    assert "field-crisis" in page
    assert f'value="{EBOLA}"' in page
    assert f'value="{COVID}"' in page


def test_one_emergency_carries_a_crisis_given_by_a_link(client, world):
    page = client.get("/shipments/", {"crisis": COVID}).content.decode()
    assert "field-crisis" not in page
    assert f'<input type="hidden" name="crisis" value="{COVID}">' in page


def test_the_file_name_says_the_crisis(client, crises):
    response = client.get("/shipments.csv", {"crisis": EBOLA})
    assert f"crisis-{EBOLA}" in response["Content-Disposition"]


def test_the_data_dictionary_documents_the_emergencies_and_the_column(client, crises):
    page = client.get("/about/data/").content.decode()
    section = page[page.index('id="emergencies"') :]
    for glide, name in [(COVID, "COVID-19"), (EBOLA, "Ebola in the DRC"), (QUAKE, "Türkiye")]:
        assert f"<code>{glide}</code>" in section
        assert name in section
    assert "<code>crisis</code>" in page[page.index('id="shipments-csv"') :]


def test_a_shipments_page_names_its_emergency_and_links_to_its_list(client, crises):
    page = client.get("/shipments/BE-1/").content.decode()
    assert "<dt>Emergency</dt>" in page
    assert f'<a href="/shipments/?crisis={EBOLA}">Ebola in the DRC</a>' in page
    assert f"<code>{EBOLA}</code>" in page
