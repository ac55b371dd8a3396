"""The public pages on a 375 px wide phone screen: nothing makes the page scroll sideways,
no table scrolls sideways, and every table of shipments shows its key columns as cards."""

import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import expect

from tests.browser.public_pages import PHONE, PUBLIC_PAGES
from tests.browser.steps import assert_no_sideways_scrolling, listed_references

pytestmark = pytest.mark.django_db(transaction=True)

# The columns a reader of a shipment needs on any screen, besides its reference.
KEY_COLUMNS = ["Supplies", "Route", "Status", "Date"]


@pytest.fixture
def phone(new_context):
    return new_context(viewport=PHONE.viewport).new_page()


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
    expect(phone.locator(".shipment-reference")).to_have_text(f"Shipment {reference}")
    assert_no_sideways_scrolling(phone)
    screenshot(phone, "shipment")


# Tables wider than the box they are in (a box that would scroll sideways), and cells of
# the key columns of shipment tables that a reader cannot see without scrolling sideways.
TABLES_THAT_DO_NOT_FIT = """(keyColumns) => {
  const width = document.documentElement.clientWidth;
  const shown = (element) => {
    const box = element.getBoundingClientRect();
    return element.checkVisibility() && box.width > 0 && box.left >= 0 && box.right <= width + 0.5;
  };
  const describe = (element) => element.outerHTML.slice(0, 120);
  const wide = [...document.querySelectorAll("table")].filter((table) =>
    table.checkVisibility() && table.parentElement.scrollWidth > table.parentElement.clientWidth
  );
  const hidden = [];
  for (const row of document.querySelectorAll("table.shipments tbody tr")) {
    const cells = [row.querySelector("th[scope=row]"), ...keyColumns.map(
      (label) => row.querySelector(`td[data-label="${label}"]`)
    )];
    hidden.push(...cells.filter((cell) => !cell || !shown(cell)).map(
      (cell) => cell ? describe(cell) : `a row without a key column: ${describe(row)}`
    ));
  }
  return {
    wide: wide.map(describe),
    hidden: hidden.slice(0, 5),
    shipmentRows: document.querySelectorAll("table.shipments tbody tr").length,
  };
}"""


# Chinese too: its words are fewer but wider, and break anywhere.
@pytest.mark.parametrize("language", [settings.LANGUAGE_CODE, "zh-hans"])
def test_every_public_page_fits_a_phone_screen(phone, aid_world, screenshot, language):
    english = language == settings.LANGUAGE_CODE
    prefix = "" if english else f"/{language}"
    with translation.override(language):
        key_columns = [translation.gettext(label) for label in KEY_COLUMNS]
    rows_seen = 0
    for public_page in PUBLIC_PAGES:
        path = prefix + public_page.path
        phone.goto(path)
        assert_no_sideways_scrolling(phone)
        found = phone.evaluate(TABLES_THAT_DO_NOT_FIT, key_columns)
        assert not found["wide"], f"{path}: tables scroll sideways: {found['wide']}"
        assert not found["hidden"], f"{path}: key columns hidden: {found['hidden']}"
        rows_seen += found["shipmentRows"]
        screenshot(phone, public_page.name if english else f"{public_page.name} ({language})")
    assert rows_seen, "no page showed a table of shipments"


def test_the_filter_errors_fit_a_phone_screen(phone, aid_world, screenshot):
    phone.goto("/shipments/?shipped_after=not-a-date")
    expect(phone.get_by_role("alert")).to_be_visible()
    assert_no_sideways_scrolling(phone)
    screenshot(phone, "the form's errors")
