"""Every version in a public history knows until when it was valid, and the database keeps
it so: however versions are written (saves, bulk writes, SQL, out of order) or removed."""

import datetime
import threading

import psycopg2
import pytest
from django.db import connection
from django.utils import timezone

from aidtracker.versions import fill_validity
from shipments import as_of
from shipments.history import copy_into_history
from shipments.models import Shipment, ShipmentItem, Source
from shipments.synthetic.loader import load_synthetic_data
from tests.factories import DonorFactory, ShipmentFactory, ShipmentItemFactory

pytestmark = pytest.mark.django_db

HISTORIES = [model.history.model for model in as_of.SHADOWED]


def periods(history):
    """{history_id: valid_until} as stored."""
    return dict(history.objects.values_list("history_id", "valid_until"))


def expected_periods(history):
    """{history_id: valid_until} as the versions' order says: the next version's date."""
    expected = {}
    rows = history.objects.order_by("id", "history_date", "history_id")
    previous = None
    for row in rows.values("history_id", "id", "history_date"):
        expected[row["history_id"]] = None
        if previous is not None and previous["id"] == row["id"]:
            expected[previous["history_id"]] = row["history_date"]
        previous = row
    return expected


def assert_periods_kept(*histories):
    for history in histories or HISTORIES:
        assert periods(history) == expected_periods(history), history.__name__


def latest_version(shipment):
    return Shipment.history.filter(id=shipment.pk).latest("history_date", "history_id")


def test_every_public_history_keeps_periods():
    assert {history._meta.model_name for history in HISTORIES} == {
        "historicalshipment",
        "historicalshipmentitem",
        "historicalsource",
        "historicalrejection",
        "historicaldonor",
        "historicalrecipient",
        "historicalemergency",
    }


def test_saves_close_the_previous_version():
    shipment = ShipmentFactory()
    before = latest_version(shipment)
    assert before.valid_until is None
    shipment.notes = "Arrived in two lorries."
    shipment.save()
    before.refresh_from_db()
    latest = latest_version(shipment)
    assert before.valid_until == latest.history_date
    assert latest.valid_until is None
    item = ShipmentItemFactory(shipment=shipment)
    item.quantity += 1
    item.save()
    donor = DonorFactory()
    donor.name = "Jack Ma Foundation (renamed)"
    donor.save()
    shipment.donors.add(donor)
    assert_periods_kept()


def test_bulk_writes_keep_periods():
    shipments = [ShipmentFactory() for _ in range(3)]
    Shipment.objects.filter(pk__in=[s.pk for s in shipments]).mark("dispatched")
    Shipment.objects.filter(pk__in=[s.pk for s in shipments]).mark("delivered")
    assert Shipment.history.filter(valid_until__isnull=True).count() == Shipment.objects.count()
    assert_periods_kept()


def test_a_version_recorded_late_takes_its_place_in_order():
    """A version dated before the latest (a loader filling in the past) ends where the next
    one begins, and the one before it now ends at it."""
    shipment = ShipmentFactory()
    Shipment.history.filter(id=shipment.pk).exclude(
        history_id=latest_version(shipment).history_id
    ).delete()
    shipment.notes = "Second version."
    shipment.save()
    first, second = Shipment.history.filter(id=shipment.pk).order_by("history_date")
    between = first.history_date + (second.history_date - first.history_date) / 2
    if between == first.history_date:  # the two saves fell within one microsecond
        second.history_date += datetime.timedelta(seconds=1)
        second.save()
        between = first.history_date + datetime.timedelta(microseconds=500_000)
    copy_into_history(
        Shipment,
        Shipment.history.model,
        "%s",
        where="l.id = %s",
        params=[between, shipment.pk],
    )
    versions = list(Shipment.history.filter(id=shipment.pk).order_by("history_date"))
    assert [v.valid_until for v in versions] == [between, versions[2].history_date, None]
    assert_periods_kept(Shipment.history.model)


def test_versions_of_one_moment_are_ordered_by_their_key():
    shipment = ShipmentFactory()
    moment = latest_version(shipment).history_date
    copy_into_history(
        Shipment, Shipment.history.model, "%s", where="l.id = %s", params=[moment, shipment.pk]
    )
    *_, older, newer = Shipment.history.filter(id=shipment.pk).order_by("history_id")
    # The older is valid for no time at all: the newer replaced it at once.
    assert (older.valid_until, newer.valid_until) == (moment, None)


def test_removing_a_version_reopens_the_one_before():
    shipment = ShipmentFactory()
    first = latest_version(shipment)
    shipment.notes = "Changed."
    shipment.save()
    second = latest_version(shipment)
    first.refresh_from_db()
    assert first.valid_until == second.history_date
    second.delete()
    first.refresh_from_db()
    assert first.valid_until is None
    Source.history.all().delete()
    ShipmentItem.history.all().delete()
    assert_periods_kept()


def test_filling_gives_every_version_its_period():
    """What the migration does for versions recorded before the database kept periods."""
    shipment = ShipmentFactory()
    for note in ("one", "two", "three"):
        shipment.notes = note
        shipment.save()
    ShipmentFactory()
    history = Shipment.history.model
    history.objects.update(valid_until=None)  # an UPDATE: the triggers leave it
    assert set(periods(history).values()) == {None}
    with connection.cursor() as cursor:
        cursor.execute(fill_validity(history._meta.db_table))
    assert_periods_kept(history)
    assert sum(1 for until in periods(history).values() if until is None) == 2  # one each
    # A wrong period (a version since removed, say) is set right, an open one reopened.
    history.objects.update(valid_until=timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(fill_validity(history._meta.db_table))
    assert_periods_kept(history)


def test_the_past_reads_the_periods():
    """A version closed by a later one is not read after it, though recorded before."""
    shipment = ShipmentFactory(is_published=True, status="delivered")
    before = timezone.now()
    shipment.notes = "Changed after the moment."
    shipment.save()
    version = Shipment.history.filter(id=shipment.pk, history_date__lte=before).latest(
        "history_date", "history_id"
    )
    with as_of.reading_as_of(before):
        assert Shipment.objects.get(pk=shipment.pk).notes == version.notes
    with as_of.reading_as_of(timezone.now()):
        assert Shipment.objects.get(pk=shipment.pk).notes == "Changed after the moment."


def test_the_database_holds_the_triggers_of_every_public_history():
    """SQLite drops a table's triggers when a migration rebuilds the table: a later migration
    that alters a history must create them again."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        triggers = {name for (name,) in cursor.fetchall()}
    for history in HISTORIES:
        table = history._meta.db_table
        assert {f"{table}_validity_insert", f"{table}_validity_delete"} <= triggers, table


def test_a_bulk_load_gives_every_version_its_period():
    """The synthetic loader writes a million versions at once; on PostgreSQL their periods
    are given in one pass at the end (validity_deferred), and the triggers work again."""
    load_synthetic_data(60, items_per_shipment=2)
    assert_periods_kept()
    # Some shipments were first recorded as pledges: those versions are closed.
    assert Shipment.history.filter(valid_until__isnull=False).exists()
    shipment = Shipment.objects.order_by("pk").last()
    before = latest_version(shipment)
    shipment.notes = "Changed after the load."
    shipment.save()
    before.refresh_from_db()
    assert before.valid_until == latest_version(shipment).history_date


def another_version(database, history, version_id, moment):
    """Record, on the raw connection `database`, a copy of version `version_id` dated
    `moment`, as a second writer would."""
    table = history._meta.db_table
    columns = [
        field.column
        for field in history._meta.concrete_fields
        if field.column not in ("history_id", "history_date", "valid_until")
    ]
    with database.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}, history_date)"
            f" SELECT {', '.join(columns)}, %s FROM {table} WHERE history_id = %s",
            [moment, version_id],
        )


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
def test_two_writers_adding_versions_at_once_leave_one_open():
    """Two transactions each add a version of one shipment; the second waits for the first
    to commit and then reads its version, so every period is right."""
    shipment = ShipmentFactory()
    history = Shipment.history.model
    first = latest_version(shipment)
    settings = connection.settings_dict

    def connect():
        return psycopg2.connect(
            dbname=settings["NAME"],
            user=settings["USER"],
            host=settings["HOST"],
            port=settings["PORT"],
        )

    one, two = connect(), connect()
    try:
        later = first.history_date + datetime.timedelta(seconds=10)
        latest = first.history_date + datetime.timedelta(seconds=20)
        another_version(one, history, first.history_id, later)  # not committed yet
        second = threading.Thread(
            target=lambda: (another_version(two, history, first.history_id, latest), two.commit())
        )
        second.start()
        second.join(timeout=1)
        assert second.is_alive()  # waiting for the first writer
        one.commit()
        second.join(timeout=10)
        assert not second.is_alive()
    finally:
        one.close()
        two.close()
    ends = list(
        history.objects.filter(id=shipment.pk)
        .order_by("history_date", "history_id")
        .values_list("valid_until", flat=True)
    )
    assert ends[-3:] == [later, latest, None]
    assert_periods_kept(history)
