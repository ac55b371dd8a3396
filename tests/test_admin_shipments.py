"""Entering a shipment on one page, and the shipment list staff work from."""

import pytest

from shipments.models import Shipment
from tests.admin_forms import SHIPMENT_URL, change_url, existing_shipment_data, shipment_data
from tests.factories import (
    DonorFactory,
    RecipientFactory,
    ShipmentFactory,
    ShipmentItemFactory,
    category,
)

pytestmark = pytest.mark.django_db

ADD_URL = f"{SHIPMENT_URL}add/"


def test_inlines_save_items_and_sources_with_the_shipment(data_entry_client, data_entry):
    donor, recipient = DonorFactory(country="CN"), RecipientFactory(country="IT")
    masks, gloves = category("masks"), category("gloves")
    data = shipment_data(
        [donor],
        recipient,
        items=[
            {"category": masks.pk, "description": "N95 respirator masks", "quantity": "40000"},
            {
                "category": gloves.pk,
                "description": "Gloves",
                "quantity": "250000",
                "unit": "pairs",
                "position": "1",
            },
        ],
        sources=[{"title": "Untitled news report on Chinese donations to Italy"}],
    )
    response = data_entry_client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["errors"]
    shipment = Shipment.objects.get(reference="2020-CN-IT-100")
    items = [(item.description, item.quantity, item.unit) for item in shipment.items.all()]
    assert items == [("N95 respirator masks", 40000, "pieces"), ("Gloves", 250000, "pairs")]
    assert [source.title for source in shipment.sources.all()] == [
        "Untitled news report on Chinese donations to Italy"
    ]
    assert (shipment.created_by, shipment.updated_by) == (data_entry, data_entry)
    assert not shipment.is_published


def test_a_bad_item_saves_neither_shipment_nor_items(data_entry_client):
    data = shipment_data(
        [DonorFactory()],
        RecipientFactory(),
        items=[
            {"category": category("masks").pk, "description": "Masks", "quantity": "10"},
            {"category": category("masks").pk, "description": "Suits", "quantity": "-5"},
        ],
    )
    response = data_entry_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "A quantity cannot be negative" in response.content.decode()
    assert not Shipment.objects.exists()


def test_blank_countries_come_from_the_parties(data_entry_client):
    data = shipment_data([DonorFactory(country="CN")], RecipientFactory(country="BE"))
    assert data_entry_client.post(ADD_URL, data).status_code == 302
    shipment = Shipment.objects.get()
    assert (shipment.origin_country, shipment.destination_country) == ("CN", "BE")


def test_countries_given_by_staff_are_kept(data_entry_client):
    data = shipment_data(
        [DonorFactory(country="CN")], RecipientFactory(country="BE"), origin_country="HK"
    )
    assert data_entry_client.post(ADD_URL, data).status_code == 302
    assert Shipment.objects.get().origin_country == "HK"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"shipped_on": "2020-03-14", "arrived_on": "2020-03-10"},
            "The arrival date cannot be before the shipping date.",
        ),
        ({"destination_country": "CN"}, "Origin and destination must be different countries"),
        ({"declared_value": "100", "currency": "XXQ"}, "XXQ is not an ISO 4217 currency code"),
        (
            {"declared_value": "100", "currency": "CNY", "value_usd": "14"},
            "A USD value needs the exchange rate behind it",
        ),
        ({"weight_kg": "-1"}, "A weight cannot be negative."),
    ],
)
def test_shipment_form_explains_what_is_wrong(data_entry_client, fields, message):
    data = shipment_data([DonorFactory(country="CN")], RecipientFactory(country="IT"), **fields)
    response = data_entry_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Shipment.objects.exists()


def test_donors_from_several_countries_need_an_origin(data_entry_client):
    donors = [DonorFactory(country="CN"), DonorFactory(country="FR")]
    response = data_entry_client.post(ADD_URL, shipment_data(donors, RecipientFactory()))
    assert "The donors are from several countries: choose the origin." in (
        response.content.decode()
    )
    assert not Shipment.objects.exists()


def test_editing_records_who_changed_the_shipment(data_entry_client, data_entry, editor):
    shipment = ShipmentFactory(created_by=editor, updated_by=editor, is_published=False)
    response = data_entry_client.post(
        change_url(shipment), existing_shipment_data(shipment, notes="Checked")
    )
    assert response.status_code == 302
    shipment.refresh_from_db()
    assert (shipment.notes, shipment.created_by, shipment.updated_by) == (
        "Checked",
        editor,
        data_entry,
    )


def test_change_page_shows_the_shipment_with_its_items(data_entry_client):
    item = ShipmentItemFactory(description="Ventilator sets")
    response = data_entry_client.get(change_url(item.shipment))
    assert response.status_code == 200
    assert "Ventilator sets" in response.content.decode()


def changelist_rows(client, query=""):
    response = client.get(f"{SHIPMENT_URL}{query}")
    assert response.status_code == 200
    return {shipment.reference for shipment in response.context["cl"].result_list}


def test_changelist_shows_donors_countries_and_item_count(data_entry_client):
    shipment = ShipmentFactory(
        reference="2020-CN-IT-005",
        donors=[DonorFactory(name="Fosun Foundation"), DonorFactory(name="Longfor Group")],
    )
    ShipmentItemFactory.create_batch(3, shipment=shipment)
    response = data_entry_client.get(SHIPMENT_URL)
    [row] = response.context["cl"].result_list
    assert row.item_count == 3
    page = response.content.decode()
    assert "Fosun Foundation; Longfor Group" in page
    assert "CN → IT" in page


def test_changelist_filters_by_donor_country_recipient_country_and_category(data_entry_client):
    ShipmentFactory(reference="FROM-CN", donors=[DonorFactory(country="CN")])
    ShipmentFactory(
        reference="FROM-FR-TO-CN",
        origin_country="FR",
        donors=[DonorFactory(country="FR")],
        recipient=RecipientFactory(country="CN"),
    )
    ShipmentItemFactory(shipment=Shipment.objects.get(reference="FROM-CN"))
    assert changelist_rows(data_entry_client, "?donor_country=FR") == {"FROM-FR-TO-CN"}
    assert changelist_rows(data_entry_client, "?recipient_country=IT") == {"FROM-CN"}
    assert changelist_rows(data_entry_client, "?category=masks") == {"FROM-CN"}
    assert changelist_rows(data_entry_client, "?category=gloves") == set()


def test_changelist_lists_a_joint_donation_once(data_entry_client):
    ShipmentFactory(
        reference="JOINT", donors=[DonorFactory(country="CN"), DonorFactory(country="CN")]
    )
    response = data_entry_client.get(f"{SHIPMENT_URL}?donor_country=CN&q=Donor")
    assert [shipment.reference for shipment in response.context["cl"].result_list] == ["JOINT"]


def test_changelist_searches_parties_items_and_notes(data_entry_client):
    ShipmentFactory(reference="BY-DONOR", donors=[DonorFactory(name="Jack Ma Foundation")])
    ShipmentItemFactory(shipment=ShipmentFactory(reference="BY-ITEM"), description="Ventilators")
    ShipmentFactory(reference="BY-NOTES", notes="35.4 tons so far")
    assert changelist_rows(data_entry_client, "?q=jack+ma") == {"BY-DONOR"}
    assert changelist_rows(data_entry_client, "?q=ventilator") == {"BY-ITEM"}
    assert changelist_rows(data_entry_client, "?q=35.4") == {"BY-NOTES"}


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("?shipped_on__year=abc", 302),
        ("?no_such_field=1", 302),
        ("?status=nonsense", 200),
        ("?status=%00", 400),
        ("?recipient_country=%00", 400),
        ("?q=%00", 400),
        ("?o=99", 200),
    ],
)
def test_changelist_answers_bad_parameters_without_an_error(data_entry_client, query, status):
    ShipmentFactory()
    response = data_entry_client.get(f"{SHIPMENT_URL}{query}")
    assert response.status_code == status
    if status == 302:
        # The admin goes back to the unfiltered list and flags the error.
        assert response["Location"] == f"{SHIPMENT_URL}?e=1"


def test_unknown_filter_values_match_nothing(data_entry_client):
    ShipmentFactory()
    for query in ["?donor_country=ZZ", "?recipient_country=XX", "?category=no-such"]:
        assert changelist_rows(data_entry_client, query) == set()


def make_shipments(count):
    for _ in range(count):
        shipment = ShipmentFactory(donors=[DonorFactory(), DonorFactory()])
        ShipmentItemFactory.create_batch(2, shipment=shipment)


@pytest.mark.parametrize("rows", [2, 12])
def test_changelist_query_count_does_not_grow_with_rows(
    editor_client, django_assert_num_queries, rows
):
    make_shipments(rows)
    # 1 session, 2 user, 3-4 the editor's own and group permissions (for the
    # actions and links), 5 emergency choices, 6 donor country choices, 7
    # recipient country choices, 8 category choices, 9 count of the filtered
    # list, 10 count of all shipments, 11 the page of shipments with their item
    # counts, 12 their donors, 13 the date hierarchy's range, 14 its years.
    with django_assert_num_queries(14):
        response = editor_client.get(SHIPMENT_URL)
    assert len(response.context["cl"].result_list) == rows
