"""The public pages on a 375 px wide phone screen: nothing makes the page scroll sideways."""

import pytest
from playwright.sync_api import expect

from tests.browser.steps import assert_no_sideways_scrolling, listed_references

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def phone(new_context):
    return new_context(viewport=PHONE).new_page()


def test_the_list_and_a_shipment_fit_a_phone_screen(phone, aid_world, screenshot):
    phone.goto("/shipments/?recipient_country=IT&category=masks&shipped_after=2020-03-01")
    expect(phone.locator(".active-filters li")).to_have_count(3)
    assert_no_sideways_scrolling(phone)
    screenshot(phone, "list")
    phone.get_by_text("Filter and sort").click()
    expect(phone.get_by_role("button", name="Show shipments")).to_be_visible()
    assert_no_sideways_scrolling(phone)
    screenshot(phone, "list with the filters open")

    reference = listed_references(phone)[0]
    phone.get_by_role("link", name=reference, exact=True).click()
    expect(phone.get_by_role("heading", name=f"Shipment {reference}")).to_be_visible()
    assert_no_sideways_scrolling(phone)
    screenshot(phone, "shipment")


PUBLIC_PAGES = [
    "/",
    "/countries/",
    "/countries/IT/",
    "/donors/jack-ma-foundation/",
    "/recipients/lombardy/",
    "/about/data/",
    "/shipments/?shipped_after=not-a-date",  # the form's errors
]


def test_every_public_page_fits_a_phone_screen(phone, aid_world, screenshot):
    for path in PUBLIC_PAGES:
        phone.goto(path)
        assert_no_sideways_scrolling(phone)
        screenshot(phone, path)
