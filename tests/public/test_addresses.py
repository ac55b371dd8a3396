"""The templates' url(): the same addresses as Django's reverse(), filled in faster."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from shipments.public.jinja2 import url

ADDRESSES = [
    ("home",),
    ("shipment-list",),
    ("shipment-detail", "2020-CN-IT-101"),
    ("country-detail", "IT"),
    ("donor-detail", "jack-ma-foundation"),
    ("recipient-detail", "lazzaro-spallanzani-institute_2"),
    ("admin:index",),
]


@pytest.mark.parametrize("address", ADDRESSES, ids=lambda address: address[0])
def test_an_address_is_the_one_django_reverses(address):
    name, *args = address
    assert url(name, *args) == reverse(name, args=args)


def test_an_address_follows_the_script_prefix_of_the_request():
    set_script_prefix("/aid/")
    try:
        assert url("shipment-detail", "2020-CN-IT-101") == "/aid/shipments/2020-CN-IT-101/"
        assert url("country-detail", "IT") == "/aid/countries/IT/"
    finally:
        set_script_prefix("/")
    assert url("shipment-detail", "2020-CN-IT-101") == "/shipments/2020-CN-IT-101/"


def test_an_argument_that_needs_quoting_is_quoted_as_django_quotes_it():
    # Not plain: left to reverse(), which quotes it.
    assert url("country-detail", "Côte d'Ivoire") == reverse(
        "country-detail", args=["Côte d'Ivoire"]
    )
    assert "%20" in url("country-detail", "Côte d'Ivoire")


def test_an_argument_its_converter_refuses_still_fails_as_django_fails():
    with pytest.raises(NoReverseMatch):
        url("shipment-detail", "not a slug")
    with pytest.raises(NoReverseMatch):
        url("shipment-detail")
