"""The synthetic data set for benchmarks: its size, shape, validity and reproducibility."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, F

from donors.models import Donor, Recipient
from shipments.changes import change_logs
from shipments.models import Rejection, Shipment, ShipmentItem, Source, SupplyCategory, Unit
from shipments.synthetic import generator
from shipments.synthetic.generator import SOURCE_ROW_COLUMNS, party_counts
from shipments.synthetic.loader import (
    BulkCreateWriter,
    CopyWriter,
    copy_value,
    delete_synthetic_data,
    load_synthetic_data,
    writer_for_database,
)
from tests.factories import ShipmentFactory

pytestmark = pytest.mark.django_db

SYNTHETIC_MODELS = [Donor, Recipient, Shipment, ShipmentItem, Source]


def generate(*args):
    call_command("generate_synthetic", *args, verbosity=0)


@pytest.fixture
def synthetic():
    """600 shipments with 5 lines each on average."""
    generate("--shipments", "600", "--seed", "3")


def snapshot():
    """Every synthetic fact, by reference and slug rather than by database id."""
    shipments = Shipment.objects.order_by("reference")
    return {
        "donors": list(
            Donor.objects.order_by("slug").values_list("slug", "name", "kind", "country")
        ),
        "recipients": list(
            Recipient.objects.order_by("slug").values_list(
                "slug", "name", "kind", "country", "city"
            )
        ),
        "shipments": list(
            shipments.values_list(
                "reference",
                "recipient__slug",
                "origin_country",
                "destination_country",
                "status",
                "announced_on",
                "shipped_on",
                "arrived_on",
                "transport_mode",
                "arrival_point",
                "weight_kg",
                "terms",
                "declared_value",
                "currency",
                "value_usd",
                "usd_rate",
                "rate_date",
                "rate_source",
                "pledge__reference",
                "notes",
                "is_published",
            )
        ),
        "donor links": sorted(
            Shipment.donors.through.objects.values_list("shipment__reference", "donor__slug")
        ),
        "items": list(
            ShipmentItem.objects.order_by("shipment__reference", "position").values_list(
                "shipment__reference",
                "position",
                "category__slug",
                "description",
                "quantity",
                "is_estimate",
                "quantity_note",
                "unit",
                "value_usd",
            )
        ),
        "sources": list(
            Source.objects.order_by("shipment__reference", "id").values_list(
                "shipment__reference", "title", "publisher", "published_on", "url", "excerpt"
            )
        ),
        "rejections": list(
            Rejection.objects.order_by("shipment__reference", "item__position", "id").values_list(
                "shipment__reference",
                "item__position",
                "kind",
                "quantity",
                "quantity_note",
                "reason",
                "reason_detail",
                "date",
                "source__title",
            )
        ),
    }


def test_generates_the_requested_shipments_with_about_m_lines_each():
    generate("--shipments", "500", "--items-per-shipment", "4")
    assert Shipment.objects.count() == 500
    assert 0.9 * 2000 <= ShipmentItem.objects.count() <= 1.1 * 2000
    lines = Shipment.objects.annotate(lines=Count("items")).values_list("lines", flat=True)
    assert min(lines) == 1
    assert max(lines) == 7


def test_one_line_per_shipment_when_the_mean_is_one():
    generate("--shipments", "50", "--items-per-shipment", "1")
    assert ShipmentItem.objects.count() == 50


def test_same_seed_gives_the_same_data_after_replace():
    generate("--shipments", "300", "--seed", "42")
    first = snapshot()
    generate("--shipments", "300", "--seed", "42", "--replace")
    assert snapshot() == first


def test_another_seed_gives_other_data():
    generate("--shipments", "300", "--seed", "1")
    first = snapshot()
    generate("--shipments", "300", "--seed", "2", "--replace")
    assert snapshot()["shipments"] != first["shipments"]


def test_copy_and_bulk_create_write_the_same_rows(monkeypatch):
    # On PostgreSQL the first run goes through COPY and the second through
    # bulk_create; elsewhere both use bulk_create.
    generate("--shipments", "200", "--seed", "5")
    first = snapshot()
    monkeypatch.setattr(CopyWriter, "usable", staticmethod(lambda: False))
    generate("--shipments", "200", "--seed", "5", "--replace")
    assert snapshot() == first


def test_postgresql_is_loaded_with_copy_and_other_databases_with_bulk_create():
    expected = CopyWriter if connection.vendor == "postgresql" else BulkCreateWriter
    assert type(writer_for_database()) is expected


def test_every_generated_row_passes_validation(synthetic):
    for model in SYNTHETIC_MODELS:
        rows = list(model.objects.order_by("pk"))
        assert rows, model
        for instance in rows[::7]:
            instance.full_clean()


def test_the_database_accepts_every_row(synthetic):
    # Foreign keys are checked at commit, which a test never reaches; check them now.
    connection.check_constraints()
    assert not Shipment.objects.filter(origin_country=F("destination_country")).exists()
    assert not Shipment.objects.filter(arrived_on__lt=F("shipped_on")).exists()


def test_a_usd_value_always_comes_with_its_rate(synthetic):
    assert Shipment.objects.filter(value_usd__isnull=False).exists()
    assert not Shipment.objects.filter(value_usd__isnull=False, usd_rate__isnull=True).exists()
    assert Shipment.objects.exclude(currency__in=["", "USD"]).filter(value_usd__isnull=False)
    assert not (
        Shipment.objects.exclude(currency__in=["", "USD"])
        .filter(usd_rate__isnull=False, rate_source="")
        .exists()
    )


def test_some_quantities_are_unknown_and_say_what_the_source_says(synthetic):
    unknown = ShipmentItem.objects.filter(quantity__isnull=True)
    assert unknown.exists()
    assert not unknown.filter(quantity_note="").exists()
    assert ShipmentItem.objects.filter(is_estimate=True).exists()


def test_a_share_of_shipments_is_unpublished():
    generate("--shipments", "1000")
    unpublished = Shipment.objects.filter(is_published=False).count()
    assert 40 <= unpublished <= 120


def test_some_shipments_have_several_donors(synthetic):
    several = Shipment.objects.annotate(donor_count=Count("donors")).filter(donor_count__gt=1)
    assert 0.05 * 600 <= several.count() <= 0.2 * 600
    assert not Shipment.objects.annotate(donor_count=Count("donors")).filter(donor_count=0)


def test_many_countries_with_a_few_dominating(synthetic):
    origins = Shipment.objects.values("origin_country").annotate(n=Count("id")).order_by("-n")
    destinations = Shipment.objects.values("destination_country").distinct()
    assert origins.count() >= 20
    assert destinations.count() >= 40
    top_three = sum(row["n"] for row in origins[:3])
    assert top_three > 600 / 3


def test_every_category_unit_and_party_kind_appears(synthetic):
    assert set(ShipmentItem.objects.values_list("category__slug", flat=True)) == set(
        SupplyCategory.objects.values_list("slug", flat=True)
    )
    assert set(ShipmentItem.objects.values_list("unit", flat=True)) == set(Unit.values)
    assert set(Donor.objects.values_list("kind", flat=True)) == set(Donor.Kind.values)
    assert set(Recipient.objects.values_list("kind", flat=True)) == set(Recipient.Kind.values)
    assert set(Shipment.objects.values_list("status", flat=True)) == set(Shipment.Status.values)


def test_dates_span_2020_to_2025(synthetic):
    years = {day.year for day in Shipment.objects.dates("announced_on", "year")}
    assert years == set(range(2020, 2026))


def test_about_one_in_a_hundred_sent_shipments_has_supplies_rejected():
    generate("--shipments", "3000", "--seed", "7")
    rejections = Rejection.objects.select_related("item__shipment", "source")
    sent = Shipment.objects.filter(status__in=["dispatched", "delivered"]).count()
    assert 0.004 * sent <= rejections.count() <= 0.02 * sent
    assert {r.reason for r in rejections} >= {"defective", "wrong_specification"}
    assert {r.kind for r in rejections} == {"rejected", "returned"}
    assert rejections.filter(quantity__isnull=True).exists()
    for rejection in rejections:
        # Sent supplies only, a source of their own shipment, never more than the line held.
        rejection.full_clean()
        assert rejection.shipment_id == rejection.item.shipment_id
        assert rejection.source.shipment_id == rejection.shipment_id


def test_rejections_leave_every_other_row_of_a_seed_as_it_was(monkeypatch):
    monkeypatch.setattr(generator, "WITH_REJECTION", 30)
    generate("--shipments", "300", "--seed", "5")
    with_rejections = snapshot()
    monkeypatch.setattr(generator, "WITH_REJECTION", 0)
    generate("--shipments", "300", "--seed", "5", "--replace")
    without = snapshot()
    assert with_rejections["rejections"] and not without["rejections"]
    assert {k: v for k, v in with_rejections.items() if k != "rejections"} == {
        k: v for k, v in without.items() if k != "rejections"
    }


def test_some_deliveries_belong_to_a_pledge():
    generate("--shipments", "1000")
    linked = Shipment.objects.filter(pledge__isnull=False)
    assert linked.exists()
    assert set(linked.values_list("pledge__status", flat=True)) == {"pledged"}


def test_every_synthetic_row_carries_the_reserved_mark(synthetic):
    assert not Shipment.objects.exclude(reference__startswith="SYN-").exists()
    assert not Donor.objects.exclude(slug__startswith="syn-").exists()
    assert not Recipient.objects.exclude(slug__startswith="syn-").exists()


def test_refuses_to_add_to_an_earlier_synthetic_set(synthetic):
    with pytest.raises(CommandError, match="--replace"):
        generate("--shipments", "10")
    assert Shipment.objects.count() == 600


def test_replace_removes_the_earlier_set_and_keeps_demo_data(demo_data):
    demo = snapshot()
    generate("--shipments", "300")
    generate("--shipments", "100", "--replace")
    assert Shipment.objects.filter(reference__startswith="SYN-").count() == 100
    delete_synthetic_data()
    assert snapshot() == demo


def test_a_failed_run_leaves_nothing_behind(monkeypatch):
    calls = []

    def fail_on_second_batch(self, model, fields, rows):
        calls.append(model)
        if len(calls) > 4:
            raise RuntimeError("the database went away")
        original(self, model, fields, rows)

    writer = type(writer_for_database())
    original = writer.write
    monkeypatch.setattr(writer, "write", fail_on_second_batch)
    with pytest.raises(RuntimeError):
        load_synthetic_data(100, batch_size=50)
    assert len(calls) == 5
    for model in SYNTHETIC_MODELS:
        assert not model.objects.exists(), model


def test_progress_shows_the_running_count_and_rate():
    out = StringIO()
    call_command("generate_synthetic", "--shipments", "40", stdout=out)
    assert re.search(r"\r  40 / 40 shipments  \([\d,]+/s\)\n", out.getvalue())
    assert "40 shipments" in out.getvalue().splitlines()[-1]


@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_rejects_a_count_that_is_not_a_positive_number(value):
    with pytest.raises(CommandError, match="--shipments"):
        generate("--shipments", value)


def test_copy_text_escapes_separators_and_marks_unknowns():
    assert copy_value("a\tb\\c\nd\re") == "a\\tb\\\\c\\nd\\re"
    assert copy_value(None) == "\\N"
    assert copy_value("") == ""


def test_parties_number_in_thousands_for_a_large_set():
    assert party_counts(1_000_000) == (6_000, 10_000)
    assert party_counts(600) == (100, 150)


def test_text_with_tabs_backslashes_and_newlines_is_written_as_given():
    shipment = ShipmentFactory()
    writer = writer_for_database()
    source_id = writer.first_free_id(Source)
    title, excerpt = "Aid\tarrives", "C:\\reports\nline two\r"
    writer.write(
        Source,
        SOURCE_ROW_COLUMNS,
        [(source_id, shipment.pk, title, "", None, "", excerpt, "", "media_reported")],
    )
    assert Source.objects.values_list("title", "excerpt").get(pk=source_id) == (title, excerpt)


def test_last_changed_is_the_latest_entry_of_each_change_log(synthetic):
    shipments = list(Shipment.objects.order_by("pk")[::37])
    logs = change_logs(shipments)
    for shipment in shipments:
        log = logs[shipment.pk]
        assert shipment.last_changed == (log[-1].when if log else None)
        assert (shipment.last_changed is not None) == shipment.is_published
