"""The shipment list at scale: counts that stop at a limit, pages read through an index,
and totals that are cached, added up live or left out, but never wrong."""

import random
import re
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shipments.models import Shipment, ShipmentItem
from shipments.public import listing
from shipments.sorts import sort_expressions
from tests.factories import (
    DonorFactory,
    RecipientFactory,
    ShipmentFactory,
    ShipmentItemFactory,
    category,
)
from tests.pages import hrefs, listed_references

pytestmark = pytest.mark.django_db

# Small pages and a small count limit, so that a few dozen rows exercise them.
PAGE = 10
SHIPMENTS = 36
LIMIT = 8


@pytest.fixture
def many():
    """36 published shipments (and drafts) with tied and unknown dates, weights and values."""
    rng = random.Random(6)
    donors = [DonorFactory(country=code) for code in ["CN", "CN", "FR", "JP"]]
    recipients = [RecipientFactory(country=code) for code in ["IT", "IT", "ES", "BE"]]
    categories = [category(slug) for slug in ["masks", "masks", "gloves", "ventilators"]]
    for number in range(SHIPMENTS + 10):
        shipment = ShipmentFactory(
            reference=f"S-{number:03d}",
            is_published=number < SHIPMENTS,
            donors=rng.sample(donors, rng.choice([1, 1, 2])),
            recipient=rng.choice(recipients),
            status=rng.choice(["delivered", "delivered", "pledged", "dispatched", "cancelled"]),
            # Few distinct dates, so that many rows tie and only the key breaks ties.
            shipped_on=rng.choice([None, date(2020, 3, 1) + timedelta(days=rng.randrange(4))]),
            weight_kg=rng.choice([None, Decimal(rng.randrange(1, 5) * 100)]),
            value_usd=rng.choice([None, None, Decimal(rng.randrange(1, 4) * 1000)]),
        )
        for _ in range(rng.randrange(1, 4)):
            ShipmentItemFactory(
                shipment=shipment,
                category=rng.choice(categories),
                unit=rng.choice(["pieces", "boxes"]),
                quantity=rng.choice([None, rng.randrange(1, 10) * 100]),
                quantity_note="dozens",
            )


@pytest.fixture
def small_count_limit(monkeypatch):
    monkeypatch.setattr(listing, "COUNT_LIMIT", LIMIT)
    monkeypatch.setattr(listing, "PAGE_SIZE", PAGE)


def walk(client, query):
    """Every reference listed, following the Next links from the first page."""
    url, seen = f"/shipments/?{query}", []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        seen.extend(listed_references(response))
        [next_url] = re.findall(r'<a href="([^"]+)" rel="next">', response.content.decode()) or [
            None
        ]
        url = f"/shipments/{next_url.replace('&amp;', '&')}" if next_url else None
    return seen


@pytest.mark.parametrize(
    "sort",
    ["-shipped_on", "shipped_on", "-value_usd", "value_usd", "weight_kg", "status", "recipient"],
)
@pytest.mark.parametrize("query", ["", "status=delivered,pledged,dispatched"])
def test_pages_neither_skip_nor_repeat_a_row(client, many, small_count_limit, sort, query):
    listed = walk(client, f"{query}&sort={sort}")
    selection = Shipment.objects.published()
    if query:
        selection = selection.exclude(status="cancelled")
    expected = list(selection.order_by(*sort_expressions(sort)).values_list("reference", flat=True))
    assert len(listed) == len(set(listed))
    assert listed == expected


def test_beyond_the_limit_the_count_says_more_than_and_pages_stay_numbered(
    client, many, small_count_limit
):
    query = "status=delivered,pledged,dispatched,cancelled"
    second = client.get(f"/shipments/?{query}&page=2")
    content = second.content.decode()
    statuses = "delivered, pledged, dispatched or cancelled"
    assert f"More than {LIMIT} shipments, {statuses}; showing 11 to 20." in content
    assert ">Page 2</li>" in content
    assert ">Last<" not in content
    assert "?status=delivered%2Cpledged%2Cdispatched%2Ccancelled&page=3" in hrefs(second)
    last = client.get(f"/shipments/?{query}&page=4")
    assert f"More than {LIMIT} shipments, {statuses}; showing 31 to {SHIPMENTS}." in (
        last.content.decode()
    )
    assert 'rel="next"' not in last.content.decode()
    assert client.get(f"/shipments/?{query}&page=5").status_code == 404
    assert client.get(f"/shipments/?{query}&page=99999999999999999999").status_code == 404


def test_a_large_selection_without_cached_totals_says_why_it_shows_none(
    client, many, small_count_limit
):
    response = client.get("/shipments/?recipient_country=IT,ES,BE")
    assert response.status_code == 200
    assert response.context["totals"] is None
    content = response.content.decode()
    assert f"This selection holds more than {LIMIT} shipments" in content
    assert "Shipments by status" not in content


def test_a_small_selection_is_counted_and_added_up_live(client, many, small_count_limit):
    response = client.get("/shipments/?recipient_country=BE&status=delivered")
    expected = published_where(recipient__country="BE", status="delivered")
    assert 0 < len(expected) <= LIMIT
    assert f"{len(expected)} shipment" in response.content.decode()
    assert totals_of(response) == recomputed(expected)


@pytest.mark.parametrize(
    ("query", "lookup"),
    [
        ("", {}),
        ("recipient_country=it", {"recipient__country": "IT"}),
        ("donor_country=CN", {"donors__country": "CN"}),
        ("status=delivered", {"status": "delivered"}),
        ("category=masks", {"items__category__slug": "masks"}),
    ],
)
def test_cached_totals_of_a_large_selection_equal_a_plain_recomputation(
    client, many, small_count_limit, query, lookup
):
    expected = published_where(**lookup)
    assert len(expected) > LIMIT
    first = client.get(f"/shipments/?{query}")
    again = client.get(f"/shipments/?{query}&sort=reference")
    categories = ["masks"] if "category" in query else []
    for response in (first, again):
        content = response.content.decode()
        # "11 shipments to Italy; showing 1 to 10."
        assert re.search(rf"\b{len(expected)} shipments\b[^;<]*; showing 1 to {PAGE}\.", content)
        assert totals_of(response) == recomputed(expected, categories)


def test_the_whole_list_is_numbered_to_its_last_page(client, many, small_count_limit):
    response = client.get("/shipments/")
    assert "Page 1 of 4" in response.content.decode()
    assert "?page=4" in hrefs(response)


@pytest.mark.parametrize("query", ["", "recipient_country=IT,ES,BE", "recipient_country=IT,BE"])
def test_query_count_is_the_same_on_every_page(
    client, many, small_count_limit, django_assert_num_queries, query
):
    client.get(f"/shipments/?{query}")  # the cached totals, if any, are in place
    counts = []
    for page in (1, 2):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/shipments/?{query}&page={page}").status_code == 200
        counts.append(len(captured))
    assert len(set(counts)) == 1
    assert counts[0] <= 10


@pytest.mark.parametrize("query", ["", "donor_country=CN,FR&category=masks", "q=s-0"])
def test_query_count_does_not_grow_with_the_page_size(
    client, many, small_count_limit, monkeypatch, query
):
    client.get(f"/shipments/?{query}")  # the cached totals, if any, are in place
    counts = {}
    for size in (2, 30):
        monkeypatch.setattr(listing, "PAGE_SIZE", size)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/shipments/?{query}")
        assert len(response.context["page"].object_list) > 1
        counts[size] = len(captured)
    assert counts[2] == counts[30] <= 10


def published_where(**lookup):
    return list(Shipment.objects.published().filter(**lookup).distinct())


def totals_of(response):
    totals = response.context["totals"]
    by_status = {
        row.status: (row.shipments, row.weight_kg, row.weighed, row.value_usd, row.valued)
        for row in totals.by_status
    }
    by_category = {
        (row.slug, row.unit, row.status): (
            row.quantity,
            row.lines,
            row.unknown_lines,
            row.shipments,
        )
        for row in totals.by_category
    }
    return by_status, by_category


def recomputed(shipments, categories=()):
    """The totals of `shipments`, added up in Python from the rows themselves."""
    by_status = {}
    for status in {shipment.status for shipment in shipments}:
        rows = [shipment for shipment in shipments if shipment.status == status]
        weights = [row.weight_kg for row in rows if row.weight_kg is not None]
        values = [row.value_usd for row in rows if row.value_usd is not None]
        by_status[status] = (
            len(rows),
            sum(weights) if weights else None,
            len(weights),
            sum(values) if values else None,
            len(values),
        )
    groups = defaultdict(list)
    items = ShipmentItem.objects.filter(shipment__in=[shipment.pk for shipment in shipments])
    for item in items.select_related("category", "shipment"):
        if item.shipment.status == "cancelled":
            continue
        if categories and item.category.slug not in categories:
            continue
        groups[(item.category.slug, item.unit, item.shipment.status)].append(item)
    by_category = {}
    for key, lines in groups.items():
        known = [line.quantity for line in lines if line.quantity is not None]
        by_category[key] = (
            sum(known) if known else None,
            len(lines),
            len(lines) - len(known),
            len({line.shipment_id for line in lines}),
        )
    return by_status, by_category


def test_a_page_of_an_uncounted_selection_reads_its_keys_before_its_rows(
    client, many, small_count_limit
):
    # Beyond the count limit the page's keys come from the list's order alone (an
    # index at a million shipments), and only those rows are read and joined: the
    # offset is never applied to the joined rows, which took a quarter of a second
    # for page 1000.
    client.get("/shipments/")  # the whole list's totals, and so its count, are cached
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/shipments/?page=3").status_code == 200
    [rows] = [
        query["sql"]
        for query in captured
        if 'INNER JOIN "donors_recipient"' in query["sql"] and "OFFSET" in query["sql"]
    ]
    outer, keys = rows.split(" IN (SELECT ", 1)
    assert "OFFSET" not in outer and "JOIN" not in keys.split(")")[0]
    assert "OFFSET" in keys
