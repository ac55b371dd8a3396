"""Staff in a real browser: enter a shipment with new parties; only an editor publishes it."""

import re

import pytest
from playwright.sync_api import expect

from donors.models import Donor, Recipient
from shipments.models import Shipment
from tests.browser.steps import assert_no_sideways_scrolling, sign_in
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long password for browser tests"
REFERENCE = "2020-CN-IT-900"
ITEMS = [
    # (category, description, quantity, unit)
    ("Masks", "N95 respirator masks", "40000", "pieces"),
    ("Protective suits", "Protective suits", "1800", "pieces"),
    ("Gloves", "Medical gloves", "250000", "pairs"),
]


def add_through_popup(page, link, fill):
    """Click an "add another" link, fill the form in its popup, save; return to the page."""
    with page.expect_popup() as popup_info:
        page.locator(link).click()
    popup = popup_info.value
    popup.wait_for_load_state()
    fill(popup)
    with popup.expect_event("close"):
        popup.get_by_role("button", name="Save", exact=True).click()


def fill_donor(popup):
    popup.get_by_label("Name:").press_sequentially("Fosun Foundation")
    # The slug is filled in from the name as staff type it.
    expect(popup.get_by_label("Slug:")).to_have_value("fosun-foundation")
    popup.get_by_label("Kind:").select_option(label="Foundation")
    popup.get_by_label("Country:").select_option(label="China")


def fill_recipient(popup):
    popup.get_by_label("Name:").press_sequentially("Lombardy regional government")
    expect(popup.get_by_label("Slug:")).to_have_value("lombardy-regional-government")
    popup.get_by_label("Kind:").select_option(label="Regional or local government")
    popup.get_by_label("Country:").select_option(label="Italy")
    popup.get_by_label("City:").fill("Milan")


def enter_shipment(page):
    page.goto("/admin/shipments/shipment/add/")
    page.get_by_label("Reference:").fill(REFERENCE)
    add_through_popup(page, "#add_id_donors", fill_donor)
    add_through_popup(page, "#add_id_recipient", fill_recipient)
    # The autocompletes now show the parties just created.
    expect(page.locator("#id_donors + .select2")).to_contain_text("Fosun Foundation")
    expect(page.locator("#id_recipient + .select2")).to_contain_text("Lombardy regional government")
    page.get_by_label("Status:").select_option(label="Delivered")
    page.get_by_label("Shipped on:").fill("2020-03-14")
    page.get_by_label("Weight (kg):").fill("31000")
    for row, (category, description, quantity, unit) in enumerate(ITEMS):
        if row > 0:
            page.get_by_role("button", name="Add another Shipment item").click()
        page.locator(f"#id_items-{row}-category").select_option(label=category)
        page.locator(f"#id_items-{row}-description").fill(description)
        page.locator(f"#id_items-{row}-quantity").fill(quantity)
        page.locator(f"#id_items-{row}-unit").select_option(unit)
    page.locator("#id_sources-0-title").fill("China sends medical supplies to Lombardy")
    page.locator("#id_sources-0-publisher").fill("Test Gazette")
    page.locator("#id_sources-0-published_on").fill("2020-03-18")


def test_data_entry_enters_a_shipment_that_only_an_editor_publishes(page, new_context, screenshot):
    data_entry = StaffFactory(role="Data entry", password=PASSWORD)
    editor = StaffFactory(role="Editor", password=PASSWORD)

    sign_in(page, data_entry.username, PASSWORD)
    screenshot(page, "admin home, data entry")
    enter_shipment(page)
    # The wide table of supply lines scrolls in its own box, not the whole form.
    assert_no_sideways_scrolling(page)
    screenshot(page, "shipment form filled in")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page).to_have_url(re.compile(r"/admin/shipments/shipment/$"))
    expect(page.locator(".messagelist")).to_contain_text(f"The shipment “{REFERENCE}” was added")
    row = page.locator("#result_list tbody tr", has_text=REFERENCE)
    expect(row).to_contain_text("Fosun Foundation")
    expect(row).to_contain_text("CN → IT")
    screenshot(page, "shipment listed")

    shipment = Shipment.objects.get(reference=REFERENCE)
    assert list(shipment.donors.values_list("slug", "country")) == [("fosun-foundation", "CN")]
    assert (shipment.recipient.slug, shipment.recipient.country.code) == (
        "lombardy-regional-government",
        "IT",
    )
    assert (shipment.origin_country.code, shipment.destination_country.code) == ("CN", "IT")
    assert [
        (item.category.name, item.description, str(item.quantity), item.unit)
        for item in shipment.items.order_by("pk")
    ] == list(ITEMS)
    assert shipment.sources.get().publisher == "Test Gazette"
    assert shipment.created_by == data_entry
    assert not shipment.is_published
    assert Donor.objects.count() == Recipient.objects.count() == 1

    # Data entry cannot publish: no publish action on the list, and the
    # published flag is shown but cannot be changed on the form.
    actions = page.locator("select[name=action] option").all_inner_texts()
    assert "Mark selected shipments as delivered" in actions
    assert "Publish selected shipments" not in actions
    assert "Unpublish selected shipments" not in actions
    row.get_by_role("link", name=REFERENCE).click()
    expect(page.get_by_role("heading", name="Change shipment")).to_be_visible()
    expect(page.locator("#id_is_published")).to_have_count(0)
    expect(page.locator(".field-is_published .readonly")).to_be_visible()
    screenshot(page, "change form without publishing")

    # Not public yet: neither listed nor reachable.
    visitor = new_context().new_page()
    visitor.goto("/shipments/")
    expect(visitor.get_by_role("link", name=REFERENCE)).to_have_count(0)
    assert visitor.request.get(f"/shipments/{REFERENCE}/").status == 404

    editor_page = new_context().new_page()
    sign_in(editor_page, editor.username, PASSWORD)
    editor_page.goto("/admin/shipments/shipment/")
    editor_page.locator("#result_list tbody tr", has_text=REFERENCE).get_by_role("checkbox").check()
    editor_page.locator("select[name=action]").select_option(label="Publish selected shipments")
    editor_page.get_by_role("button", name="Go").click()
    expect(editor_page.locator(".messagelist")).to_contain_text("1 shipment published.")
    screenshot(editor_page, "editor published it")
    shipment.refresh_from_db()
    assert shipment.is_published
    assert shipment.updated_by == editor

    visitor.goto("/shipments/")
    visitor.get_by_role("link", name=REFERENCE).click()
    expect(visitor.locator(".shipment-reference")).to_have_text(f"Shipment {REFERENCE}")
    supplies = visitor.locator("section", has=visitor.get_by_role("heading", name="Supplies"))
    for _, description, quantity, _ in ITEMS:
        expect(supplies.locator("tr", has_text=description)).to_contain_text(f"{int(quantity):,}")
    expect(visitor.locator(".sources")).to_contain_text("China sends medical supplies to Lombardy")
    screenshot(visitor, "published on the public site")

    # Now published, data entry's next change waits for the editor; the public
    # goes on seeing the shipment as the editor published it.
    page.goto(f"/admin/shipments/shipment/{shipment.pk}/change/")
    expect(page.locator(".messagelist")).to_contain_text("waits for an editor's approval")
    page.get_by_label("Status:").select_option(label="Cancelled")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(
        f"Your change to “{REFERENCE}” waits for an editor's approval"
    )
    screenshot(page, "data entry's change waits")
    shipment.refresh_from_db()
    assert shipment.status == "delivered"
    visitor.goto(f"/shipments/{REFERENCE}/")
    expect(visitor.locator("main")).to_contain_text("Delivered")
    expect(visitor.locator("main")).not_to_contain_text("Cancelled")

    editor_page.goto("/admin/shipments/pendingchange/")
    waiting = editor_page.locator("#result_list tbody tr", has_text=REFERENCE)
    expect(waiting).to_contain_text("Status: Delivered → Cancelled")
    screenshot(editor_page, "the editor's queue")
    waiting.get_by_role("checkbox").check()
    editor_page.locator("select[name=action]").select_option(
        label="Approve and apply the selected changes"
    )
    editor_page.get_by_role("button", name="Go").click()
    expect(editor_page.locator(".messagelist")).to_contain_text(
        f"Approved and applied: {REFERENCE}."
    )
    shipment.refresh_from_db()
    assert (shipment.status, shipment.is_published, shipment.updated_by) == (
        "cancelled",
        True,
        editor,
    )
    visitor.goto(f"/shipments/{REFERENCE}/")
    expect(visitor.locator("main")).to_contain_text("Cancelled")
