"""A journalist in a real browser: filter the list, then download exactly that selection."""

import csv
import io
import json
import re
from collections import defaultdict
from datetime import date

import pytest
from playwright.sync_api import expect

from shipments.models import Shipment, ShipmentItem
from tests.browser.steps import listed_references, quantity_text, table_rows

pytestmark = pytest.mark.django_db(transaction=True)

BOM = "\ufeff".encode()


def download(page, link):
    """Click a download link; return the file's name and bytes as the browser saved them."""
    with page.expect_download() as download_info:
        link.click()
    saved = download_info.value
    assert saved.failure() is None
    with open(saved.path(), "rb") as file:
        return saved.suggested_filename, file.read()


def csv_rows(content):
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def filter_the_list(page):
    """Chinese donors' shipments holding masks, shipped from March 2020, chosen in the form."""
    page.goto("/shipments/")
    page.get_by_text("Filter and sort").click()
    page.get_by_label("Donor country").select_option("CN")
    page.get_by_role("group", name="Category").get_by_label("Masks").check()
    page.get_by_label("Shipped on or after").fill("2020-03-01")
    page.get_by_role("button", name="Show shipments").click()
    expect(page.locator(".active-filters li")).to_have_count(3)


def test_a_journalist_downloads_exactly_the_filtered_list(page, aid_world, screenshot):
    filter_the_list(page)
    selection = (
        Shipment.objects.published()
        .filter(
            donors__country="CN",
            items__category__slug="masks",
            shipped_on__gte=date(2020, 3, 1),
        )
        .distinct()
    )
    listed = listed_references(page)
    assert sorted(listed) == sorted(selection.values_list("reference", flat=True))
    expect(page.locator(".result-count")).to_have_text(
        re.compile(rf"^\s*{len(listed)} shipments of masks from China shipped on or after ")
    )
    screenshot(page, "filtered list")
    downloads = page.get_by_role("region", name="Download this selection")

    # One row per supply line: only the masks, of exactly the listed shipments.
    items_link = downloads.get_by_role("link", name="Supply lines (CSV)")
    name, content = download(page, items_link)
    assert re.fullmatch(
        r"items_donor_country-CN_category-masks_shipped_after-2020-03-01_[\d-]+\.csv", name
    )
    assert not content.startswith(BOM)
    items = csv_rows(content)
    assert list(dict.fromkeys(row["shipment_reference"] for row in items)) == listed
    assert {row["category"] for row in items} == {"masks"}
    masks = ShipmentItem.objects.filter(shipment__in=selection, category__slug="masks")
    assert sorted((row["shipment_reference"], row["quantity"]) for row in items) == sorted(
        (item.shipment.reference, str(item.quantity)) for item in masks
    )
    # The totals on the page add up the same lines (cancelled shipments left out).
    totals = defaultdict(int)
    for row in items:
        if row["status"] != "cancelled":
            totals[row["unit"], row["status"].capitalize()] += int(row["quantity"])
    page_totals = table_rows(page.get_by_role("table", name="Supplies by category and unit"))
    assert {(unit, status): quantity for _, unit, status, quantity, *_ in page_totals} == {
        key: quantity_text(total) for key, total in totals.items()
    }

    # The Excel variant is the same file behind a byte-order mark.
    excel_link = (
        downloads.get_by_role("listitem")
        .filter(has_text="Supply lines (CSV)")
        .get_by_role("link", name="for Excel")
    )
    excel_name, excel_content = download(page, excel_link)
    assert excel_name == name
    assert excel_content == BOM + content

    # One row per shipment, in the list's order.
    shipments_link = downloads.get_by_role("link", name="Shipments (CSV)")
    name, content = download(page, shipments_link)
    assert name.startswith("shipments_donor_country-CN_category-masks_")
    assert [row["reference"] for row in csv_rows(content)] == listed
    excel_link = (
        downloads.get_by_role("listitem")
        .filter(has_text="Shipments (CSV)")
        .get_by_role("link", name="for Excel")
    )
    assert download(page, excel_link)[1] == BOM + content

    # The JSON of the same selection, opened in the browser.
    with page.expect_response(re.compile(r"/shipments\.json\?")) as response_info:
        downloads.get_by_role("link", name="Shipments (JSON)").click()
    data = json.loads(response_info.value.body())
    assert data["count"] == len(listed)
    assert [shipment["reference"] for shipment in data["results"]] == listed
    screenshot(page, "json")
