"""A reader in a real browser: home, a country, a filtered list, a shipment, its source.

Every figure the pages show is checked against the database, counted here
with plain queries rather than through the site's own summaries.
"""

import re
from datetime import date

import pytest
from django.db.models import Count, F, Sum
from playwright.sync_api import expect

from shipments.models import Shipment, ShipmentItem
from shipments.public.jinja2 import same_words
from tests.browser.steps import listed_references, quantity_text, table_rows
from tests.browser.world import SOURCE_TITLE, SOURCE_URL

pytestmark = pytest.mark.django_db(transaction=True)

SOURCE_PAGE = f"<!doctype html><title>{SOURCE_TITLE}</title><h1>{SOURCE_TITLE}</h1>"
MARCH = (date(2020, 3, 1), date(2020, 3, 31))


def received_by_italy():
    return Shipment.objects.published().filter(recipient__country="IT")


def status_rows(shipments):
    """The list's "Shipments by status" rows expected for these shipments."""
    counts = dict(shipments.values_list("status").annotate(Count("id")).order_by())
    return [[status.label, str(counts[status])] for status in Shipment.Status if status in counts]


def supply_heading(item):
    """A supply line's heading: its description, then its category unless it says the same."""
    if same_words(item.description, item.category.name):
        return item.description
    return f"{item.description} in {item.category.name}"


def category_rows(shipments, category_name):
    """The "Supplies by category" rows expected for these shipments: cancelled ones left out.

    This world's lines are exact or have no number, one or two to a total.
    """
    items = ShipmentItem.objects.filter(
        shipment__in=shipments, category__name=category_name
    ).exclude(shipment__status=Shipment.Status.CANCELLED)
    rows = items.values("unit", "shipment__status").annotate(
        total=Sum("quantity"), lines=Count("id"), numbered=Count("quantity")
    )
    statuses = list(Shipment.Status)
    expected = []
    for row in sorted(rows, key=lambda r: (r["unit"], statuses.index(r["shipment__status"]))):
        quantity = quantity_text(row["total"])
        words = sorted(
            items.filter(
                unit=row["unit"], shipment__status=row["shipment__status"], quantity__isnull=True
            ).values_list("quantity_note", flat=True)
        )
        if row["lines"] == 1 and words:
            # A total of one line with no number reads as that line's words.
            quantity = words[0]
        elif words:
            quoted = [f"“{word}”" for word in words]
            told = f"one line {quoted[0]}" if len(words) == 1 else f"2 lines: {', '.join(quoted)}"
            # The words stand on a line of their own below the figure.
            quantity = f"{'at least ' if row['numbered'] else ''}{quantity}\n({told})"
        expected.append(
            [
                category_name,
                row["unit"],
                Shipment.Status(row["shipment__status"]).label,
                quantity,
                f"{row['lines'] - row['numbered']} of {row['lines']}",
            ]
        )
    return expected


def test_a_reader_goes_from_the_home_page_to_a_shipment_and_its_source(
    page, aid_world, external_site, screenshot
):
    external_site.add(SOURCE_URL, SOURCE_PAGE)
    published = Shipment.objects.published()

    page.goto("/")
    expect(page.locator("main .lead")).to_contain_text(f"{published.count()} published shipments")
    screenshot(page, "home")
    recipient_countries = page.get_by_role("table", name="Shipments received, by recipient country")
    expect(recipient_countries.get_by_role("row", name="Italy")).to_contain_text(
        str(received_by_italy().count())
    )

    # A country page: what Italy received, from whom, of what.
    recipient_countries.get_by_role("link", name="Italy", exact=True).click()
    expect(page).to_have_url(re.compile(r"/countries/IT/$"))
    given = published.filter(donors__country="IT").distinct().count()
    expect(page.locator("main .lead")).to_have_text(
        f"Received {received_by_italy().count()} published shipments and gave {given}."
    )
    donor_countries = table_rows(
        page.get_by_role("table", name="Shipments received, by donor country")
    )
    assert donor_countries == [
        ["China", str(received_by_italy().filter(donors__country="CN").distinct().count())],
        ["Germany", str(received_by_italy().filter(donors__country="DE").distinct().count())],
    ]
    supplies = page.get_by_role("table", name="Supplies received, by category")
    masks_rows = [row for row in table_rows(supplies) if row[0] == "Masks"]
    assert [row[:4] + row[5:] for row in masks_rows] == category_rows(received_by_italy(), "Masks")
    screenshot(page, "country page")

    # Into the list: masks delivered to Italy, then only those shipped in March.
    supplies.get_by_role("row").filter(has_text="Delivered").get_by_role(
        "link", name="Masks"
    ).click()
    expect(page).to_have_url(re.compile(r"/shipments/\?"))
    delivered_masks = (
        received_by_italy().filter(items__category__slug="masks", status="delivered").distinct()
    )
    expect(page.locator(".result-count")).to_have_text(
        f"{delivered_masks.count()} shipments of masks to Italy, delivered."
    )
    page.get_by_text("Filter and sort (3 active)").click()
    page.get_by_label("Shipped on or after").fill(MARCH[0].isoformat())
    page.get_by_label("Shipped on or before").fill(MARCH[1].isoformat())
    page.get_by_role("button", name="Show shipments").click()
    chips = page.locator(".active-filters li")
    expect(chips).to_have_text(
        [
            re.compile("Recipient country: Italy"),
            re.compile("Category: Masks"),
            re.compile("Status: Delivered"),
            re.compile("Shipped on or after: 2020-03-01"),
            re.compile("Shipped on or before: 2020-03-31"),
        ]
    )
    in_march = delivered_masks.filter(shipped_on__range=MARCH)
    assert listed_references(page) == list(in_march.values_list("reference", flat=True))
    screenshot(page, "list filtered by category and dates")

    # Removing one chip keeps every other filter.
    page.get_by_role("link", name="Remove filter Status: Delivered").click()
    expect(chips).to_have_count(4)
    masks_in_march = (
        received_by_italy()
        .filter(items__category__slug="masks", shipped_on__range=MARCH)
        .distinct()
    )
    expect(page.locator(".result-count")).to_have_text(
        re.compile(rf"^\s*{masks_in_march.count()} shipments of masks to Italy shipped from ")
    )
    status_table = table_rows(page.get_by_role("table", name="Shipments by status"))
    assert [row[:2] for row in status_table] == status_rows(masks_in_march)
    category_table = table_rows(page.get_by_role("table", name="Supplies by category and unit"))
    assert [row[:4] + row[5:] for row in category_table] == category_rows(masks_in_march, "Masks")
    screenshot(page, "one filter removed")

    # Heaviest first; unweighed shipments last.
    shipment_table = page.locator("table.shipments")
    shipment_table.get_by_role("link", name="Weight (kg)").click()
    expect(shipment_table.get_by_role("columnheader", name="Weight (kg)")).to_have_attribute(
        "aria-sort", "descending"
    )
    expect(chips).to_have_count(4)
    heaviest_first = masks_in_march.order_by(F("weight_kg").desc(nulls_last=True), "-id")
    assert listed_references(page) == list(heaviest_first.values_list("reference", flat=True))
    screenshot(page, "sorted by weight")

    # One shipment, its supplies, and the report it comes from.
    shipment = heaviest_first.first()
    page.get_by_role("link", name=shipment.reference, exact=True).click()
    expect(page.locator(".shipment-reference")).to_have_text(f"Shipment {shipment.reference}")
    supplies_table = page.locator("section", has=page.get_by_role("heading", name="Supplies"))
    # Each line: what it is (and its category when named otherwise), then its quantity
    # with its unit ("40,000 pieces"). Whitespace is folded so the check does not depend
    # on whether the stylesheet has set the category on a line of its own yet.
    assert [
        [" ".join(row[0].split()), row[1].split(" ")[0]] for row in table_rows(supplies_table)
    ] == [[supply_heading(item), quantity_text(item.quantity)] for item in shipment.items.all()]
    screenshot(page, "shipment")
    page.locator("ol.sources").get_by_role("link", name=SOURCE_TITLE).click()
    expect(page).to_have_url(SOURCE_URL)
    expect(page.get_by_role("heading", name=SOURCE_TITLE)).to_be_visible()
    # rel="noreferrer": the reader's path through the site is not handed to the news site.
    [visit] = external_site.visits
    assert "referer" not in visit["headers"]
    screenshot(page, "source")
