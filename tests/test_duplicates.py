"""Possible duplicates: the pairs staff are offered, marking them distinct, merging them, and
the merged shipment's address leading to the one kept."""

import csv
import io
from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError

from shipments import duplicates
from shipments.models import DistinctShipments, Shipment, Source
from tests.factories import (
    DonorFactory,
    RecipientFactory,
    RejectionFactory,
    ShipmentFactory,
    ShipmentItemFactory,
    SourceFactory,
    StaffFactory,
    category,
)

pytestmark = pytest.mark.django_db

DUPLICATES_URL = "/admin/shipments/shipment/duplicates/"
MERGE_URL = "/admin/shipments/shipment/duplicates/merge/"
DISTINCT_URL = "/admin/shipments/shipment/duplicates/distinct/"


def shipment(donors, recipient, slugs=("masks",), sources=1, **fields):
    made = ShipmentFactory(donors=donors, recipient=recipient, **fields)
    for slug in slugs:
        ShipmentItemFactory(shipment=made, category=category(slug), description=slug)
    for _ in range(sources):
        SourceFactory(shipment=made)
    return made


@pytest.fixture
def parties():
    donor = DonorFactory(name="Jack Ma Foundation", country="CN")
    return donor, RecipientFactory(country="IT")


@pytest.fixture
def pair(parties):
    """Two reports of one delivery: same donor, country, category, dates two days apart."""
    donor, recipient = parties
    older = shipment([donor], recipient, shipped_on=date(2020, 3, 10))
    newer = shipment([donor], recipient, shipped_on=date(2020, 3, 12))
    return newer, older


def pairs():
    return {(pair.newer.reference, pair.older.reference) for pair in duplicates.candidates().pairs}


def is_candidate(one, other):
    found = pairs()
    return (one.reference, other.reference) in found or (other.reference, one.reference) in found


def messages(response):
    return [str(message.message) for message in get_messages(response.wsgi_request)]


# The rules, each both ways ---------------------------------------------------


def test_a_pair_is_offered_once_from_its_newer_shipment_with_its_reasons(pair):
    newer, older = pair
    page = duplicates.candidates()
    assert [(p.newer, p.older) for p in page.pairs] == [(newer, older)]
    assert page.pairs[0].reasons == [
        "Both from China to Italy",
        "Dates meet: 2020-03-12, and 2020-03-10",
        "Both hold Masks",
        "Donor in common: Jack Ma Foundation",
    ]


def test_shipments_to_different_countries_are_not_a_pair(parties):
    donor, recipient = parties
    shipment([donor], recipient, shipped_on=date(2020, 3, 10))
    other = shipment([donor], RecipientFactory(country="ES"), shipped_on=date(2020, 3, 10))
    assert other.destination_country == "ES"
    assert pairs() == set()


def test_shipments_from_different_countries_are_not_a_pair(parties):
    donor, recipient = parties
    first = shipment([donor], recipient, shipped_on=date(2020, 3, 10))
    shipment([donor], recipient, shipped_on=date(2020, 3, 10), origin_country="HK")
    assert pairs() == set()
    third = shipment([donor], recipient, shipped_on=date(2020, 3, 10))
    assert pairs() == {(third.reference, first.reference)}


@pytest.mark.parametrize(
    ("dates", "paired"),
    [
        # A single date each: within twice the tolerance, or not.
        ({"shipped_on": date(2020, 3, 23)}, True),
        ({"shipped_on": date(2020, 3, 26)}, False),
        # Only the arrival known, 13 days after the other's shipping.
        ({"arrived_on": date(2020, 3, 23)}, True),
        # A span that holds the other's date.
        ({"announced_on": date(2020, 3, 1), "arrived_on": date(2020, 3, 30)}, True),
        # A span that ends well before it.
        ({"announced_on": date(2020, 1, 1), "arrived_on": date(2020, 2, 1)}, False),
        # No date at all: never compared.
        ({}, False),
    ],
)
def test_dates_overlap_within_the_tolerance(parties, dates, paired):
    donor, recipient = parties
    first = shipment([donor], recipient, shipped_on=date(2020, 3, 10))
    second = shipment([donor], recipient, **dates)
    assert is_candidate(first, second) is paired


def test_a_category_in_common_is_needed(parties):
    donor, recipient = parties
    first = shipment([donor], recipient, slugs=["masks", "gloves"], shipped_on=date(2020, 3, 10))
    second = shipment([donor], recipient, slugs=["ventilators"], shipped_on=date(2020, 3, 10))
    third = shipment([donor], recipient, slugs=["gloves"], shipped_on=date(2020, 3, 11))
    assert not is_candidate(first, second)
    assert not is_candidate(second, third)
    assert is_candidate(first, third)


def test_donors_must_be_alike(parties):
    jack_ma, recipient = parties
    first = shipment([jack_ma], recipient, shipped_on=date(2020, 3, 10))
    unrelated = shipment(
        [DonorFactory(name="Alibaba Group", country="CN")], recipient, shipped_on=date(2020, 3, 10)
    )
    assert pairs() == set()
    # The same donor entered twice, or a longer name of it, from the same country.
    alike = shipment(
        [DonorFactory(name="JACK MA FOUNDATION and Alibaba", country="CN")],
        recipient,
        shipped_on=date(2020, 3, 11),
    )
    assert is_candidate(first, alike) and not is_candidate(unrelated, alike)
    [found] = duplicates.candidates().pairs
    assert found.reasons[-1] == (
        "Donors with names alike: “JACK MA FOUNDATION and Alibaba” and “Jack Ma Foundation”"
    )
    # Alike names of another country are another donor.
    elsewhere = shipment(
        [DonorFactory(name="Jack Ma Foundation US", country="US")],
        recipient,
        shipped_on=date(2020, 3, 10),
    )
    assert not is_candidate(first, elsewhere)


def test_a_donor_in_common_among_several_is_enough(parties):
    jack_ma, recipient = parties
    other = DonorFactory(name="Zhejiang", country="CN")
    first = shipment([jack_ma, other], recipient, shipped_on=date(2020, 3, 10))
    second = shipment([other], recipient, shipped_on=date(2020, 3, 10))
    assert is_candidate(first, second)


def test_pairs_marked_distinct_or_merged_are_not_offered(pair, editor):
    newer, older = pair
    duplicates.mark_distinct(older, newer, editor)
    assert pairs() == set()
    third = shipment(list(newer.donors.all()), newer.recipient, shipped_on=date(2020, 3, 11))
    assert pairs() == {(third.reference, newer.reference), (third.reference, older.reference)}
    duplicates.merge(older, third, editor, publisher=True)
    assert pairs() == set()


def test_pages_go_on_where_the_last_stopped_and_say_what_they_looked_at(parties, monkeypatch):
    donor, recipient = parties
    made = [shipment([donor], recipient, shipped_on=date(2020, 3, 10)) for _ in range(4)]
    everything = pairs()
    assert len(everything) == 6  # every pair of four
    monkeypatch.setattr(duplicates, "PAGE_SIZE", 4)
    first = duplicates.candidates()
    assert len(first.pairs) == 4 and first.next_anchor is not None
    rest = duplicates.candidates(first.next_anchor, first.next_partner)
    seen = [(p.newer.reference, p.older.reference) for p in first.pairs + rest.pairs]
    assert len(seen) == 6 and set(seen) == everything
    assert rest.next_anchor is None
    # A page looks at so many shipments, and the next one at those before them.
    monkeypatch.setattr(duplicates, "SCAN_SIZE", 2)
    monkeypatch.setattr(duplicates, "PAGE_SIZE", 50)
    newest = duplicates.candidates()
    # The newest two, each against every one entered before it.
    assert len(newest.pairs) == 5
    assert newest.first_key == made[2].pk and newest.next_anchor == made[2].pk - 1
    older = duplicates.candidates(newest.next_anchor)
    assert {(p.newer, p.older) for p in older.pairs} == {(made[1], made[0])}
    assert older.next_anchor is None


# Marking distinct ---------------------------------------------------------------


def test_marking_distinct_is_recorded_once_in_order_with_its_history(pair, editor):
    newer, older = pair
    first = duplicates.mark_distinct(newer, older, editor)
    again = duplicates.mark_distinct(older, newer, editor)
    assert first == again
    assert (first.first, first.second, first.marked_by) == (older, newer, editor)
    assert [row.history_user for row in first.history.all()] == [editor]
    with pytest.raises(ValidationError):
        duplicates.mark_distinct(newer, newer, editor)


# Merging ------------------------------------------------------------------------


@pytest.fixture
def reports(parties):
    """Two published reports of one delivery, with their sources (one citation in both)."""
    donor, recipient = parties
    kept = shipment(
        [donor],
        recipient,
        sources=0,
        shipped_on=date(2020, 3, 12),
        notes="Landed at Malpensa.",
        reference="2020-CN-IT-001",
    )
    merged = shipment(
        [donor],
        recipient,
        sources=0,
        slugs=["masks", "gloves"],
        shipped_on=date(2020, 3, 10),
        reference="2020-CN-IT-003",
        notes="Reported by the embassy.",
    )
    SourceFactory(shipment=kept, title="Xinhua", url="https://example.org/a")
    for title in ("Xinhua", "Reuters", "Embassy"):
        SourceFactory(shipment=merged, title=title, url="https://example.org/a")
    return kept, merged


def test_a_merge_keeps_every_source_and_leaves_the_other_unpublished_and_merged(reports, editor):
    kept, merged = reports
    sources = set(Source.objects.values_list("pk", flat=True))
    lines = {shipment.pk: set(shipment.items.values_list("pk", flat=True)) for shipment in reports}
    duplicates.merge(kept, merged, editor, publisher=True)
    kept.refresh_from_db()
    merged.refresh_from_db()
    assert set(kept.sources.values_list("pk", flat=True)) == sources
    assert sorted(kept.sources.values_list("title", flat=True)) == [
        "Embassy",
        "Reuters",
        "Xinhua",
        "Xinhua",
    ]
    assert (merged.is_published, merged.merged_into) == (False, kept)
    assert kept.is_published
    # Lines are never added together: each keeps its own.
    assert set(kept.items.values_list("pk", flat=True)) == lines[kept.pk]
    assert set(merged.items.values_list("pk", flat=True)) == lines[merged.pk]
    assert kept.notes.startswith("Landed at Malpensa.\n\nMerged with 2020-CN-IT-003 on ")
    assert kept.notes.endswith("its notes: Reported by the embassy.")


def test_the_history_records_the_merge_and_who_made_it(reports, editor):
    kept, merged = reports
    duplicates.merge(kept, merged, editor, publisher=True)
    reason = "Merged 2020-CN-IT-003 into 2020-CN-IT-001"
    for shipment in reports:
        latest = shipment.history.latest()
        assert (latest.history_user, latest.history_change_reason) == (editor, reason)
    assert merged.history.latest().merged_into_id == kept.pk
    assert not merged.history.latest().is_published
    # Each source moved has a history row of its move; the kept shipment's own has none.
    moved = Source.history.filter(history_change_reason=reason)
    assert sorted(moved.values_list("title", flat=True)) == ["Embassy", "Reuters", "Xinhua"]
    assert {row.history_user for row in moved} == {editor}
    assert {row.shipment_id for row in moved} == {kept.pk}


def test_lines_move_only_to_a_shipment_without_any(parties, editor):
    donor, recipient = parties
    bare = ShipmentFactory(
        donors=[donor],
        recipient=recipient,
        is_published=False,
        shipped_on=date(2020, 3, 12),
        weight_kg=100,
    )
    full = shipment(
        [donor],
        recipient,
        slugs=["masks", "gloves"],
        is_published=False,
        shipped_on=date(2020, 3, 12),
    )
    rejection = RejectionFactory(item=full.items.first())
    lines = set(full.items.values_list("pk", flat=True))
    duplicates.merge(bare, full, editor, publisher=False)
    assert set(bare.items.values_list("pk", flat=True)) == lines
    # What is derived from the lines follows them (the admin's category filter reads it).
    bare.refresh_from_db()
    full.refresh_from_db()
    assert full.category_keys == ""
    assert set(bare.category_keys.split()) == {
        str(category(slug).pk) for slug in ("gloves", "masks")
    }
    rejection.refresh_from_db()
    assert rejection.shipment == bare and rejection.source.shipment == bare


def test_rejections_of_lines_that_stay_behind_are_refused(reports, editor):
    kept, merged = reports
    RejectionFactory(item=merged.items.first(), source=merged.sources.first())
    with pytest.raises(ValidationError, match="rejected or returned"):
        duplicates.merge(kept, merged, editor, publisher=True)
    assert merged.sources.count() == 3


def test_deliveries_of_a_merged_pledge_become_the_kept_ones(parties, editor):
    donor, recipient = parties
    kept = shipment([donor], recipient, status="pledged", announced_on=date(2020, 3, 1))
    merged = shipment([donor], recipient, status="pledged", announced_on=date(2020, 3, 2))
    delivery = shipment([donor], recipient, pledge=merged, shipped_on=date(2020, 3, 20))
    duplicates.merge(kept, merged, editor, publisher=True)
    delivery.refresh_from_db()
    assert delivery.pledge == kept
    assert delivery.history.latest().history_user == editor


@pytest.mark.parametrize("failing", ["merged", "source"])
def test_a_merge_that_fails_half_way_changes_nothing(reports, editor, monkeypatch, failing):
    kept, merged = reports
    before = {
        "sources": sorted(Source.objects.values_list("pk", "shipment_id")),
        "shipments": sorted(
            Shipment.objects.values_list("pk", "notes", "is_published", "merged_into_id")
        ),
        "history": Shipment.history.count() + Source.history.count(),
    }
    saves = {"merged": Shipment.save, "source": Source.save}
    model = Shipment if failing == "merged" else Source
    original = saves[failing]
    calls = []

    def fail_late(self, *args, **kwargs):
        calls.append(self)
        # The merged shipment is the last saved; the third source after two were moved.
        if (failing == "merged" and self.pk == merged.pk) or len(calls) == 3:
            raise RuntimeError("the database went away")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(model, "save", fail_late)
    with pytest.raises(RuntimeError):
        duplicates.merge(kept, merged, editor, publisher=True)
    monkeypatch.undo()
    assert before == {
        "sources": sorted(Source.objects.values_list("pk", "shipment_id")),
        "shipments": sorted(
            Shipment.objects.values_list("pk", "notes", "is_published", "merged_into_id")
        ),
        "history": Shipment.history.count() + Source.history.count(),
    }


def test_merges_that_make_no_sense_are_refused(reports, parties, editor):
    kept, merged = reports
    with pytest.raises(ValidationError, match="into itself"):
        duplicates.merge(kept, kept, editor, publisher=True)
    with pytest.raises(ValidationError, match="only an editor"):
        duplicates.merge(kept, merged, editor, publisher=False)
    donor, _ = parties
    spain = shipment([donor], RecipientFactory(country="ES"), shipped_on=date(2020, 3, 12))
    with pytest.raises(ValidationError, match="different countries"):
        duplicates.merge(kept, spain, editor, publisher=True)
    duplicates.merge(kept, spain, editor, publisher=True, across_countries=True)
    with pytest.raises(ValidationError, match="already merged"):
        duplicates.merge(spain, merged, editor, publisher=True)
    with pytest.raises(ValidationError, match="already merged"):
        duplicates.merge(merged, spain, editor, publisher=True)


# The old address ---------------------------------------------------------------


def test_the_merged_shipments_address_leads_to_the_one_kept(reports, editor, client):
    kept, merged = reports
    old_url = merged.get_absolute_url()
    assert client.get(old_url).status_code == 200
    duplicates.merge(kept, merged, editor, publisher=True)
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == kept.get_absolute_url()
    # The query string goes along (as_of too: tests/test_as_of.py reads a merge in the past).
    response = client.get(old_url + "?utm_source=news&x=%C3%A9")
    assert (response.status_code, response["Location"]) == (
        301,
        kept.get_absolute_url() + "?utm_source=news&x=%C3%A9",
    )
    assert client.get(old_url, follow=True).status_code == 200


def test_merges_are_followed_and_lead_nowhere_unpublished(reports, parties, editor, client):
    kept, merged = reports
    donor, recipient = parties
    last = shipment([donor], recipient, shipped_on=date(2020, 3, 11))
    duplicates.merge(kept, merged, editor, publisher=True)
    duplicates.merge(last, kept, editor, publisher=True)
    for old in (merged, kept):
        response = client.get(old.get_absolute_url())
        assert (response.status_code, response["Location"]) == (301, last.get_absolute_url())
    Shipment.objects.filter(pk=last.pk).set_published(False, user=editor)
    for old in (merged, kept, last):
        assert client.get(old.get_absolute_url()).status_code == 404


# PostgreSQL's COPY of the CSVs reads what is committed.
@pytest.mark.django_db(transaction=True)
def test_the_merged_shipment_leaves_the_public_list_and_files(reports, editor, client):
    kept, merged = reports
    duplicates.merge(kept, merged, editor, publisher=True)
    listed = client.get("/shipments/").context["page"].object_list
    assert [shipment.reference for shipment in listed] == [kept.reference]
    for url, column in (("/shipments.csv", "reference"), ("/items.csv", "shipment_reference")):
        response = client.get(url)
        rows = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
        assert {row[column] for row in rows} == {kept.reference}, url
    results = client.get("/shipments.json").json()["results"]
    assert [row["reference"] for row in results] == [kept.reference]


# The staff pages -----------------------------------------------------------------


def test_the_candidates_page_lists_pairs_with_their_reasons(pair, editor_client):
    newer, older = pair
    response = editor_client.get(DUPLICATES_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert newer.reference in page and older.reference in page
    assert "Donor in common: Jack Ma Foundation" in page
    assert f"?first={newer.pk}&amp;second={older.pk}" in page
    # Linked from the shipment list.
    assert DUPLICATES_URL in editor_client.get("/admin/shipments/shipment/").content.decode()
    filtered = editor_client.get(DUPLICATES_URL, {"country": "ES"}).content.decode()
    assert newer.reference not in filtered and "No possible duplicates" in filtered


@pytest.mark.parametrize(
    "query",
    [
        {"anchor": "x"},
        {"anchor": "-3"},
        {"partner": "1e9"},
        {"country": "ZZ"},
        {"country": "IT\x00"},
    ],
)
def test_the_candidates_page_answers_bad_input_with_400(editor_client, query):
    assert editor_client.get(DUPLICATES_URL, query).status_code == 400


def test_only_staff_who_may_change_shipments_see_the_pages(client, pair):
    newer, older = pair
    for url in (DUPLICATES_URL, f"{MERGE_URL}?first={newer.pk}&second={older.pk}"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    viewer = StaffFactory()
    viewer.user_permissions.add(Permission.objects.get(codename="view_shipment"))
    client.force_login(viewer)
    assert client.get(DUPLICATES_URL).status_code == 403
    assert client.get(f"{MERGE_URL}?first={newer.pk}&second={older.pk}").status_code == 403
    data = {"first": newer.pk, "second": older.pk, "keep": older.pk}
    assert client.post(MERGE_URL, data).status_code == 403
    assert client.post(DISTINCT_URL, data).status_code == 403
    assert not DistinctShipments.objects.exists()
    assert Shipment.objects.filter(merged_into__isnull=False).count() == 0


def test_marking_distinct_in_the_admin(pair, data_entry_client, data_entry):
    newer, older = pair
    assert data_entry_client.get(DISTINCT_URL).status_code == 405
    response = data_entry_client.post(
        DISTINCT_URL, {"first": newer.pk, "second": older.pk, "next": "https://evil.example/"}
    )
    assert (response.status_code, response["Location"]) == (302, DUPLICATES_URL)
    pair_row = DistinctShipments.objects.get()
    assert pair_row.marked_by == data_entry
    assert pair_row.history.get().history_user == data_entry
    assert not data_entry_client.get(DUPLICATES_URL).context["page"].pairs


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"first": "a", "second": "1"},
        {"first": "1"},
        {"first": "-1", "second": "2"},
        {"first": "1", "second": str(10**20)},
    ],
)
def test_merge_and_distinct_answer_bad_input_with_400(editor_client, pair, data):
    assert editor_client.post(DISTINCT_URL, data).status_code == 400
    assert editor_client.post(MERGE_URL, data).status_code == 400
    assert editor_client.get(MERGE_URL, data).status_code == 400


def test_merge_and_distinct_of_missing_shipments_are_404(editor_client, pair):
    newer, _ = pair
    data = {"first": newer.pk, "second": 999_999, "keep": newer.pk}
    assert editor_client.post(DISTINCT_URL, data).status_code == 404
    assert editor_client.post(MERGE_URL, data).status_code == 404
    assert editor_client.get(MERGE_URL, data).status_code == 404
    assert (
        editor_client.post(DISTINCT_URL, {"first": newer.pk, "second": newer.pk}).status_code == 400
    )
    assert editor_client.put(MERGE_URL, data).status_code == 405


def test_merging_in_the_admin(reports, editor_client, editor):
    kept, merged = reports
    query = {"first": merged.pk, "second": kept.pk}
    page = editor_client.get(MERGE_URL, query)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Supply lines are never added together" in text
    # Both published: the one with more sources is offered.
    assert f'value="{merged.pk}" checked' in text
    bad = editor_client.post(MERGE_URL, {**query, "keep": 12345})
    assert bad.status_code == 400
    response = editor_client.post(MERGE_URL, {**query, "keep": kept.pk})
    assert (response.status_code, response["Location"]) == (302, DUPLICATES_URL)
    merged.refresh_from_db()
    assert merged.merged_into == kept
    assert any("Merged 2020-CN-IT-003 into" in message for message in messages(response))
    assert merged.history.latest().history_user == editor
    # Merging it again is refused with the reason, not an error.
    again = editor_client.post(MERGE_URL, {**query, "keep": kept.pk})
    assert again.status_code == 200
    assert "was already merged into 2020-CN-IT-001" in " ".join(messages(again))


def test_data_entry_cannot_merge_a_published_shipment(reports, data_entry_client, parties):
    kept, merged = reports
    response = data_entry_client.post(
        MERGE_URL, {"first": kept.pk, "second": merged.pk, "keep": kept.pk}
    )
    assert response.status_code == 200
    assert "only an editor (who may publish) can merge it" in " ".join(messages(response))
    merged.refresh_from_db()
    assert merged.merged_into is None and merged.is_published
    assert merged.sources.count() == 3
    # Two drafts are theirs to merge.
    donor, recipient = parties
    drafts = [shipment([donor], recipient, is_published=False) for _ in range(2)]
    response = data_entry_client.post(
        MERGE_URL, {"first": drafts[0].pk, "second": drafts[1].pk, "keep": drafts[1].pk}
    )
    assert response.status_code == 302
    drafts[0].refresh_from_db()
    assert drafts[0].merged_into == drafts[1]


def test_merging_across_countries_needs_the_confirmation(reports, editor_client, parties):
    kept, _ = reports
    donor, _ = parties
    spain = shipment([donor], RecipientFactory(country="ES"), shipped_on=date(2020, 3, 12))
    query = {"first": kept.pk, "second": spain.pk, "keep": kept.pk}
    assert 'name="across_countries"' in editor_client.get(MERGE_URL, query).content.decode()
    refused = editor_client.post(MERGE_URL, query)
    assert "confirm that they are one delivery" in " ".join(messages(refused))
    spain.refresh_from_db()
    assert spain.merged_into is None
    editor_client.post(MERGE_URL, {**query, "across_countries": "1"})
    spain.refresh_from_db()
    assert spain.merged_into == kept


def test_a_merged_shipment_cannot_be_published_again(reports, editor, editor_client):
    kept, merged = reports
    duplicates.merge(kept, merged, editor, publisher=True)
    from tests.admin_forms import change_url, existing_shipment_data

    merged.refresh_from_db()
    response = editor_client.post(
        change_url(merged), existing_shipment_data(merged, is_published="on")
    )
    assert response.status_code == 200
    assert "was merged into 2020-CN-IT-001" in response.content.decode()
    merged.refresh_from_db()
    assert not merged.is_published
    # Its page says where it went.
    page = editor_client.get(change_url(merged))
    assert "This shipment was merged into" in " ".join(messages(page))


def test_a_pair_marked_distinct_by_mistake_can_be_undone(pair, data_entry_client, data_entry):
    newer, older = pair
    marked = duplicates.mark_distinct(newer, older, data_entry)
    listing = data_entry_client.get("/admin/shipments/distinctshipments/")
    assert listing.status_code == 200 and newer.reference in listing.content.decode()
    url = f"/admin/shipments/distinctshipments/{marked.pk}/delete/"
    assert data_entry_client.post(url, {"post": "yes"}).status_code == 302
    assert not DistinctShipments.objects.exists()
    assert marked.history.latest().history_type == "-"
    assert marked.history.latest().history_user == data_entry
    assert is_candidate(newer, older)
    assert data_entry_client.get("/admin/shipments/distinctshipments/add/").status_code == 403
