"""The tables of shipments print weights and values exactly as Django's own floatformat
would, and link every shipment, donor and recipient to its page."""

from decimal import Decimal

import pytest
from django.template.defaultfilters import floatformat
from django.template.loader import get_template
from hypothesis import given
from hypothesis import strategies as st

from shipments.models import Shipment
from shipments.public.jinja2 import figure
from tests.factories import ShipmentFactory

AMOUNTS = st.decimals(min_value=0, max_value=10**12, places=3, allow_nan=False)


@given(AMOUNTS)
def test_weights_read_as_floatformat_with_one_place_and_grouping(value):
    assert figure(value, 1) == floatformat(value, "-1g")


@given(AMOUNTS)
def test_values_read_as_floatformat_with_two_places_and_grouping(value):
    assert figure(value, 2) == floatformat(value, "-2g")


def test_examples():
    assert figure(Decimal("31000.000"), 1) == "31,000"
    assert figure(Decimal("343000.00"), 2) == "343,000"
    assert figure(Decimal("1234.5"), 2) == "1,234.50"
    assert figure(Decimal("0.05"), 1) == "0.1"
    assert figure(None, 2) is None


def shipment_table(shipments, **arguments):
    macros = get_template("public/shipments/_shipment_table.html").template.module
    return str(macros.shipment_table(shipments, **arguments))


@pytest.mark.django_db
def test_each_row_links_the_shipment_its_donors_and_its_recipient():
    shipment = ShipmentFactory(reference="CN-IT-2020-1", weight_kg=Decimal("31000.5"))
    [donor] = shipment.donors.all()
    rows = Shipment.objects.for_tables()
    html = shipment_table(rows, caption="Latest")
    assert '<a href="/shipments/CN-IT-2020-1/">CN-IT-2020-1</a>' in html
    assert f'<a href="{donor.get_absolute_url()}">{donor.name}</a>' in html
    assert f'<a href="{shipment.recipient.get_absolute_url()}">' in html
    assert '<td class="num" data-label="Weight (kg)">31,000.5</td>' in html
    assert "<caption>Latest</caption>" in html


def test_an_empty_table_says_so():
    assert '<p class="empty">Nothing here.</p>' in shipment_table([], empty_message="Nothing here.")
