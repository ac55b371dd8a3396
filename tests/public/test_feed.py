"""/shipments.atom, read by a real feed parser: valid Atom, the newest changes first, each
saying what changed, and the same shipments as the list for every filter."""

from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

import feedparser
import pytest

from shipments.models import Shipment, ShipmentItem, Source
from tests.pages import listed_references

pytestmark = pytest.mark.django_db

BASE = datetime(2026, 1, 1, tzinfo=UTC)


def date_history(shipment, when):
    """Date every history row of `shipment` at `when`, as though it had been entered then."""
    Shipment.history.filter(id=shipment.pk).update(history_date=when)
    ShipmentItem.history.filter(shipment_id=shipment.pk).update(history_date=when)
    Source.history.filter(shipment_id=shipment.pk).update(history_date=when)


def refresh_last_changed(shipment):
    """Save a field the change log does not read: its last change is rewritten."""
    shipment.refresh_from_db()
    shipment.save(update_fields=["category_keys"])


@pytest.fixture
def dated(world):
    """The world's shipments published a day apart (BE-1 first); then IT-1's first line,
    1,000 ventilators, went to 45,000."""
    for offset, reference in enumerate(["BE-1", "IT-1", "CN-1"]):
        shipment = Shipment.objects.get(reference=reference)
        date_history(shipment, BASE + timedelta(days=offset))
    italy = Shipment.objects.get(reference="IT-1")
    item = italy.items.order_by("position", "pk").first()
    item.quantity = 45_000
    item.save()
    ShipmentItem.history.filter(id=item.pk, history_date__gt=BASE + timedelta(days=5)).update(
        history_date=BASE + timedelta(days=10)
    )
    for reference in ["BE-1", "IT-1", "CN-1"]:
        refresh_last_changed(Shipment.objects.get(reference=reference))
    return world


def parsed(client, query=""):
    response = client.get(f"/shipments.atom{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def references(feed):
    return [entry.link.rstrip("/").rsplit("/", 1)[1] for entry in feed.entries]


def test_the_feed_is_valid_atom(client, dated):
    feed = parsed(client)
    assert feed.version == "atom10"
    assert feed.feed.id
    assert feed.feed.title.startswith("AidTracker: changes to published shipments")
    assert feed.feed.updated_parsed
    links = {link.rel: link.href for link in feed.feed.links}
    assert links["self"] == "http://testserver/shipments.atom"
    assert links["alternate"] == "http://testserver/shipments/"
    for entry in feed.entries:
        assert entry.id.startswith("tag:testserver,2020:shipment-")
        assert entry.updated_parsed
        assert entry.link.startswith("http://testserver/shipments/")
        assert entry.summary
    assert len({entry.id for entry in feed.entries}) == len(feed.entries)


def test_entries_newest_first_each_saying_what_changed(client, dated):
    feed = parsed(client)
    updated = [entry.updated_parsed for entry in feed.entries]
    assert updated == sorted(updated, reverse=True)
    newest = feed.entries[0]
    assert references(feed)[0] == "IT-1"
    assert newest.title == "Ventilators to Italy: 1,000 → 45,000"
    assert "45,000" in newest.summary
    assert [entry.title.split(":")[0] for entry in feed.entries[1:]] == ["Published"] * 3


def test_the_ids_stay_the_same(client, dated):
    first = [entry.id for entry in parsed(client).entries]
    assert [entry.id for entry in parsed(client).entries] == first


def test_nothing_unpublished_and_no_staff_names(client, dated, django_user_model):
    feed_text = client.get("/shipments.atom").content.decode()
    assert "DRAFT-1" not in feed_text
    assert "history_user" not in feed_text
    for user in django_user_model.objects.all():
        assert user.username not in feed_text


@pytest.mark.parametrize(
    "query",
    [
        "",
        "recipient_country=IT",
        "donor_country=FR",
        "category=masks",
        "status=delivered",
        "q=lombardy",
        "shipped_after=2020-03-15",
        "recipient_country=BE,CN&status=delivered,dispatched",
        "donor=jack-ma",
    ],
)
def test_each_filter_selects_what_the_list_selects(client, dated, query):
    listed = set(listed_references(client.get(f"/shipments/?{query}")))
    assert set(references(parsed(client, f"?{query}"))) == listed
    feed = parsed(client, f"?{query}")
    links = {link.rel: link.href for link in feed.feed.links}
    assert unquote(links["alternate"]).endswith(f"/shipments/?{query}" if query else "/shipments/")


@pytest.mark.parametrize(
    "query",
    [
        "?recipient_contry=IT",
        "?status=lost",
        "?shipped_after=yesterday",
        "?page=2",
        "?recipient_country=ZZ",
    ],
)
def test_bad_filters_are_a_plain_400(client, dated, query):
    response = client.get(f"/shipments.atom{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert query[1:].split("=")[0] in response.content.decode()


def test_cached_by_readers_and_asked_again_with_its_etag(client, dated):
    response = client.get("/shipments.atom")
    assert "max-age=300" in response["Cache-Control"]
    again = client.get("/shipments.atom", headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304


def test_only_get_and_head(client, dated):
    assert client.head("/shipments.atom").status_code == 200
    assert client.post("/shipments.atom").status_code == 405


def test_at_most_fifty_entries(client, world):
    for shipment in Shipment.objects.published():
        for number in range(20):
            shipment.notes = f"Note {number}"
            shipment.save()
            # Each save an hour apart: a change of its own.
            rows = Shipment.history.filter(id=shipment.pk, history_date__gt=BASE + timedelta(30))
            rows.update(history_date=BASE + timedelta(hours=number, minutes=shipment.pk))
    assert len(parsed(client).entries) == 50


def test_the_list_and_country_pages_link_to_it(client, dated):
    page = client.get("/shipments/?recipient_country=IT&sort=reference").content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" '
        'href="/shipments.atom?recipient_country=IT"'
    ) in page
    assert 'href="/shipments.atom?recipient_country=IT" type="application/atom+xml"' in page
    country = client.get("/countries/IT/").content.decode()
    assert 'href="/shipments.atom?recipient_country=IT"' in country
    assert 'href="/shipments.atom?donor_country=IT"' in country
