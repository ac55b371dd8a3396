"""A shipment's page reads as a reader would name it: donors, the country, the main supplies,
the reference below; what the report did not give is one line; no empty column, nothing said
twice; the value and its rate on one line."""

import html
import re
from datetime import date
from decimal import Decimal

import pytest

from shipments.demo.loader import load_demo
from shipments.models import Shipment
from tests.factories import (
    DonorFactory,
    RecipientFactory,
    ShipmentFactory,
    ShipmentItemFactory,
    category,
)
from tests.pages import elements, table_rows, title

pytestmark = pytest.mark.django_db


def heading(response):
    [text] = re.findall(r"<h1>(.*?)</h1>", response.content.decode(), re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())


def main(response):
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def not_reported(response):
    found = re.search(r'<p class="not-reported">(.*?)</p>', response.content.decode())
    return found.group(1) if found else None


@pytest.fixture
def demo(db):
    load_demo()


def page(client, reference):
    return client.get(f"/shipments/{reference}/")


def test_the_title_names_donors_country_and_supplies_with_the_reference_below(client, demo):
    response = page(client, "2020-CN-IT-003")
    expected = (
        "Blue River Dairy to Italy: 40,000 N95 respirator masks, 1,800 protective suits "
        "and 250,000 pairs of gloves"
    )
    assert heading(response) == expected
    assert title(response) == f"{expected} · 2020-CN-IT-003 · AidTracker"
    content = response.content.decode()
    assert content.index("</h1>") < content.index(
        '<p class="shipment-reference">Shipment 2020-CN-IT-003</p>'
    )


def test_joint_donors_are_named_together_and_vague_amounts_in_the_reports_words(client, demo):
    assert heading(page(client, "2020-CN-EU-002")) == (
        "Alibaba Foundation and Jack Ma Foundation to European Union: "
        "at least 2,000,000 masks (“over 2 million”) and medical equipment"
    )
    assert heading(page(client, "2020-CN-IT-005")) == (
        "Beijing Taikang Yicai Foundation, Fosun Foundation and Longfor Group to Italy: "
        "5,500 protective suits and 40,000 N95 respirator masks"
    )


def test_beyond_three_lines_the_title_names_two_and_counts_the_rest(client, demo):
    # The report gives no figure for any of the four: they are named by what they are.
    assert heading(page(client, "2020-CN-IT-001")) == (
        "Chinese government and Private donors in China (not named) to Italy: "
        "respirators, protective suits and 2 more"
    )
    assert heading(page(client, "2020-CN-IT-002")) == (
        "Zhejiang provincial government to Italy: dozens of ventilator sets, monitors and 3 more"
    )


def test_beyond_three_donors_the_title_counts_the_rest(client):
    donors = [DonorFactory(name=name) for name in ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"]]
    shipment = ShipmentFactory(donors=donors, recipient=RecipientFactory(country="FR"))
    assert heading(page(client, shipment.reference)) == "Alpha, Beta, Delta and 2 others to France"


def test_a_shipment_without_supply_lines_is_titled_by_its_parties(client):
    shipment = ShipmentFactory(donors=[DonorFactory(name="Giver")], weight_kg=Decimal("500"))
    response = page(client, shipment.reference)
    assert heading(response) == "Giver to Italy"
    assert "No itemised supplies recorded." in response.content.decode()


def test_what_the_report_did_not_give_is_one_line(client, demo):
    response = page(client, "2020-CN-IT-001")
    # Delivered: every date, the transport and the value could have been given.
    assert not_reported(response) == (
        "Not reported: announcement date, shipping date, transport, value, quantities."
    )
    assert "unknown" not in main(response)
    # What was given is shown as a fact; nothing else has a row.
    facts = re.search(r'<dl class="facts">(.*?)</dl>', main(response), re.S).group(1)
    assert re.findall(r"<dt>(.*?)</dt>", facts) == [
        "Donors",
        "Recipient",
        "Verification",
        "Emergency",
        "Arrived",
        "Arrival point",
        "Weight",
    ]


def test_a_pledge_or_a_dispatch_does_not_lack_what_cannot_have_happened_yet(client, demo):
    # A pledge has been neither shipped nor delivered; a dispatch has not arrived.
    assert not_reported(page(client, "2020-CN-EU-002")) == (
        "Not reported: announcement date, weight, value."
    )
    assert not_reported(page(client, "2020-CN-IT-004")) == (
        "Not reported: announcement date, transport, arrival point, weight, value."
    )


def test_a_shipment_with_every_fact_has_no_not_reported_line(client):
    shipment = ShipmentFactory(
        announced_on=date(2020, 3, 1),
        shipped_on=date(2020, 3, 2),
        arrived_on=date(2020, 3, 3),
        transport_mode="air",
        arrival_point="Rome",
        weight_kg=Decimal("100"),
        value_usd=Decimal("1000"),
    )
    ShipmentItemFactory(shipment=shipment)
    response = page(client, shipment.reference)
    assert not_reported(response) is None
    assert "Not reported" not in response.content.decode()


def test_no_supplies_column_is_empty_for_every_line(client, demo):
    # No figure for any line, no value: one column, what was shipped.
    rows = table_rows(page(client, "2020-CN-IT-001"), "supplies-title")
    assert rows == [
        ["Supplies"],
        ["Respirators in Ventilators"],
        ["Protective suits"],
        ["Masks"],
        ["Medications in Medicines"],
    ]
    rows = table_rows(page(client, "2020-CN-IT-003"), "supplies-title")
    assert rows == [
        ["Supplies", "Quantity"],
        ["N95 respirator masks in Masks", "40,000 pieces"],
        ["Protective suits", "1,800 pieces"],
        ["Gloves", "250,000 pairs"],
    ]


def test_line_values_have_a_column_once_any_line_has_one(client):
    shipment = ShipmentFactory()
    ShipmentItemFactory(shipment=shipment, description="Masks", value_usd=Decimal("2500"))
    ShipmentItemFactory(
        shipment=shipment, description="Gloves", category=category("gloves"), unit="pairs"
    )
    rows = table_rows(page(client, shipment.reference), "supplies-title")
    assert rows == [
        ["Supplies", "Quantity", "Value (USD)"],
        ["Masks", "1,000 pieces", "2,500"],
        ["Gloves", "1,000 pairs", "not given"],
    ]


def test_a_line_named_as_its_category_links_it_once(client):
    shipment = ShipmentFactory()
    ShipmentItemFactory(shipment=shipment, description="Masks")
    ShipmentItemFactory(shipment=shipment, description="Face masks")
    response = page(client, shipment.reference)
    content = main(response)
    assert '<th scope="row"><a href="/shipments/?category=masks">Masks</a></th>' in content
    assert (
        '<th scope="row">Face masks <span class="category">in '
        '<a href="/shipments/?category=masks">Masks</a></span></th>'
    ) in content


def test_value_and_rate_read_as_one_line(client, demo):
    facts = html.unescape(main(page(client, "2020-CN-IT-003")))
    assert (
        "<dt>Value</dt>\n  <dd>US$343,000 (2,400,000 CNY at 0.14291667 USD per CNY; "
        "rate: the report's own conversion)</dd>"
    ) in facts


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"value_usd": Decimal("1000")}, "US$1,000"),
        (
            {"value_usd": Decimal("1000"), "declared_value": Decimal("1000"), "currency": "USD"},
            "US$1,000",
        ),
        ({"declared_value": Decimal("900"), "currency": "EUR"}, "900 EUR"),
        (
            {"value_usd": Decimal("1100"), "declared_value": Decimal("1000"), "currency": "EUR"},
            "US$1,100 (1,000 EUR)",
        ),
    ],
)
def test_a_value_says_what_was_given(client, values, expected):
    shipment = ShipmentFactory(**values)
    assert f"<dd>{expected}</dd>" in main(page(client, shipment.reference))


def test_terms_left_unclear_are_said_so_rather_than_made_an_adjective(client, demo):
    lead = re.search(r'<p class="lead">(.*?)</p>', main(page(client, "2020-CN-ES-001")), re.S)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", lead.group(1))).split())
    assert text == (
        "Delivered from China to Spain. The sources do not say whether it was given, sold or lent."
    )


def test_no_demo_shipment_page_says_unknown_or_repeats_a_line(client, demo):
    for shipment in Shipment.objects.published():
        response = page(client, shipment.reference)
        for section in ("facts-title", "supplies-title"):
            text = re.search(
                rf'<section aria-labelledby="{section}">(.*?)</section>', main(response), re.S
            )
            assert "unknown" not in re.sub(r"<[^>]+>", "", text.group(1)), shipment.reference
        rows = table_rows(response, "supplies-title")
        # No column of the supplies table is "not given" on every line.
        for column in zip(*rows[1:], strict=True):
            assert set(column) != {"not given"}, shipment.reference
        # No text is said twice in a row, as "Masks | Masks" was.
        for row in rows:
            assert len(set(row)) == len(row), (shipment.reference, row)
        assert len(elements(response, "h1")) == 1
