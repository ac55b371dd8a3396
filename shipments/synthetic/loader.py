"""Writes a synthetic data set into the database, or removes it again, in one transaction.

PostgreSQL receives the rows through COPY, a million shipments in minutes;
other databases through `bulk_create` in batches. Either way a run is one
transaction, so a failure leaves nothing behind.
"""

import dataclasses
import functools
import io
from collections import defaultdict

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone

from aidtracker.versions import validity_deferred
from donors.models import Donor, Recipient
from shipments.history import copy_donor_links, copy_into_history
from shipments.models import (
    Emergency,
    Rejection,
    Shipment,
    ShipmentItem,
    Source,
    SupplyCategory,
    bulk_write,
)
from shipments.synthetic import REFERENCE_PREFIX, SLUG_PREFIX
from shipments.synthetic.generator import (
    DONOR_LINK_ROW_COLUMNS,
    ITEM_ROW_COLUMNS,
    REJECTION_ROW_COLUMNS,
    SHIPMENT_ROW_COLUMNS,
    SOURCE_ROW_COLUMNS,
    NextIds,
    SyntheticDataSet,
)

BATCH_SIZE = 5_000
DonorLink = Shipment.donors.through


class SyntheticDataError(Exception):
    """The database holds something that stops a synthetic load or removal."""


def in_one_transaction(function):
    """Run `function` in one transaction, as a bulk write (see `shipments.models.bulk_write`)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with transaction.atomic(), bulk_write():
            return function(*args, **kwargs)

    return wrapper


def synthetic_shipments():
    return Shipment.objects.filter(reference__startswith=REFERENCE_PREFIX)


def synthetic_data_counts():
    """How many synthetic shipments, donors and recipients the database holds."""
    return {
        "shipments": synthetic_shipments().count(),
        "donors": Donor.objects.filter(slug__startswith=SLUG_PREFIX).count(),
        "recipients": Recipient.objects.filter(slug__startswith=SLUG_PREFIX).count(),
    }


@in_one_transaction
def delete_synthetic_data():
    """Remove every synthetic row; return how many of each kind went."""
    shipments = synthetic_shipments()
    rejections = Rejection.objects.filter(shipment__in=shipments)
    counts = {
        # First: they hold on to the sources that report them.
        "rejections": rejections._raw_delete(rejections.db),
        "donor links": DonorLink.objects.filter(shipment__in=shipments).delete()[0],
        "items": ShipmentItem.objects.filter(shipment__in=shipments).delete()[0],
        "sources": Source.objects.filter(shipment__in=shipments).delete()[0],
    }
    # A real delivery never belongs to a synthetic pledge; if one was linked
    # by hand, it keeps its facts and loses only the link.
    Shipment.objects.exclude(reference__startswith=REFERENCE_PREFIX).filter(
        pledge__in=shipments
    ).update(pledge=None)
    # Their dependants are gone, so one DELETE does; Django's delete() would
    # first load every shipment into memory to look for them.
    counts["shipments"] = shipments._raw_delete(shipments.db)
    counts["history rows"] = _delete_history()

    donors = Donor.objects.filter(slug__startswith=SLUG_PREFIX)
    if DonorLink.objects.filter(donor__in=donors).exists():
        raise SyntheticDataError(
            "Some real shipments name synthetic donors (slugs starting with "
            f"'{SLUG_PREFIX}'); change those shipments first."
        )
    counts["donors"] = donors.delete()[1].get(Donor._meta.label, 0)
    try:
        counts["recipients"] = (
            Recipient.objects.filter(slug__startswith=SLUG_PREFIX)
            .delete()[1]
            .get(Recipient._meta.label, 0)
        )
    except ProtectedError:
        raise SyntheticDataError(
            "Some real shipments go to synthetic recipients (slugs starting with "
            f"'{SLUG_PREFIX}'); change those shipments first."
        ) from None
    return counts


@in_one_transaction
def load_synthetic_data(
    shipments, items_per_shipment=5, seed=0, *, replace=False, progress=None, batch_size=BATCH_SIZE
):
    """Write a synthetic data set of `shipments` shipments; return the row counts.

    Refuses with SyntheticDataError when synthetic data is already there,
    unless `replace` is set, in which case that data is removed first.
    `progress(done, total)` is called after each batch of shipments.
    """
    found = synthetic_data_counts()
    if any(found.values()):
        if not replace:
            raise SyntheticDataError(
                "The database already holds synthetic data ("
                + ", ".join(f"{count:,} {what}" for what, count in found.items())
                + "). Run again with --replace to delete it first."
            )
        delete_synthetic_data()

    data = SyntheticDataSet(shipments, items_per_shipment, seed)
    Donor.objects.bulk_create(data.donors, batch_size=batch_size)
    Recipient.objects.bulk_create(data.recipients, batch_size=batch_size)
    donor_ids = _ids_by_slug(Donor, data.donors)
    recipient_ids = _ids_by_slug(Recipient, data.recipients)
    category_ids = dict(SupplyCategory.objects.values_list("slug", "pk"))

    writer = writer_for_database()
    tables = [Shipment, DonorLink, ShipmentItem, Source, Rejection]
    writer.lock(tables)
    next_ids = NextIds(*(writer.first_free_id(model) for model in tables))
    first_ids = dataclasses.replace(next_ids)
    counts = {
        "donors": len(data.donors),
        "recipients": len(data.recipients),
        "shipments": 0,
        "donor links": 0,
        "items": 0,
        "sources": 0,
        "rejections": 0,
    }
    batches = data.shipment_batches(
        donor_ids,
        recipient_ids,
        category_ids,
        next_ids,
        now=timezone.now(),
        size=batch_size,
        # Shares, dates and supplies are drawn from the aid of 2020 and 2021.
        emergency_id=Emergency.objects.covid_19().pk,
    )
    for batch in batches:
        for model, fields, rows, name in [
            (Shipment, SHIPMENT_ROW_COLUMNS, batch.shipments, "shipments"),
            (DonorLink, DONOR_LINK_ROW_COLUMNS, batch.donor_links, "donor links"),
            (ShipmentItem, ITEM_ROW_COLUMNS, batch.items, "items"),
            (Source, SOURCE_ROW_COLUMNS, batch.sources, "sources"),
            (Rejection, REJECTION_ROW_COLUMNS, batch.rejections, "rejections"),
        ]:
            writer.write(model, fields, rows)
            counts[name] += len(rows)
        if progress:
            progress(counts["shipments"], shipments)
    histories = [model.history.model for model in tables if model is not DonorLink]
    # Each version's period of validity is given once, after all are written.
    with validity_deferred([history._meta.db_table for history in histories]):
        counts["history rows"] = write_history(first_ids)
    writer.finish([*tables, *histories, apps.get_model("shipments", "HistoricalShipment_donors")])
    return counts


def _delete_history():
    """Remove the change history of the synthetic shipments; return how many rows went."""
    versions = Shipment.history.filter(reference__startswith=REFERENCE_PREFIX)
    ids = versions.values("id")
    removed = 0
    for part in (ShipmentItem, Source, Rejection):
        rows = part.history.filter(shipment_id__in=ids)
        removed += rows._raw_delete(rows.db)
    links = apps.get_model("shipments", "HistoricalShipment_donors").objects.filter(
        history__in=versions
    )
    removed += links._raw_delete(links.db)
    return removed + versions._raw_delete(versions.db)


# When each synthetic shipment was recorded: two days after it was first reported (its
# announcement, else its shipping or arrival), at a time of day drawn from its id, so that
# the data as of a day in 2020 or 2021 holds what had been reported by then. The same
# moment as generator.recorded_at, which gives the shipments their last_changed.
RECORDED = {
    "postgresql": "(COALESCE(l.announced_on, l.shipped_on, l.arrived_on, DATE '2020-03-01')"
    " + 2 + make_interval(secs => l.id %% 86400)) AT TIME ZONE 'UTC'",
    "sqlite": "datetime(COALESCE(l.announced_on, l.shipped_on, l.arrived_on, '2020-03-01'),"
    " '+2 days', '+' || (l.id %% 86400) || ' seconds')",
}
EARLIER = {
    "postgresql": "{} - interval '14 days'",
    "sqlite": "datetime({}, '-14 days')",
}
# One shipment in ten that was sent was first recorded as a pledge, two weeks earlier.
REPORTED_FIRST_AS_PLEDGE = "l.id %% 10 = 0 AND l.status <> 'pledged'"


def write_history(first_ids):
    """Record the synthetic rows written from `first_ids` (NextIds) on in the change history,
    as if each had been entered as it was reported; return how many versions were written."""
    recorded = RECORDED[connection.vendor]
    earlier = EARLIER[connection.vendor]
    history = Shipment.history.model

    # Each version of a published shipment is a public change: its last change is when it
    # was recorded (shipments.changes).
    def changed(moment):
        return f"CASE WHEN l.is_published THEN {moment} END"

    written = copy_into_history(
        Shipment,
        history,
        earlier.format(recorded),
        where=f"l.id >= %s AND {REPORTED_FIRST_AS_PLEDGE}",
        params=[first_ids.shipment],
        overrides={
            "status": "'pledged'",
            "shipped_on": "NULL",
            "arrived_on": "NULL",
            "last_changed": changed(earlier.format(recorded)),
        },
    )
    written += copy_into_history(
        Shipment,
        history,
        recorded,
        where="l.id >= %s",
        params=[first_ids.shipment],
        overrides={"last_changed": changed(recorded)},
    )
    for model, first in (
        (ShipmentItem, first_ids.item),
        (Source, first_ids.source),
        (Rejection, first_ids.rejection),
    ):
        # With the shipment's first version: a version sees the lines it was reported with.
        written += copy_into_history(
            model,
            model.history.model,
            earlier.format(recorded.replace("l.", "s.")),
            where="l.id >= %s",
            params=[first],
            joins=f"JOIN {Shipment._meta.db_table} s ON s.id = l.shipment_id",
        )
    copy_donor_links(
        history,
        apps.get_model("shipments", "HistoricalShipment_donors"),
        DonorLink,
        where="h.id >= %s",
        params=[first_ids.shipment],
    )
    return written


def _ids_by_slug(model, parties):
    ids = dict(model.objects.filter(slug__startswith=SLUG_PREFIX).values_list("slug", "pk"))
    return [ids[party.slug] for party in parties]


def writer_for_database():
    """COPY on PostgreSQL (through psycopg2), `bulk_create` anywhere else."""
    return CopyWriter() if CopyWriter.usable() else BulkCreateWriter()


class BulkCreateWriter:
    """Writes rows with explicit ids through `bulk_create`, on any database."""

    def lock(self, models):
        """Keep other writers off these tables while ids are handed out by hand."""

    def first_free_id(self, model):
        return (model.objects.aggregate(last=Max("pk"))["last"] or 0) + 1

    def write(self, model, fields, rows):
        rows = list(rows)
        model.objects.bulk_create(model(**dict(zip(fields, row, strict=True))) for row in rows)
        # bulk_create stamps the creation and change times with its own clock: write back
        # the rows' own, as COPY does, so that a shipment's last change is its creation.
        stamped = [
            index
            for index, name in enumerate(fields)
            if getattr(model._meta.get_field(name), "auto_now", False)
            or getattr(model._meta.get_field(name), "auto_now_add", False)
        ]
        by_stamp = defaultdict(list)
        for row in rows:
            by_stamp[tuple(row[index] for index in stamped)].append(row[fields.index("id")])
        for stamp, ids in by_stamp.items() if stamped else ():
            values = {fields[index]: value for index, value in zip(stamped, stamp, strict=True)}
            model.objects.filter(pk__in=ids).update(**values)

    def finish(self, models):
        """Move each id sequence past the ids written by hand."""
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)


# COPY's text format: tab-separated, \N for NULL, backslash escapes.
COPY_NULL = "\\N"
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_value(value):
    """One value in COPY's text format; dates, numbers and booleans as PostgreSQL reads them."""
    if value is None:
        return COPY_NULL
    if isinstance(value, str):
        return value.translate(COPY_ESCAPES)
    return str(value)


class CopyWriter(BulkCreateWriter):
    """Streams rows into PostgreSQL with COPY, the fastest way in."""

    @staticmethod
    def usable():
        # COPY through psycopg2's copy_expert; psycopg 3 spells it differently.
        if connection.vendor != "postgresql":
            return False
        with connection.cursor() as cursor:
            return hasattr(cursor.cursor, "copy_expert")

    def __init__(self):
        self.statements = {}

    def lock(self, models):
        # EXCLUSIVE still lets readers in; it stops another writer from taking
        # an id from the sequence that this run is about to write by hand.
        tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")

    def first_free_id(self, model):
        # The sequence may be ahead of the largest id (rows deleted since).
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s))",
                [model._meta.db_table, model._meta.pk.column],
            )
            (next_value,) = cursor.fetchone()
        return max(super().first_free_id(model), next_value)

    def _statement(self, model, fields):
        """The COPY statement, and the text to append to each row for columns not generated.

        Columns added to a model later than the generator get their default.
        """
        key = (model, fields)
        if key not in self.statements:
            quote = connection.ops.quote_name
            meta = model._meta
            missing = [f for f in meta.concrete_fields if f.attname not in fields]
            columns = [meta.get_field(name).column for name in fields]
            columns += [f.column for f in missing]
            defaults = "".join(
                "\t" + copy_value(f.get_db_prep_save(f.get_default(), connection)) for f in missing
            )
            sql = f"COPY {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
            self.statements[key] = sql, defaults + "\n"
        return self.statements[key]

    def write(self, model, fields, rows):
        if not rows:
            return
        sql, ending = self._statement(model, fields)
        buffer = io.StringIO()
        buffer.writelines("\t".join([copy_value(value) for value in row]) + ending for row in rows)
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.copy_expert(sql, buffer)

    def finish(self, models):
        super().finish(models)
        # Fresh statistics, so the planner knows the tables have grown.
        with connection.cursor() as cursor:
            for model in [*models, Donor, Recipient]:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
