"""A pledge's page sets what was pledged beside what its published deliveries brought.

Deliveries are part of a pledge, never added to it; only published ones count,
the share only those delivered; a revised pledge replaces its earlier figure.
"""

import pytest

from shipments.models import ShipmentItem
from tests.admin_forms import change_url, existing_shipment_data, stored_item_row
from tests.factories import ShipmentFactory, ShipmentItemFactory, category, cited
from tests.pages import table_rows

pytestmark = pytest.mark.django_db

HEADINGS = ["Category", "Unit", "Pledged", "Delivered", "Share delivered"]
DISPATCHED = "Dispatched, arrival not confirmed"


def line(shipment, slug="masks", **values):
    item = ShipmentItemFactory.build(shipment=shipment, category=category(slug), **values)
    item.full_clean()
    item.save()
    return item


def over_two_million(shipment):
    return line(
        shipment,
        quantity_kind="at_least",
        quantity=None,
        quantity_min=2_000_000,
        quantity_note="over 2 million",
    )


@pytest.fixture
def pledge():
    pledge = ShipmentFactory(reference="PLEDGE-1", status="pledged")
    over_two_million(pledge)
    return cited(pledge)


def delivery(pledge, quantity, status="delivered", slug="masks", unit="pieces", **fields):
    shipment = ShipmentFactory(pledge=pledge, status=status, **fields)
    line(shipment, slug=slug, quantity=quantity, unit=unit)
    return cited(shipment)


def fulfilment(client, pledge):
    response = client.get(pledge.get_absolute_url())
    assert response.status_code == 200
    return table_rows(response, "fulfilment-title")


def test_the_demo_pledge_sets_its_delivery_beside_it(client, demo_data):
    """300,000 masks arrived in Belgium out of "over 2 million" for Europe."""
    response = client.get("/shipments/2020-CN-EU-002/")
    assert table_rows(response, "fulfilment-title") == [
        HEADINGS,
        ["Masks", "pieces", "at least 2,000,000", "300,000", "at most 15 %"],
        ["Medical equipment", "pieces", "unknown", "none recorded", "no delivery recorded"],
    ]


def test_a_pledge_with_no_delivery_says_so(client, demo_data):
    page = client.get("/shipments/2020-CN-EU-001/").content.decode()
    assert '<h2 id="fulfilment-title">Pledged and delivered</h2>' in page
    assert "No delivery recorded yet under this pledge." in page


def test_only_a_pledge_has_the_table(client, demo_data):
    page = client.get("/shipments/2020-CN-BE-001/").content.decode()
    assert "fulfilment-title" not in page


def test_deliveries_add_up_among_themselves_never_to_the_pledge(client, pledge):
    delivery(pledge, 300_000)
    delivery(pledge, 100_000)
    assert fulfilment(client, pledge)[1] == [
        "Masks",
        "pieces",
        "at least 2,000,000",
        "400,000",
        "at most 20 %",
    ]


def test_unpublished_deliveries_never_count(client, pledge):
    delivery(pledge, 300_000)
    draft = delivery(pledge, 987_654)
    type(draft).objects.filter(pk=draft.pk).update(is_published=False)
    page = client.get(pledge.get_absolute_url()).content.decode()
    assert "987,654" not in page and "1,287,654" not in page
    assert draft.reference not in page
    assert fulfilment(client, pledge)[1][3:] == ["300,000", "at most 15 %"]


def test_a_pledge_whose_only_delivery_is_unpublished_has_none(client, pledge):
    draft = delivery(pledge, 987_654)
    type(draft).objects.filter(pk=draft.pk).update(is_published=False)
    page = client.get(pledge.get_absolute_url()).content.decode()
    assert "No delivery recorded yet under this pledge." in page
    assert "987,654" not in page


def test_cancelled_and_still_pledged_deliveries_do_not_count(client, pledge):
    delivery(pledge, 300_000)
    delivery(pledge, 500_000, status="cancelled")
    delivery(pledge, 700_000, status="pledged")
    assert fulfilment(client, pledge) == [
        HEADINGS,
        ["Masks", "pieces", "at least 2,000,000", "300,000", "at most 15 %"],
    ]


def test_dispatched_deliveries_are_shown_apart_and_not_in_the_share(client, pledge):
    delivery(pledge, 300_000)
    delivery(pledge, 50_000, status="dispatched")
    assert fulfilment(client, pledge) == [
        [*HEADINGS, DISPATCHED],
        ["Masks", "pieces", "at least 2,000,000", "300,000", "at most 15 %", "50,000"],
    ]


def test_a_pledge_only_dispatched_so_far(client, pledge):
    delivery(pledge, 50_000, status="dispatched")
    assert fulfilment(client, pledge)[1] == [
        "Masks",
        "pieces",
        "at least 2,000,000",
        "none recorded",
        "no delivery recorded",
        "50,000",
    ]


def test_a_delivery_in_another_unit_or_category_is_listed_unpledged(client, pledge):
    delivery(pledge, 300_000)
    delivery(pledge, 40, unit="boxes")
    delivery(pledge, 1_800, slug="protective-suits")
    assert fulfilment(client, pledge)[1:] == [
        ["Masks", "boxes", "not pledged in this unit", "40", "no share"],
        ["Masks", "pieces", "at least 2,000,000", "300,000", "at most 15 %"],
        ["Protective suits", "pieces", "not pledged in this unit", "1,800", "no share"],
    ]


def test_an_exact_pledge_gives_an_exact_share(client):
    pledge = ShipmentFactory(status="pledged")
    line(pledge, quantity=2_000_000)
    delivery(cited(pledge), 300_000)
    assert fulfilment(client, pledge)[1][2:] == ["2,000,000", "300,000", "15 %"]


def test_a_pledge_with_no_figure_gives_no_share(client):
    pledge = ShipmentFactory(status="pledged")
    line(pledge, quantity=None, quantity_kind="unknown", quantity_note="not given")
    delivery(cited(pledge), 300_000)
    assert fulfilment(client, pledge)[1][2:] == ["unknown", "300,000", "share unknown"]


def test_a_revised_pledge_replaces_its_figure_and_the_history_keeps_the_old(
    editor_client, client, pledge
):
    delivery(pledge, 300_000)
    [item] = pledge.items.all()
    data = existing_shipment_data(pledge)
    data.update(
        stored_item_row(
            item,
            quantity_kind="at_least",
            quantity="",
            quantity_min="2500000",
            quantity_note="over 2.5 million",
        )
    )
    assert editor_client.post(change_url(pledge), data).status_code == 302

    assert ShipmentItem.objects.filter(shipment=pledge).count() == 1
    assert fulfilment(client, pledge)[1][2:] == ["at least 2,500,000", "300,000", "at most 12 %"]
    page = client.get(pledge.get_absolute_url()).content.decode()
    assert "2,000,000" not in page and "4,500,000" not in page
    totals = client.get("/shipments.json?status=pledged").json()["totals"]
    assert [(row["quantity"], row["quantity_min"]) for row in totals] == [(2_500_000, 2_500_000)]
    assert list(item.history.values_list("quantity_min", flat=True)) == [2_500_000, 2_000_000]


def test_query_count_of_a_pledge_page(client, pledge, django_assert_num_queries):
    delivery(pledge, 300_000)
    # the pledge with its recipient and pledge, its donors, its items with their
    # categories, its sources, its rejections, its published deliveries, the totals of
    # the pledge and its deliveries by category, unit and status, the moment of the
    # latest change (for the citation); its change log: the history of the pledge, of its
    # donors, lines and sources, and the names of its parties and emergencies
    with django_assert_num_queries(15):
        assert client.get(pledge.get_absolute_url()).status_code == 200
