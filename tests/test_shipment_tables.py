"""The tables of shipments print weights, values and addresses exactly as Django's own
floatformat and reverse() would."""

from decimal import Decimal

import pytest
from django.template.defaultfilters import floatformat
from django.urls import NoReverseMatch, reverse
from hypothesis import given
from hypothesis import strategies as st

from shipments.templatetags.public import figure, slug_url

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


URL_NAMES = ["shipment-detail", "donor-detail", "recipient-detail"]


@given(st.sampled_from(URL_NAMES), st.from_regex(r"[-a-zA-Z0-9_]{1,40}", fullmatch=True))
def test_addresses_read_as_reverse(name, slug):
    assert slug_url(name, slug) == reverse(name, args=[slug])


@pytest.mark.parametrize("value", ["with space", "a/b", "", "ü-umlaut"])
def test_an_argument_reverse_refuses_is_refused_alike(value):
    with pytest.raises(NoReverseMatch):
        reverse("shipment-detail", args=[value])
    with pytest.raises(NoReverseMatch):
        slug_url("shipment-detail", value)
