"""The filter form in a real browser, used with the keyboard alone."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from shipments.models import Shipment
from tests.browser.steps import listed_references, tab_to

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_filter_form_can_be_filled_and_submitted_with_the_keyboard(page, aid_world, screenshot):
    page.goto("/shipments/")
    panel = page.locator("details.filter-panel")
    tab_to(page, panel.locator("summary"))
    page.keyboard.press("Enter")
    expect(panel).to_have_attribute("open", "")

    tab_to(page, page.get_by_label("Search"))
    page.keyboard.type("masks")
    # Typing an option's name selects it in a list box.
    recipient_country = page.get_by_label("Recipient country")
    tab_to(page, recipient_country)
    page.keyboard.type("Italy")
    expect(recipient_country).to_have_values(["IT"])
    delivered = page.get_by_role("group", name="Status").get_by_label("Delivered")
    tab_to(page, delivered)
    page.keyboard.press("Space")
    expect(delivered).to_be_checked()
    shipped_after = page.get_by_label("Shipped on or after")
    tab_to(page, shipped_after)
    # A text box in the format the page states, whatever the browser's language.
    expect(shipped_after).to_have_attribute("placeholder", "YYYY-MM-DD")
    page.keyboard.type("2020-03-01")
    expect(shipped_after).to_have_value("2020-03-01")
    screenshot(page, "form filled with the keyboard")

    tab_to(page, page.get_by_role("button", name="Show shipments"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(
        re.compile(r"\?q=masks&.*recipient_country=IT&.*status=delivered&shipped_after=2020-03-01")
    )
    expected = (
        Shipment.objects.published()
        .filter(
            recipient__country="IT",
            items__description__icontains="masks",
            status="delivered",
            shipped_on__gte=date(2020, 3, 1),
        )
        .distinct()
        .order_by("-shipped_on")
    )
    assert expected.exists()
    assert listed_references(page) == list(expected.values_list("reference", flat=True))
    screenshot(page, "results")

    # A filter chip can be removed from the keyboard too.
    remove = page.get_by_role("link", name="Remove filter Status: Delivered")
    tab_to(page, remove)
    page.keyboard.press("Enter")
    expect(page.locator(".active-filters li")).to_have_count(3)
    expect(page).not_to_have_url(re.compile("status="))
