"""Verification levels: each source says which claim it supports, each shipment is as
established as the strongest of its sources, and the verification filter selects the same
published shipments on the list, both CSVs and the JSON."""

import csv
import io
import json
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from shipments.models import (
    VERIFICATION_BADGES,
    Shipment,
    Source,
    Verification,
    bulk_write,
)
from shipments.signals import refresh_derived_columns
from tests.admin_forms import SHIPMENT_URL, change_url, existing_shipment_data, shipment_data
from tests.factories import DonorFactory, RecipientFactory, ShipmentFactory, SourceFactory
from tests.imports.test_import import csv_bytes, import_file, invalid_rows, row
from tests.pages import listed_references

DONOR = Verification.DONOR_REPORTED
MEDIA = Verification.MEDIA_REPORTED
RECIPIENT = Verification.RECIPIENT_CONFIRMED
INDEPENDENT = Verification.INDEPENDENTLY_VERIFIED


def level_of(shipment):
    return Shipment.objects.values_list("verification", flat=True).get(pk=shipment.pk)


def body(response):
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(body(response))))


# The level and what it is made of ------------------------------------------------


def test_the_levels_run_from_the_weakest_claim_to_the_strongest():
    assert Verification.values == [
        "donor_reported",
        "media_reported",
        "recipient_confirmed",
        "independently_verified",
    ]
    assert Verification.strongest([MEDIA, DONOR]) == MEDIA
    assert Verification.strongest([RECIPIENT, INDEPENDENT, DONOR]) == INDEPENDENT
    assert Verification.strongest([]) == ""


@pytest.mark.django_db
def test_a_shipment_is_as_established_as_its_strongest_source():
    shipment = ShipmentFactory(is_published=False)
    assert level_of(shipment) == ""
    donor = SourceFactory(shipment=shipment, supports=DONOR)
    assert level_of(shipment) == DONOR
    SourceFactory(shipment=shipment, supports=RECIPIENT)
    assert level_of(shipment) == RECIPIENT
    # A weaker source adds nothing.
    SourceFactory(shipment=shipment, supports=MEDIA)
    assert level_of(shipment) == RECIPIENT
    donor.supports = INDEPENDENT
    donor.save()
    assert level_of(shipment) == INDEPENDENT
    donor.delete()
    assert level_of(shipment) == RECIPIENT
    shipment.sources.all().delete()
    assert level_of(shipment) == ""


@pytest.mark.django_db
def test_a_source_moved_to_another_shipment_leaves_its_level_behind():
    first, second = ShipmentFactory(is_published=False), ShipmentFactory(is_published=False)
    SourceFactory(shipment=first, supports=DONOR)
    moving = SourceFactory(shipment=first, supports=INDEPENDENT)
    moving = Source.objects.get(pk=moving.pk)
    moving.shipment = second
    moving.save()
    assert (level_of(first), level_of(second)) == (DONOR, INDEPENDENT)


@pytest.mark.django_db
def test_bulk_changes_to_sources_follow():
    first, second = ShipmentFactory(), ShipmentFactory()
    SourceFactory(shipment=first, supports=MEDIA)
    Source.objects.filter(shipment=first).update(supports=RECIPIENT)
    assert level_of(first) == RECIPIENT
    Source.objects.bulk_create([SourceFactory.build(shipment=second, supports=DONOR)])
    assert level_of(second) == DONOR
    Source.objects.filter(shipment=first).update(shipment=second)
    assert (level_of(first), level_of(second)) == ("", RECIPIENT)


@pytest.mark.django_db
def test_a_shipment_deleted_with_its_sources_needs_no_level():
    shipment = ShipmentFactory()
    SourceFactory(shipment=shipment, supports=RECIPIENT)
    shipment.delete()
    assert not Source.objects.exists()


@pytest.mark.django_db
def test_a_bulk_write_leaves_the_level_to_its_loader():
    shipment = ShipmentFactory()
    SourceFactory(shipment=shipment, supports=MEDIA)
    with bulk_write():
        Source.objects.filter(shipment=shipment).update(supports=INDEPENDENT)
    assert level_of(shipment) == MEDIA
    refresh_derived_columns([shipment.pk])
    assert level_of(shipment) == INDEPENDENT


@pytest.mark.django_db
def test_the_migration_makes_every_source_a_media_report():
    sourced, bare = ShipmentFactory(), ShipmentFactory(is_published=False)
    SourceFactory(shipment=sourced)
    Shipment.objects.update(verification="")
    Shipment.objects.filter(pk=bare.pk).update(verification=MEDIA)
    migration = import_module("shipments.migrations.0024_verification")
    # What the added column holds before the fill: the default it is added with.
    Shipment.objects.update(verification=migration.media_reported(apps))
    schema_editor = SimpleNamespace(connection=connection)
    migration.empty_without_a_source(apps, schema_editor)
    assert (level_of(sourced), level_of(bare)) == (MEDIA, "")
    assert Source._meta.get_field("supports").default == MEDIA
    assert dict(migration.LEVELS) == dict(Verification.choices)


# Imports ---------------------------------------------------------------------------


def sources_json(*records):
    return json.dumps([{"title": "Aid lands", "url": "", **record} for record in records])


@pytest.mark.django_db
def test_an_import_gives_its_sources_their_claims_and_the_shipment_its_level():
    line = row(sources_json=sources_json({"supports": "recipient_confirmed"}))
    result = import_file(csv_bytes([line]))
    assert not result.has_validation_errors(), invalid_rows(result)
    shipment = Shipment.objects.get()
    assert shipment.sources.get().supports == RECIPIENT
    assert shipment.verification == RECIPIENT


@pytest.mark.django_db
def test_a_file_made_before_the_claims_leaves_them_as_stored():
    assert not import_file(
        csv_bytes([row(sources_json=sources_json({"supports": "independently_verified"}))])
    ).has_errors()
    # The same source, from a file without the key: kept; a new one: a media report.
    older = sources_json({}, {"title": "Second report"})
    result = import_file(csv_bytes([row(sources_json=older)]))
    assert not result.has_validation_errors(), invalid_rows(result)
    shipment = Shipment.objects.get()
    supports = dict(shipment.sources.values_list("title", "supports"))
    assert supports == {"Aid lands": INDEPENDENT, "Second report": MEDIA}
    assert shipment.verification == INDEPENDENT


@pytest.mark.django_db
def test_an_import_changing_a_claim_changes_the_level():
    assert not import_file(
        csv_bytes([row(sources_json=sources_json({"supports": "donor_reported"}))])
    ).has_errors()
    assert Shipment.objects.get().verification == DONOR
    line = row(sources_json=sources_json({"supports": "recipient_confirmed"}))
    assert not import_file(csv_bytes([line])).has_errors()
    assert Shipment.objects.get().verification == RECIPIENT


@pytest.mark.django_db
def test_an_unknown_claim_in_an_import_names_the_row():
    result = import_file(csv_bytes([row(sources_json=sources_json({"supports": "rumoured"}))]))
    assert "supports" in str(invalid_rows(result)[1])
    assert not Shipment.objects.exists()


# Synthetic and demo data -------------------------------------------------------------


@pytest.mark.django_db
def test_a_synthetic_set_holds_every_level_and_the_level_a_refresh_would_write():
    call_command("generate_synthetic", shipments=300, verbosity=0)
    stored = dict(Shipment.objects.values_list("pk", "verification"))
    Shipment.objects.update(verification="")
    refresh_derived_columns(stored)
    assert dict(Shipment.objects.values_list("pk", "verification")) == stored
    assert set(stored.values()) == set(Verification.values)
    # What is only pledged is at most reported: nobody has received or inspected it.
    pledged = Shipment.objects.filter(status__in=["pledged", "cancelled"])
    assert set(pledged.values_list("verification", flat=True)) <= {DONOR, MEDIA}
    assert not Source.objects.filter(
        shipment__status__in=["pledged", "cancelled", "dispatched"], supports=RECIPIENT
    ).exists()


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_levels():
    call_command("generate_synthetic", shipments=50, seed=3, verbosity=0)
    first = list(Shipment.objects.order_by("reference").values_list("reference", "verification"))
    call_command("generate_synthetic", shipments=50, seed=3, replace=True, verbosity=0)
    again = list(Shipment.objects.order_by("reference").values_list("reference", "verification"))
    assert first == again


def test_the_demo_data_is_reported_by_the_media(demo_data):
    assert set(Source.objects.values_list("supports", flat=True)) == {MEDIA}
    assert set(Shipment.objects.values_list("verification", flat=True)) == {MEDIA}


def test_loading_the_demo_again_puts_back_an_edited_claim(demo_data):
    from shipments.demo.loader import load_demo

    Source.objects.update(supports=INDEPENDENT)
    assert load_demo()["sources"] == Source.objects.count()
    assert set(Shipment.objects.values_list("verification", flat=True)) == {MEDIA}


# One filter, every rendering ------------------------------------------------------------


@pytest.fixture
def levels(world):
    """The world's published shipments at three levels; the draft at the strongest."""
    cases = {"BE-1": [DONOR], "IT-1": [DONOR, RECIPIENT], "CN-1": [MEDIA]}
    cases["DRAFT-1"] = [INDEPENDENT]
    for reference, supports in cases.items():
        for one in supports:
            SourceFactory(shipment=Shipment.objects.get(reference=reference), supports=one)
    return cases


def selected(client, query):
    """The references each renderer selects for `query`: the list, both CSVs, the JSON."""
    return {
        "list": sorted(listed_references(client.get(f"/shipments/?{query}"))),
        "shipments.csv": sorted(
            row["reference"] for row in csv_rows(client.get(f"/shipments.csv?{query}"))
        ),
        "items.csv": sorted(
            {row["shipment_reference"] for row in csv_rows(client.get(f"/items.csv?{query}"))}
        ),
        "json": sorted(
            one["reference"] for one in client.get(f"/shipments.json?{query}").json()["results"]
        ),
    }


# On PostgreSQL the CSVs are read on a connection of their own (COPY), which cannot see a
# test's uncommitted data: these tests commit.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "query, expected",
    [
        ("verification=donor_reported", ["BE-1"]),
        ("verification=recipient_confirmed", ["IT-1"]),
        ("verification=RECIPIENT_CONFIRMED", ["IT-1"]),
        ("verification=media_reported", ["CN-1"]),
        ("verification=donor_reported&verification=media_reported", ["BE-1", "CN-1"]),
        ("verification=recipient_confirmed,media_reported", ["CN-1", "IT-1"]),
        ("verification=donor_reported&status=delivered", ["BE-1"]),
        ("verification=donor_reported&status=pledged", []),
        # Only an unpublished shipment is independently verified: nothing.
        ("verification=independently_verified", []),
        ("verification=", ["BE-1", "CN-1", "IT-1"]),
    ],
)
def test_every_renderer_selects_the_same_published_shipments(client, levels, query, expected):
    found = selected(client, query)
    assert found == dict.fromkeys(found, expected)


@pytest.mark.django_db(transaction=True)
def test_the_csvs_and_the_json_give_each_shipments_level_and_each_sources_claim(client, levels):
    expected = {"BE-1": DONOR, "IT-1": RECIPIENT, "CN-1": MEDIA}
    for path, key in [("/shipments.csv", "reference"), ("/items.csv", "shipment_reference")]:
        response = client.get(path)
        text = body(response)
        # Appended after crisis; last_changed came after it.
        assert text.splitlines()[0].endswith(",crisis,verification,last_changed")
        found = {row[key]: row["verification"] for row in csv.DictReader(io.StringIO(text))}
        assert found == expected
    results = client.get("/shipments.json").json()["results"]
    assert {one["reference"]: one["verification"] for one in results} == expected
    it = next(one for one in results if one["reference"] == "IT-1")
    assert sorted(source["supports"] for source in it["sources"]) == [DONOR, RECIPIENT]
    items = csv_rows(client.get("/items.csv", {"verification": "recipient_confirmed"}))
    records = json.loads(items[0]["sources_json"])
    assert sorted(record["supports"] for record in records) == [DONOR, RECIPIENT]


@pytest.mark.django_db(transaction=True)
def test_the_hxl_row_tags_the_column(client, levels):
    for path in ["/shipments.csv", "/items.csv"]:
        tags = body(client.get(path, {"hxl": "1"})).splitlines()[1]
        assert tags.endswith(",#meta+verification,#date+updated")


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["verified", "media", "donor_reported,rumour", "\x00"])
@pytest.mark.parametrize("path", ["/shipments.csv", "/items.csv", "/shipments.json"])
def test_an_unknown_level_is_a_400_naming_the_levels(client, levels, path, value):
    response = client.get(path, {"verification": value})
    assert response.status_code == 400
    text = response.content.decode()
    assert "verification: " in text
    assert "is not a verification level: use donor_reported, media_reported, " in text
    assert "recipient_confirmed or independently_verified" in text


@pytest.mark.django_db
def test_the_list_answers_an_unknown_level_with_its_form_error(client, levels):
    response = client.get("/shipments/", {"verification": "verified"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "field-verification has-error" in page
    assert "is not a verification level" in page


@pytest.mark.django_db
def test_the_list_offers_the_levels_names_its_selection_and_counts_them(client, levels):
    page = client.get("/shipments/").content.decode()
    form = page[page.index("field-verification") :]
    for value in Verification.values:
        assert f'value="{value}"' in form
    facets = page[page.index('id="facets-title"') : page.index("filter-panel")]
    assert "<h3>Verification</h3>" in facets
    assert 'href="/shipments/?verification=donor_reported"' in facets
    page = client.get("/shipments/", {"verification": "donor_reported"}).content.decode()
    assert "1 shipment reported by the donor" in page
    both = {"verification": ["donor_reported", "recipient_confirmed"], "status": "delivered"}
    page = client.get("/shipments/", both).content.decode()
    assert "1 shipment reported by the donor or confirmed by the recipient, delivered" in page
    # The active filter, with a link that removes it.
    assert "Reported by the donor" in page


@pytest.mark.django_db
def test_the_json_counts_the_selection_by_level(client, levels):
    facet = client.get("/shipments.json").json()["facets"]["verification"]
    assert {one["value"]: (one["label"], one["count"]) for one in facet} == {
        DONOR: ("Reported by the donor", 1),
        RECIPIENT: ("Confirmed by the recipient", 1),
        MEDIA: ("Reported by the media", 1),
    }


@pytest.mark.django_db
def test_the_file_name_says_the_level(client, levels):
    response = client.get("/shipments.csv", {"verification": "donor_reported"})
    assert "verification-donor-reported" in response["Content-Disposition"]


# Pages -----------------------------------------------------------------------------------


def badge(level):
    return (
        f'<a class="verification verification-{level}" href="/about/data/#verification-{level}">'
        f'<span class="visually-hidden">Verification: </span>{VERIFICATION_BADGES[level]}</a>'
    )


@pytest.mark.django_db
def test_a_shipments_page_shows_its_level_and_the_sources_it_rests_on(client, levels):
    shipment = Shipment.objects.get(reference="IT-1")
    donor_source, recipient_source = shipment.sources.order_by("pk")
    page = client.get("/shipments/IT-1/").content.decode()
    facts = page[page.index("<dt>Verification</dt>") : page.index("<dt>Emergency</dt>")]
    assert badge(RECIPIENT) in facts
    assert f'<a href="#source-{recipient_source.pk}">{recipient_source.title}</a>' in facts
    assert f"#source-{donor_source.pk}" not in facts
    sources = page[page.index('id="sources-title"') :]
    assert sources.count('<p class="source-supports">Supports: ') == 2
    assert 'href="/about/data/#verification-donor_reported">reported by the donor</a>' in sources
    assert (
        'href="/about/data/#verification-recipient_confirmed">confirmed by the recipient</a>'
        in sources
    )


@pytest.mark.django_db
def test_list_rows_carry_the_badge(client, levels):
    page = client.get("/shipments/").content.decode()
    for level in (DONOR, RECIPIENT, MEDIA):
        assert badge(level) in page
    assert badge(INDEPENDENT) not in page


@pytest.mark.django_db
def test_each_level_is_defined_where_its_badge_links(client):
    page = client.get("/about/data/").content.decode()
    section = page[page.index('<h2 id="verification">') :]
    for level, label in Verification.choices:
        assert f'<dt id="verification-{level}"><code>{level}</code> {label}</dt>' in section
    assert '<a href="#verification">Verification levels</a>' in page
    for name in ["shipments-csv", "items-csv"]:
        assert "<code>verification</code>" in page[page.index(f'id="{name}"') :]
    assert "<code>verification</code>" in page[page.index('id="filter-parameters"') :]


# Admin -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_say_what_each_source_supports(editor_client):
    donor, recipient = DonorFactory(country="CN"), RecipientFactory(country="IT")
    data = shipment_data(
        [donor],
        recipient,
        sources=[
            {"title": "Ministry thanks China", "supports": "recipient_confirmed"},
            {"title": "Embassy statement", "supports": "donor_reported"},
        ],
    )
    response = editor_client.post(f"{SHIPMENT_URL}add/", data)
    assert response.status_code == 302, response.content.decode()
    shipment = Shipment.objects.get(reference="2020-CN-IT-100")
    assert shipment.verification == RECIPIENT
    assert dict(shipment.sources.values_list("title", "supports")) == {
        "Ministry thanks China": RECIPIENT,
        "Embassy statement": DONOR,
    }
    page = editor_client.get(change_url(shipment)).content.decode()
    assert 'name="sources-0-supports"' in page
    assert "Confirmed by the recipient" in page


@pytest.mark.django_db
def test_a_source_added_on_the_shipments_page_raises_its_level(editor_client):
    shipment = ShipmentFactory(reference="2020-CN-IT-100", is_published=False)
    SourceFactory(shipment=shipment, supports=MEDIA)
    data = existing_shipment_data(
        shipment, sources=[{"title": "Customs record", "supports": "independently_verified"}]
    )
    data["sources-INITIAL_FORMS"] = "0"
    response = editor_client.post(change_url(shipment), data)
    assert response.status_code == 302, response.content.decode()
    assert level_of(shipment) == INDEPENDENT


@pytest.mark.django_db
def test_the_shipment_list_shows_and_filters_by_level(editor_client, levels):
    page = editor_client.get(SHIPMENT_URL).content.decode()
    assert "Confirmed by the recipient" in page
    response = editor_client.get(SHIPMENT_URL, {"verification__exact": "donor_reported"})
    assert response.status_code == 200
    listed = {shipment.reference for shipment in response.context["cl"].result_list}
    assert listed == {"BE-1"}


@pytest.mark.django_db
def test_the_source_list_filters_by_claim(editor_client, levels):
    response = editor_client.get("/admin/shipments/source/", {"supports__exact": "donor_reported"})
    assert response.status_code == 200
    shipments = {source.shipment.reference for source in response.context["cl"].result_list}
    assert shipments == {"BE-1", "IT-1"}


@pytest.mark.django_db
def test_a_merge_gives_the_kept_shipment_the_stronger_level_of_the_two(editor):
    from shipments import duplicates

    donor, recipient = DonorFactory(country="CN"), RecipientFactory(country="IT")
    kept = ShipmentFactory(donors=[donor], recipient=recipient)
    merged = ShipmentFactory(donors=[donor], recipient=recipient)
    SourceFactory(shipment=kept, supports=MEDIA)
    SourceFactory(shipment=merged, supports=RECIPIENT)
    duplicates.merge(kept, merged, editor, publisher=True)
    assert (level_of(kept), level_of(merged)) == (RECIPIENT, "")
