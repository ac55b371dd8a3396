"""A shipment's public change log: what the public saw change, when, never who, and nothing
of what changed while it was unpublished."""

from datetime import UTC, datetime, timedelta
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import User
from django.db import connection

from shipments.changes import Kind, change_logs
from shipments.models import Shipment, ShipmentItem, Source
from shipments.public.change_log import entries
from tests.factories import DonorFactory, ShipmentFactory, ShipmentItemFactory, category

pytestmark = pytest.mark.django_db

HISTORIES = [Shipment.history.model, ShipmentItem.history.model, Source.history.model]
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


class Clock:
    """Dates the history rows each step writes, so that steps lie minutes apart."""

    def __init__(self):
        self.seen = {model: self.last(model) for model in HISTORIES}

    @staticmethod
    def last(model):
        return model.objects.order_by("-history_id").values_list("history_id", flat=True).first()

    def stamp(self, when, user=None):
        """Date every history row written since the last stamp at `when`, by `user`."""
        for model in HISTORIES:
            rows = model.objects.all()
            if self.seen[model] is not None:
                rows = rows.filter(history_id__gt=self.seen[model])
            rows.update(history_date=when, history_user=user)
            self.seen[model] = self.last(model)


def published_shipment(clock, when=START, quantity=40_000, **fields):
    shipment = ShipmentFactory(is_published=False, destination_country="IT", **fields)
    ShipmentItemFactory(shipment=shipment, description="Masks", quantity=quantity)
    Source.objects.create(shipment=shipment, title="Report one", publisher="Agency")
    shipment.is_published = True
    shipment.save()
    clock.stamp(when)
    return shipment


def log_of(shipment):
    shipment.refresh_from_db()
    return change_logs([shipment])[shipment.pk]


def words_of(shipment):
    return [
        (entry.heading, [row.words() for row in entry.rows])
        for entry in entries(log_of(shipment), shipment)
    ]


def test_publication_is_the_first_entry():
    clock = Clock()
    shipment = published_shipment(clock)
    log = log_of(shipment)
    assert [(change.when, change.kind) for change in log] == [(START, Kind.PUBLISHED)]
    assert entries(log, shipment)[0].title() == "Published: Masks to Italy"


def test_a_quantity_change_gives_old_and_new():
    clock = Clock()
    shipment = published_shipment(clock)
    item = shipment.items.get()
    item.quantity = 45_000
    item.save()
    clock.stamp(START + timedelta(days=1))
    [newest, _] = entries(log_of(shipment), shipment)
    assert newest.when == START + timedelta(days=1)
    assert [row.words() for row in newest.rows] == ["Masks: 40,000 → 45,000"]
    assert newest.title() == "Masks to Italy: 40,000 → 45,000"


def test_status_dates_and_sources():
    clock = Clock()
    shipment = published_shipment(clock, status=Shipment.Status.DISPATCHED)
    shipment.status = Shipment.Status.DELIVERED
    shipment.arrived_on = datetime(2020, 3, 14).date()
    shipment.save()
    Source.objects.create(
        shipment=shipment, title="Report two", publisher="Paper", url="https://example.org/2"
    )
    clock.stamp(START + timedelta(hours=2))
    assert words_of(shipment)[0] == (
        "Changed",
        [
            "Status: Dispatched → Delivered",
            "Arrived: not given → 2020-03-14",
            "Source added: Report two, Paper, https://example.org/2",
        ],
    )


def test_lines_added_and_removed():
    clock = Clock()
    shipment = published_shipment(clock)
    ShipmentItemFactory(
        shipment=shipment,
        category=category("ventilators"),
        description="Ventilators",
        quantity=20,
        unit="sets",
    )
    clock.stamp(START + timedelta(hours=1))
    shipment.items.get(description="Masks").delete()
    clock.stamp(START + timedelta(hours=2))
    assert [rows for _, rows in words_of(shipment)[:2]] == [
        ["Supplies removed: 40,000 masks"],
        ["Supplies added: 20 sets of ventilators"],
    ]


def test_one_save_is_one_entry_at_its_last_row():
    """The admin saves the shipment, then its lines and donors: one change."""
    clock = Clock()
    shipment = published_shipment(clock)
    editor = User.objects.create_user("editor-anne")
    shipment.status = Shipment.Status.CANCELLED
    shipment.save()
    clock.stamp(START + timedelta(hours=3), editor)
    item = shipment.items.get()
    item.quantity = 1
    item.save()
    clock.stamp(START + timedelta(hours=3, seconds=1), editor)
    log = log_of(shipment)
    assert [change.kind for change in log] == [Kind.PUBLISHED, Kind.CHANGED]
    assert log[-1].when == START + timedelta(hours=3, seconds=1)
    assert len(log[-1].changes) == 2


def test_changes_by_two_people_are_two_entries():
    clock = Clock()
    shipment = published_shipment(clock)
    for number, name in enumerate(["anne", "bob"], start=1):
        shipment.notes = f"Note by {name}"
        shipment.save()
        clock.stamp(START + timedelta(hours=1, seconds=number), User.objects.create_user(name))
    assert len(log_of(shipment)) == 3


def test_nothing_changed_while_unpublished_shows():
    clock = Clock()
    shipment = published_shipment(clock)
    shipment.is_published = False
    shipment.save()
    clock.stamp(START + timedelta(days=1))
    # While unpublished: a figure changes twice, a secret note comes and goes.
    item = shipment.items.get()
    for quantity, note, day in [(1, "Secret draft", 2), (50_000, "", 3)]:
        item.quantity = quantity
        item.save()
        shipment.notes = note
        shipment.save()
        clock.stamp(START + timedelta(days=day))
    shipment.is_published = True
    shipment.save()
    clock.stamp(START + timedelta(days=4))
    log = log_of(shipment)
    assert [(change.when, change.kind) for change in log] == [
        (START, Kind.PUBLISHED),
        (START + timedelta(days=1), Kind.UNPUBLISHED),
        (START + timedelta(days=4), Kind.REPUBLISHED),
    ]
    assert words_of(shipment)[0] == ("Published again", ["Masks: 40,000 → 50,000"])
    page = str(words_of(shipment))
    assert "Secret" not in page and "1 →" not in page


def test_a_shipment_never_published_has_no_public_changes():
    clock = Clock()
    shipment = ShipmentFactory(is_published=False)
    shipment.notes = "Draft"
    shipment.save()
    clock.stamp(START)
    assert log_of(shipment) == []


def test_the_page_lists_changes_newest_first_without_staff_names(client):
    clock = Clock()
    shipment = published_shipment(clock)
    editor = User.objects.create_user("editor-zoltan", first_name="Zoltan")
    item = shipment.items.get()
    item.quantity = 45_000
    item.save()
    clock.stamp(datetime(2026, 3, 2, 14, 5, tzinfo=UTC), editor)
    page = client.get(shipment.get_absolute_url()).content.decode()
    changes = page[page.index('id="changes-title"') :]
    assert changes.index("2026-03-02 14:05 UTC") < changes.index("2026-03-01 09:00 UTC")
    assert '40,000</span> → <span class="change-new">45,000' in changes
    assert "zoltan" not in page.lower()


def test_a_change_of_donors_names_them():
    clock = Clock()
    shipment = published_shipment(clock)
    [first] = shipment.donors.all()
    shipment.donors.add(DonorFactory(name="Aardvark Trust"))
    clock.stamp(START + timedelta(hours=1))
    assert words_of(shipment)[0] == (
        "Changed",
        [f"Donors: {first.name} → Aardvark Trust and {first.name}"],
    )


def test_the_migration_fills_it_from_the_history():
    clock = Clock()
    shipment = published_shipment(clock)
    item = shipment.items.get()
    item.quantity = 1
    item.save()
    clock.stamp(START + timedelta(days=2))
    bulk = ShipmentFactory(is_published=True)
    Shipment.history.filter(id=bulk.pk).delete()
    Shipment.objects.update(last_changed=None)
    fill = import_module("shipments.migrations.0028_shipment_last_changed").fill_last_changed
    fill(django_apps, SimpleNamespace(connection=connection))
    shipment.refresh_from_db()
    bulk.refresh_from_db()
    assert shipment.last_changed == START + timedelta(days=2)
    assert bulk.last_changed == bulk.created_at
