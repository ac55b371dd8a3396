"""Every page, public and staff, loads and runs in a real browser without an error.

The browser context reports console errors, script errors and
Content-Security-Policy violations (see conftest.py); this visits every
kind of page and uses the admin's scripted widgets, which are where a
violation would hide.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.steps import sign_in
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long password for browser tests"
PUBLIC_PAGES = [
    ("/", 200),
    ("/shipments/", 200),
    ("/shipments/?category=masks&sort=-weight_kg", 200),
    ("/shipments/2020-CN-IT-101/", 200),
    ("/countries/", 200),
    ("/countries/?sort=given", 200),
    ("/countries/IT/", 200),
    ("/donors/", 200),
    ("/donors/?q=foundation&kind=foundation", 200),
    ("/donors/?kind=nobody", 400),
    ("/recipients/?country=IT", 200),
    ("/donors/jack-ma-foundation/", 200),
    ("/recipients/lombardy/", 200),
    ("/about/data/", 200),
    ("/shipments/?shipped_after=13/03/2020", 400),
    ("/shipments/?page=two", 400),
    ("/shipments/2020-CN-IT-199/", 404),
]


def test_public_pages_run_without_errors(page, aid_world, browser_problems):
    for path, status in PUBLIC_PAGES:
        response = page.goto(path)
        assert response.status == status, path
        # Open every disclosure (filters, the numbers behind each chart).
        for summary in page.locator("details > summary").all():
            summary.click()
    assert not browser_problems


def test_staff_pages_and_widgets_run_without_errors(page, aid_world, browser_problems):
    editor = StaffFactory(role="Editor", password=PASSWORD)
    shipment = aid_world["2020-CN-IT-101"]
    sign_in(page, editor.username, PASSWORD)
    for path in [
        "/admin/",
        "/admin/shipments/shipment/",
        "/admin/shipments/shipment/?status__exact=delivered&q=masks",
        f"/admin/shipments/shipment/{shipment.pk}/change/",
        f"/admin/shipments/shipment/{shipment.pk}/history/",
        "/admin/shipments/shipment/import/",
        "/admin/shipments/shipmentitem/",
        "/admin/shipments/source/",
        "/admin/donors/donor/",
        f"/admin/donors/donor/{shipment.donors.get().pk}/change/",
        "/admin/donors/recipient/add/",
    ]:
        assert page.goto(path).status == 200, path

    # The scripted widgets of the shipment form: autocompletes, calendars, inlines.
    page.goto("/admin/shipments/shipment/add/")
    page.locator("#id_recipient + .select2").click()
    page.locator(".select2-container--open .select2-search__field").fill("Lomb")
    page.get_by_role("option", name="Lombardy regional government").click()
    expect(page.locator("#id_recipient")).to_have_value(str(shipment.recipient.pk))
    page.locator("#id_donors + .select2").click()
    page.keyboard.type("Jack")
    page.get_by_role("option", name="Jack Ma Foundation").click()
    page.locator("#calendarlink1").click()
    page.locator(".calendarbox").get_by_role("link", name="15", exact=True).click()
    expect(page.get_by_label("Shipped on:")).not_to_have_value("")
    page.get_by_role("button", name="Add another Shipment item").click()
    expect(page.locator("#id_items-1-description")).to_be_visible()
    assert not browser_problems


def test_the_first_visit_finds_the_site_icon(page, aid_world, browser_problems):
    loaded = {}
    page.on("response", lambda response: loaded.setdefault(response.url, response))
    page.goto("/")
    icon = page.locator("link[rel=icon]").evaluate("link => link.href")
    expect(page.locator(".brand img")).to_have_js_property("complete", True)
    assert loaded[icon].status == 200
    assert loaded[icon].header_value("content-type") == "image/svg+xml"
    assert page.locator(".brand img").evaluate("image => image.naturalWidth") > 0
    assert not browser_problems
