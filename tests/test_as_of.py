"""The published data as it stood at a moment (`as_of`), on the list, both CSVs, the JSON
and the shipment pages, rebuilt from the change history."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shipments import as_of
from shipments.models import Shipment
from tests.factories import (
    DonorFactory,
    RecipientFactory,
    ShipmentFactory,
    ShipmentItemFactory,
    SourceFactory,
    category,
)

# The CSVs are read on a connection of their own on PostgreSQL (COPY), which cannot
# see a test's uncommitted data, so these tests commit (transaction=True).
pytestmark = pytest.mark.django_db(transaction=True)

EXPORTS = ["/shipments.csv", "/items.csv", "/shipments.json"]


def published(reference, quantity=40_000, **fields):
    """A shipment published at once, with a line of masks and a source, saved as staff do."""
    shipment = ShipmentFactory(reference=reference, is_published=False, **fields)
    ShipmentItemFactory(shipment=shipment, quantity=quantity, description="N95 masks")
    SourceFactory(shipment=shipment, title=f"Report on {reference}")
    Shipment.objects.filter(pk=shipment.pk).set_published(True)
    shipment.refresh_from_db()
    return shipment


def moment():
    """Now, as the parameter writes it; a change made after it is not part of it."""
    return as_of.stamp(timezone.now())


class Answer:
    """A response with its body read, streamed or not."""

    def __init__(self, response):
        self.response = response
        self.status_code = response.status_code
        if response.streaming:
            self.content = b"".join(response.streaming_content)
        else:
            self.content = response.content

    def __getitem__(self, header):
        return self.response[header]

    def get(self, header):
        return self.response.get(header)

    def json(self):
        return self.response.json()


def get(client, url, when, **params):
    return Answer(client.get(url, {"as_of": when, **params}))


def today(client, url, **params):
    return Answer(client.get(url, params))


def test_a_later_change_leaves_every_as_of_file_byte_identical(client):
    first = published("2020-CN-IT-001", recipient=RecipientFactory(name="Lombardy"))
    published("2020-CN-IT-002")
    when = moment()
    before = {url: get(client, url, when).content for url in EXPORTS}
    names = {url: get(client, url, when).get("Content-Disposition") for url in EXPORTS[:2]}

    # Every kind of change: the shipment, its line, a new source, its donor's name, a new
    # shipment, another unpublished.
    first.status = Shipment.Status.CANCELLED
    first.notes = "Never sent"
    first.save()
    item = first.items.get()
    item.quantity = 45_000
    item.description = "KN95 masks"
    item.save()
    SourceFactory(shipment=first, title="A later report")
    donor = first.donors.get()
    donor.name = "Renamed foundation"
    donor.save()
    published("2020-CN-IT-003")
    Shipment.objects.filter(reference="2020-CN-IT-002").set_published(False)

    for url in EXPORTS:
        assert get(client, url, when).content == before[url], url
    for url in EXPORTS[:2]:
        assert get(client, url, when)["Content-Disposition"] == names[url]
    # Today's files did change.
    assert today(client, "/shipments.csv").content != before["/shipments.csv"]


def test_as_of_reads_each_shipment_as_it_was(client):
    shipment = published("2020-CN-IT-001", quantity=40_000)
    when = moment()
    item = shipment.items.get()
    item.quantity = 45_000
    item.save()
    shipment.status = Shipment.Status.CANCELLED
    shipment.save()

    then = get(client, "/items.csv", when).content.decode()
    now = today(client, "/items.csv").content.decode()
    assert ",40000," in then and ",45000," not in then
    assert ",45000," in now
    assert "delivered" in get(client, "/shipments.csv", when).content.decode()
    page = get(client, f"/shipments/{shipment.reference}/", when).content.decode()
    assert "40,000" in page and "45,000" not in page


def test_no_as_of_view_shows_a_shipment_unpublished_at_that_moment(client):
    draft = ShipmentFactory(reference="2020-CN-IT-009", is_published=False)
    ShipmentItemFactory(shipment=draft)
    SourceFactory(shipment=draft)
    published("2020-CN-IT-001")
    before_publishing = moment()
    Shipment.objects.filter(pk=draft.pk).set_published(True)

    for url in [*EXPORTS, "/shipments/"]:
        body = get(client, url, before_publishing).content.decode()
        assert "2020-CN-IT-001" in body, url
        assert "2020-CN-IT-009" not in body, url
    response = get(client, "/shipments/2020-CN-IT-009/", before_publishing)
    assert response.status_code == 404


def test_no_as_of_view_shows_what_changed_while_a_shipment_was_unpublished(client):
    shipment = published("2020-CN-IT-001", quantity=40_000)
    Shipment.objects.filter(pk=shipment.pk).set_published(False)
    item = shipment.items.get()
    item.quantity = 99_999
    item.save()
    shipment.refresh_from_db()
    shipment.notes = "Staff working notes"
    shipment.save()
    while_unpublished = moment()

    for url in [*EXPORTS, "/shipments/"]:
        body = get(client, url, while_unpublished).content.decode()
        assert "2020-CN-IT-001" not in body, url
        assert "99999" not in body and "Staff working notes" not in body, url
    assert get(client, "/shipments/2020-CN-IT-001/", while_unpublished).status_code == 404

    Shipment.objects.filter(pk=shipment.pk).set_published(True)
    published_again = moment()
    body = get(client, "/items.csv", published_again).content.decode()
    assert ",99999," in body


def test_a_shipment_published_then_unpublished_appears_as_it_was(client):
    shipment = published("2020-CN-IT-001")
    when = moment()
    Shipment.objects.filter(pk=shipment.pk).set_published(False)

    assert "2020-CN-IT-001" not in today(client, "/shipments.csv").content.decode()
    assert "2020-CN-IT-001" in get(client, "/shipments.csv", when).content.decode()
    page = get(client, "/shipments/2020-CN-IT-001/", when)
    assert page.status_code == 200
    assert client.get("/shipments/2020-CN-IT-001/").status_code == 404


def test_filters_read_the_past_donors_and_lines(client):
    shipment = published("2020-CN-IT-001", recipient=RecipientFactory(country="IT"))
    when = moment()
    shipment.donors.set([DonorFactory(name="US donor", slug="us-donor", country="US")])
    item = shipment.items.get()
    item.category = category("ventilators")
    item.save()

    def references(**params):
        body = get(client, "/shipments.csv", when, **params).content.decode()
        return [line.split(",")[0] for line in body.splitlines()[1:]]

    assert references(donor_country="CN") == ["2020-CN-IT-001"]
    assert references(donor_country="US") == []
    assert references(category="masks") == ["2020-CN-IT-001"]
    assert references(category="ventilators") == []
    assert references(q="n95") == ["2020-CN-IT-001"]
    now = today(client, "/shipments.csv", donor_country="US").content.decode()
    assert "2020-CN-IT-001" in now


def test_the_list_and_json_agree_with_the_csv_as_of(client):
    published("2020-CN-IT-001")
    published("2020-CN-IT-002")
    when = moment()
    published("2020-CN-IT-003")

    page = get(client, "/shipments/", when)
    assert page.status_code == 200
    html = page.content.decode()
    assert "2020-CN-IT-002" in html and "2020-CN-IT-003" not in html
    data = get(client, "/shipments.json", when).json()
    assert sorted(row["reference"] for row in data["results"]) == [
        "2020-CN-IT-001",
        "2020-CN-IT-002",
    ]
    assert data["count"] == 2


def test_exports_say_what_moment_their_data_is_as_of(client):
    published("2020-CN-IT-001")
    when = timezone.now()
    for url in EXPORTS:
        response = get(client, url, as_of.stamp(when))
        assert response[as_of.HEADER] == as_of.stamp(when)
        current = today(client, url)
        latest = as_of.latest_change()
        assert current[as_of.HEADER] == as_of.stamp(latest)
        # Asking for that moment gives today's data.
        assert get(client, url, current[as_of.HEADER]).content == current.content
    name = get(client, "/shipments.csv", as_of.stamp(when), status="delivered")
    assert name["Content-Disposition"] == (
        f'attachment; filename="shipments_status-delivered_as-of-{as_of.file_stamp(when)}.csv"'
    )


def test_a_date_reads_its_first_moment(client):
    published("2020-CN-IT-001")
    date = timezone.now().date()
    response = get(client, "/shipments.csv", date.isoformat())
    # Everything was recorded after today's first moment, which is before the history.
    assert response.status_code == 400
    start = datetime.datetime.combine(date, datetime.time(), datetime.UTC)
    assert f"{as_of.stamp(start)} " not in response.content.decode()
    assert b"history begins" in response.content


@pytest.mark.parametrize(
    "value, message",
    [
        ("yesterday", "Give a date or a date-time"),
        ("2020-13-01", "Give a date or a date-time"),
        ("1999-01-01", "The change history begins at"),
        ("2999-01-01", "is in the future"),
        ("2020-04-01T25:00", "Give a date or a date-time"),
    ],
)
def test_a_bad_moment_is_a_clear_400_everywhere(client, value, message):
    published("2020-CN-IT-001")
    for url in EXPORTS:
        response = client.get(url, {"as_of": value})
        assert response.status_code == 400, url
        assert message in response.content.decode(), url
        assert "as_of" in response.content.decode(), url
    for url in ["/shipments/", "/shipments/2020-CN-IT-001/"]:
        response = client.get(url, {"as_of": value})
        assert response.status_code == 400, url
        assert message in response.content.decode(), url


def test_nothing_recorded_yet_is_a_400(client):
    response = client.get("/shipments.csv", {"as_of": "2020-01-01"})
    assert response.status_code == 400
    assert b"No change has been recorded yet" in response.content


def test_the_cache_of_today_is_neither_read_nor_filled_as_of(client):
    published("2020-CN-IT-001")
    when = moment()
    published("2020-CN-IT-002")
    # Today's list fills the cache with today's totals and choices...
    assert "2020-CN-IT-002" in client.get("/shipments/").content.decode()
    # ...which the past does not read.
    past = get(client, "/shipments/", when).content.decode()
    assert "2020-CN-IT-002" not in past
    assert "2020-CN-IT-002" in client.get("/shipments/").content.decode()


def test_shadowing_leaves_other_statements_alone():
    when = timezone.now()
    sql, params = as_of.shadow("UPDATE shipments_shipment SET notes = %s", ["x"], when, "x")
    assert sql == "UPDATE shipments_shipment SET notes = %s"
    sql, params = as_of.shadow("SELECT 1 FROM auth_user", [], when, "x")
    assert sql == "SELECT 1 FROM auth_user"
    sql, params = as_of.shadow("SELECT '100%' FROM shipments_source", None, when, "x")
    assert sql.endswith("SELECT '100%%' FROM shipments_source")
    assert params == [when, when]
    sql, _ = as_of.shadow("WITH a AS (SELECT 1) SELECT * FROM shipments_source, a", [], when, "x")
    assert sql.startswith('WITH "shipments_source" AS (') and ", a AS (SELECT 1) SELECT" in sql


def test_a_shipment_merged_away_since_shows_as_it_was_and_redirects_today(client):
    from shipments import duplicates
    from tests.factories import StaffFactory

    kept = published("2020-CN-IT-001")
    merged = published("2020-CN-IT-002")
    when = moment()
    duplicates.merge(kept, merged, StaffFactory(), publisher=True)

    page = get(client, "/shipments/2020-CN-IT-002/", when)
    assert page.status_code == 200
    assert "Report on 2020-CN-IT-002" in page.content.decode()
    # Today, and as of a moment after the merge, its address leads to the one kept, as_of kept.
    after = moment()
    moved = client.get("/shipments/2020-CN-IT-002/", {"as_of": after})
    assert moved.status_code == 301
    assert moved["Location"] == f"/shipments/2020-CN-IT-001/?as_of={after.replace(':', '%3A')}"
    listed = get(client, "/shipments.csv", when).content.decode()
    assert "2020-CN-IT-002" in listed


def test_the_verification_level_is_read_as_it_was(client):
    shipment = published("2020-CN-IT-001")
    when = moment()
    SourceFactory(shipment=shipment, title="Customs record", supports="independently_verified")

    def references(url, **params):
        body = url(**params).content.decode()
        return [line.split(",")[0] for line in body.splitlines()[1:]]

    verified = {"verification": "independently_verified"}
    assert references(lambda **p: today(client, "/shipments.csv", **p), **verified) == [
        "2020-CN-IT-001"
    ]
    assert references(lambda **p: get(client, "/shipments.csv", when, **p), **verified) == []
    media = {"verification": "media_reported"}
    assert references(lambda **p: get(client, "/shipments.csv", when, **p), **media) == [
        "2020-CN-IT-001"
    ]


def test_a_shipment_page_as_of_a_moment_lists_only_the_changes_made_by_then(client):
    from datetime import timedelta

    from django.db.models import F

    shipment = published("2020-CN-IT-001", quantity=40_000)
    # Published an hour ago, so that a change now is a change of its own.
    for model in as_of.SHADOWED:
        model.history.update(history_date=F("history_date") - timedelta(hours=1))
    when = as_of.stamp(timezone.now() - timedelta(minutes=30))
    item = shipment.items.get()
    item.quantity = 45_000
    item.save()

    current = today(client, "/shipments/2020-CN-IT-001/").content.decode()
    assert '<span class="change-new">45,000</span>' in current
    answer = get(client, "/shipments/2020-CN-IT-001/", when)
    assert answer.status_code == 200
    past = answer.content.decode()
    assert "Published" in past
    assert "45,000" not in past


def test_a_text_search_of_the_past_finds_and_leaves_the_planner_as_it_was(client):
    """On PostgreSQL a text search of the past is planned without index walks
    (as_of.TEXT_SEARCH); the statement is recognised, and the setting does not outlive it."""
    published("2020-CN-IT-001")
    published("2020-CN-IT-002").items.update(description="Ventilators")
    when = moment()
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/shipments/", {"as_of": when, "q": "n95"})
    assert page.status_code == 200
    assert "2020-CN-IT-001" in page.content.decode()
    assert "2020-CN-IT-002" not in page.content.decode()
    assert any(as_of.TEXT_SEARCH.search(query["sql"]) for query in captured.captured_queries)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW enable_indexscan")
            assert cursor.fetchone() == ("on",)
