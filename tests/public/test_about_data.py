"""The data dictionary: generated from the export columns and the models' choices."""

import pytest
from markupsafe import escape

from donors.models import Donor, Recipient
from shipments.columns import EU_ALPHA3, ITEM_COLUMNS, SHIPMENT_COLUMNS
from shipments.filters import ShipmentFilter
from shipments.models import QuantityKind, Rejection, Shipment, SupplyCategory, Unit
from shipments.public import glossary
from shipments.sorts import sort_choices
from tests.factories import ShipmentItemFactory
from tests.pages import title

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(client):
    response = client.get("/about/data/")
    assert response.status_code == 200
    return response.content.decode()


def test_every_column_of_both_csvs_is_documented_in_file_order(page):
    for columns, anchor in [
        (SHIPMENT_COLUMNS, 'id="shipments-csv"'),
        (ITEM_COLUMNS, 'id="items-csv"'),
    ]:
        section = page[page.index(anchor) :]
        positions = [section.index(f"<code>{column.name}</code>") for column in columns]
        assert positions == sorted(positions)
        for column in columns:
            assert escape(column.description) in section


def test_every_column_s_hxl_tag_is_beside_it(page):
    for columns, anchor in [
        (SHIPMENT_COLUMNS, 'id="shipments-csv"'),
        (ITEM_COLUMNS, 'id="items-csv"'),
    ]:
        section = page[page.index(anchor) :]
        for column in columns:
            row = section[section.index(f"<code>{column.name}</code>") :]
            row = row[: row.index("</tr>")]
            assert f'<td data-label="HXL hashtag" class="hxl"><code>{column.hxl}</code></td>' in row


def test_the_page_explains_hxl_and_the_eu_s_alpha3_code(page):
    hxl = page[page.index('id="hxl"') : page.index('id="country-codes"')]
    assert "<code>hxl=1</code>" in hxl
    assert "<code>+funder</code>" in hxl
    assert "<code>+impl</code>" in hxl
    codes = page[page.index('id="country-codes"') :]
    assert "<code>recipient_country_iso3</code>" in codes
    assert f"as <code>{EU_ALPHA3}</code>" in codes


@pytest.mark.parametrize(
    ("choices", "definitions"),
    [
        (Shipment.Status, glossary.STATUSES),
        (Shipment.Terms, glossary.TERMS),
        (Unit, glossary.UNITS),
        (QuantityKind, glossary.QUANTITY_KINDS),
        (Rejection.Kind, glossary.REJECTION_KINDS),
        (Rejection.Reason, glossary.REJECTION_REASONS),
        (Donor.Kind, glossary.DONOR_KINDS),
        (Recipient.Kind, glossary.RECIPIENT_KINDS),
    ],
)
def test_every_choice_has_a_definition_on_the_page(page, choices, definitions):
    assert set(definitions) == set(choices.values)
    for value in choices.values:
        assert f"<code>{value}</code>" in page
        assert escape(definitions[value]) in page


def test_every_field_of_the_json_totals_is_documented_in_order(client, page):
    ShipmentItemFactory()
    [row] = client.get("/shipments.json").json()["totals"]
    assert list(row) == list(glossary.TOTALS_FIELDS)
    section = page[page.index('id="json-totals"') :]
    positions = [section.index(f"<code>{name}</code>") for name in row]
    assert positions == sorted(positions)
    for definition in glossary.TOTALS_FIELDS.values():
        assert escape(definition) in section


def test_every_facet_of_the_json_and_its_fields_are_documented(client, page):
    ShipmentItemFactory()
    data = client.get("/shipments.json").json()
    assert list(data["facets"]) == list(glossary.FACETS)
    [value] = data["facets"]["status"]
    assert [*value, "facets_exact"] == list(glossary.FACET_FIELDS)
    section = page[page.index('id="json-facets"') :]
    for name in [*glossary.FACETS, *glossary.FACET_FIELDS]:
        assert f"<code>{name}</code>" in section
    for definition in [*glossary.FACETS.values(), *glossary.FACET_FIELDS.values()]:
        assert escape(definition) in section


def test_every_category_is_defined(page):
    for supply_category in SupplyCategory.objects.all():
        assert f"<code>{supply_category.slug}</code>" in page
        assert supply_category.description in page


def test_sourcing_policy_and_licences(page):
    assert "Unknown quantities are unknown, not zero." in page
    assert "Pledges are never added to deliveries." in page
    assert "Cumulative figures" in page
    assert "CC BY 4.0" in page
    assert "AGPL-3.0-or-later" in page


def test_about_page_has_a_title(client, db):
    assert title(client.get("/about/data/")) == "About the data · AidTracker"


def test_about_query_count(client, django_assert_num_queries):
    # the supply categories, the emergencies
    with django_assert_num_queries(2):
        assert client.get("/about/data/").status_code == 200


def test_every_parameter_of_the_list_and_the_exports_is_documented_in_order(page):
    known = ShipmentFilter().known_parameters()
    assert set(glossary.PARAMETERS) == set(known)
    section = page[page.index('id="filter-parameters"') :]
    positions = [section.index(f"<dt><code>{name}</code></dt>") for name in glossary.PARAMETERS]
    assert positions == sorted(positions)
    for definition in glossary.PARAMETERS.values():
        assert escape(definition) in section
    # The parameters that may repeat are named, and only those.
    repeats = section[section.index("may repeat") : section.index("Different parameters")]
    for name in known:
        assert (f"<code>{name}</code>" in repeats) == (
            name
            in {
                "donor_country",
                "recipient_country",
                "donor_name",
                "recipient_name",
                "donor",
                "recipient",
                "donor_kind",
                "category",
                "status",
                "quality",
                "verification",
                "crisis",
            }
        )


def test_every_sort_key_is_documented(page):
    section = page[page.index('id="sort-keys"') :]
    for value, label in sort_choices():
        assert f"<dt><code>{value}</code></dt><dd>{escape(label)}</dd>" in section
