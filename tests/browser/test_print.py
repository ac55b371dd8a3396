"""A shipment's page printed: its facts and sources, without the site's navigation, and
with the address of each source written out, since a link cannot be followed on paper."""

import pytest
from playwright.sync_api import expect

from tests.browser.world import SOURCE_TITLE, SOURCE_URL

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_printed_shipment_page_shows_its_sources_addresses(page, aid_world):
    page.goto("/shipments/2020-CN-IT-101/")
    # The list of sources' own link (the facts also link to it, by its place on the page).
    source = page.locator("ol.sources").get_by_role("link", name=SOURCE_TITLE)
    after = "link => getComputedStyle(link, '::after').content"
    assert SOURCE_URL not in source.evaluate(after)
    expect(page.locator(".site-nav")).to_be_visible()

    page.emulate_media(media="print")
    assert SOURCE_URL in source.evaluate(after)
    expect(page.locator(".site-nav")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_visible()
    expect(page.get_by_role("heading", name="Sources")).to_be_visible()
