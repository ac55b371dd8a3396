"""The row form: one line of the import file read on its own, by the models' rules."""

import datetime

import pytest

from donors.models import Donor
from shipments.imports.rows import Party, SupplyLineForm
from shipments.models import ShipmentItem, SupplyCategory, Unit, reference_validator
from tests.imports.test_import import row

pytestmark = pytest.mark.django_db


@pytest.fixture
def categories():
    return {category.slug: category for category in SupplyCategory.objects.all()}


def read(categories, **values):
    return SupplyLineForm(row(**values), categories=categories)


def test_a_row_means_a_shipment_its_parties_and_a_supply_line(categories):
    form = read(
        categories,
        status="Delivered",
        donors="Fosun Foundation; Longfor Group",
        donor_countries="cn; CN",
        donor_kinds="foundation; company",
        quantity="",
        quantity_note="tens of thousands",
        quantity_is_estimate="yes",
    )
    assert form.is_valid(), form.errors
    said = form.shipment_columns()
    assert said.reference == "2020-CN-IT-001"
    assert said.fields["status"] == "delivered"
    assert said.fields["shipped_on"] == datetime.date(2020, 3, 12)
    assert said.fields["origin_country"] == ""  # blank: from the parties
    assert said.donors == [
        Party("Fosun Foundation", "CN", "foundation"),
        Party("Longfor Group", "CN", "company"),
    ]
    assert said.recipient == Party("Italian Red Cross", "IT", "red-cross")
    item = form.item_values()
    assert item["category"] == categories["masks"]
    # No kind given: a line without a figure has none.
    assert (item["quantity"], item["quantity_note"], item["quantity_kind"]) == (
        None,
        "tens of thousands",
        "unknown",
    )


def test_a_reference_the_model_refuses_gets_the_models_message(categories):
    form = read(categories, shipment_reference="bad ref")
    assert form.errors["shipment_reference"] == [reference_validator.message]


def test_an_over_long_description_gets_the_models_max_length(categories):
    max_length = ShipmentItem._meta.get_field("description").max_length
    form = read(categories, description="x" * (max_length + 1))
    assert form.errors["description"] == [
        f"Ensure this value has at most {max_length} characters (it has {max_length + 1})."
    ]


def test_codes_are_the_models_choices(categories):
    form = read(categories, unit="crates", donor_kinds="charity")
    assert form.errors["unit"] == [f"'crates' is not one of: {', '.join(Unit.values)}."]
    assert form.errors["donor_kinds"] == [
        f"'charity' is not one of: {', '.join(Donor.Kind.values)}."
    ]


def test_the_models_clean_judges_the_row(categories):
    form = read(categories, shipped_on="2020-03-14", arrived_on="2020-03-10")
    assert form.errors["arrived_on"] == ["The arrival date cannot be before the shipping date."]
    form = read(categories, quantity="", quantity_note="")
    assert "say what the source says" in form.errors["quantity_note"][0]
    form = read(categories, origin_country="IT", destination_country="it")
    assert "different countries" in form.errors["destination_country"][0]


def test_cells_are_read_as_the_export_writes_them(categories):
    form = read(categories, description="'=cmd|calc", quantity="1000.0", shipped_on="")
    assert form.is_valid(), form.errors
    assert form.item_values()["description"] == "=cmd|calc"
    assert form.item_values()["quantity"] == 1000
    assert form.shipment_columns().fields["shipped_on"] is None  # blank: unknown


def test_dates_are_written_yyyy_mm_dd(categories):
    form = read(categories, shipped_on="03/12/2020")
    assert form.errors["shipped_on"] == [
        "'03/12/2020' is not a date; write it as YYYY-MM-DD, e.g. 2020-03-18."
    ]


def test_donor_lists_give_one_value_per_donor(categories):
    form = read(categories, donors="A; B", donor_countries="CN")
    assert "2 donors, 1 values" in form.errors["donor_countries"][0]


def test_a_later_row_of_a_shipment_reads_only_its_supply_line(categories):
    form = SupplyLineForm(row(status="bogus"), categories=categories, shipment=False)
    assert form.is_valid(), form.errors
    assert form.item_values()["description"] == "Surgical masks"


def test_reading_a_row_touches_no_database(categories, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert read(categories).is_valid()
