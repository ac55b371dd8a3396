"""The published data as it stood at a moment, rebuilt from the change history.

Every change to a shipment, its supply lines, sources and rejections, its
donors and recipient, and the emergencies is recorded by django-simple-history,
one row per version. A shipment's version at a moment T is its latest row
recorded at or before T (if that row is not a deletion): the one whose period,
from its history_date to its valid_until (kept by the database,
`aidtracker.versions`), holds T. Reading "as of T" replaces each of those tables,
in every query, by its versions at T: a common table expression named after the
table shadows it, so the public list, the CSVs, the JSON and the shipment pages
run their usual queries and see the past. `published()` then keeps the
shipments that were published at T, as they were at T; one unpublished at T is
not there, and nothing changed while a shipment was unpublished shows unless it
was published again before T.

A shipment's history row holds its derived columns (search text, donor
countries and kinds, category keys), written again whenever they change
(`shipments.signals`), so the filters read them as fast in the past as now.
Its donors at T are those recorded with that row.

Objects recorded with no history at all (parties and emergencies entered
before the history was kept, or by a bulk loader) are taken as they are now.
"""

import contextlib
import datetime
import functools
import re
from contextvars import ContextVar

from django.apps import apps
from django.db import connections, router
from django.db.models import Min
from django.utils import timezone

from donors.models import Donor, Recipient
from shipments.models import Emergency, Rejection, Shipment, ShipmentItem, Source

PARAMETER = "as_of"
HEADER = "X-Data-As-Of"
# Objects of these models need no history of their own to be read in the past.
TAKEN_AS_NOW_WITHOUT_HISTORY = (Donor, Recipient, Emergency)
SHADOWED = (Shipment, ShipmentItem, Source, Rejection, Donor, Recipient, Emergency)
DonorLink = Shipment.donors.through
# The columns a history row does not keep, and what stands in for them.
STAND_INS = {"updated_at": "h.history_date", "version": "0"}
STATEMENTS = re.compile(r"\s*(SELECT|WITH|\()", re.IGNORECASE)
# The moment being read, while a view reads the past.
_reading = ContextVar("as_of", default=None)


class AsOfError(ValueError):
    """An `as_of` value that cannot be read, or names a moment without published data."""


# Reading the parameter --------------------------------------------------------

DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
EXAMPLE = "2020-04-01 or 2020-04-01T12:00:00Z"


def parse(text):
    """The moment `text` names, in UTC: an ISO date (its first instant) or date-time.

    Raises AsOfError with a message a reader can act on, naming the first
    moment recorded when `text` is before it and refusing the future, whose
    files are not yet fixed.
    """
    text = text.strip()
    try:
        if DATE_ONLY.fullmatch(text):
            moment = datetime.datetime.combine(
                datetime.date.fromisoformat(text), datetime.time(), datetime.UTC
            )
        else:
            moment = datetime.datetime.fromisoformat(text.replace("z", "Z"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=datetime.UTC)
            moment = moment.astimezone(datetime.UTC)
    except ValueError:
        raise AsOfError(
            f"Give a date or a date-time in UTC, e.g. {EXAMPLE}; “{text[:40]}” is neither."
        ) from None
    first = first_recorded()
    if first is None:
        raise AsOfError("No change has been recorded yet: there is no earlier data to show.")
    if moment < first:
        # To the second above: a moment a reader can type, and still within the history.
        within = first.replace(microsecond=0)
        if within < first:
            within += datetime.timedelta(seconds=1)
        raise AsOfError(
            f"The change history begins at {stamp(first)}; give {stamp(within)} or a later moment."
        )
    if moment > timezone.now():
        raise AsOfError(
            f"{stamp(moment)} is in the future; give a moment up to now. Today's data is "
            "what this address gives without as_of."
        )
    return moment


def stamp(moment):
    """A moment as the parameter and the X-Data-As-Of header write it: 2020-04-01T00:00:00Z."""
    text = moment.astimezone(datetime.UTC).replace(tzinfo=None).isoformat()
    return f"{text}Z"


def shown(moment):
    """A moment as a page shows it: 1 June 2020, 00:00:00 UTC."""
    moment = moment.astimezone(datetime.UTC)
    return f"{moment.day} {moment:%B %Y, %H:%M:%S} UTC"


def file_stamp(moment):
    """A moment as a file name carries it: 2020-04-01T000000Z."""
    return stamp(moment).replace(":", "")


def first_recorded():
    """When the first shipment change was recorded (None if none was)."""
    return Shipment.history.aggregate(first=Min("history_date"))["first"]


def latest_change():
    """When the latest change to the public data was recorded: reading as of this moment
    gives the data as it is now. None before any change."""
    field = Shipment.history.model._meta.get_field("history_date")
    connection = connections[router.db_for_read(Shipment)]
    with connection.cursor() as cursor:
        cursor.execute(LATEST_CHANGE_SQL)
        (latest,) = cursor.fetchone()
    if latest is None:
        return None
    # Read as the ORM reads a date-time column (SQLite returns text).
    for converter in connection.ops.get_db_converters(field.get_col(field.model._meta.db_table)):
        latest = converter(latest, field.get_col(field.model._meta.db_table), connection)
    return latest


# One query: each history table's latest, from the end of its index on the date.
LATEST_CHANGE_SQL = "SELECT max(latest) FROM ({}) AS tables".format(
    " UNION ALL ".join(
        f"SELECT max(history_date) AS latest FROM {model.history.model._meta.db_table}"
        for model in SHADOWED
    )
)


def current_stamp():
    """The X-Data-As-Of of today's data: the moment of its latest recorded change."""
    latest = latest_change()
    return stamp(latest) if latest is not None else ""


# Rewriting queries ------------------------------------------------------------


def _valid_at(alias="h"):
    """The condition that row `alias` of a history is its object's version at %s: recorded
    by then, and not followed by another version by then (`aidtracker.versions`)."""
    return (
        f"{alias}.history_date <= %s AND ({alias}.valid_until IS NULL OR {alias}.valid_until > %s)"
    )


def _versions(model, vendor):
    """(SQL, number of moment parameters) of `model`'s rows as they were at the moment."""
    history = model.history.model
    table = history._meta.db_table
    kept = {field.column for field in history._meta.concrete_fields}
    columns = [field.column for field in model._meta.concrete_fields]
    select = ", ".join(
        f"h.{column}" if column in kept else f"{STAND_INS.get(column, 'NULL')} AS {column}"
        for column in columns
    )
    sql = f"SELECT {select} FROM {table} h WHERE {_valid_at()} AND h.history_type <> '-'"
    if model in TAKEN_AS_NOW_WITHOUT_HISTORY:
        live = model._meta.db_table
        if vendor == "sqlite":
            # SQLite reads a table expression naming itself as recursive: name the table
            # by its schema, which no table expression has.
            live = f"main.{live}"
        sql += (
            f" UNION ALL SELECT {', '.join(f'l.{column}' for column in columns)} FROM {live} l"
            f" WHERE NOT EXISTS (SELECT 1 FROM {table} o WHERE o.id = l.id)"
        )
    return sql, 2


def _donor_links():
    """(SQL, number of moment parameters) of the donor links recorded with each shipment's
    version at the moment."""
    shipments = Shipment.history.model._meta.db_table
    links = apps.get_model("shipments", "HistoricalShipment_donors")._meta.db_table
    sql = (
        f"SELECT m.id, m.shipment_id, m.donor_id FROM {links} m"
        f" JOIN {shipments} h ON h.history_id = m.history_id"
        f" WHERE {_valid_at()} AND h.history_type <> '-'"
    )
    return sql, 2


def _shadows(vendor):
    shadows = [(model._meta.db_table, *_versions(model, vendor)) for model in SHADOWED]
    shadows.append((DonorLink._meta.db_table, *_donor_links()))
    return shadows


def shadow(sql, params, moment, vendor):
    """`sql` (with `params`) reading each shadowed table as it was at `moment`.

    Statements that read none of them, and statements other than queries,
    are returned as they are.
    """
    if not STATEMENTS.match(sql):
        return sql, params
    used = [
        (name, body, count)
        for name, body, count in _shadows(vendor)
        if re.search(rf"\b{name}\b", sql)
    ]
    if not used:
        return sql, params
    hint = " NOT MATERIALIZED" if vendor == "postgresql" else ""
    ctes = ", ".join(f'"{name}" AS{hint} ({body})' for name, body, _ in used)
    moments = [moment] * sum(count for _, _, count in used)
    if params is None:
        # The statement is about to gain placeholders: its own % signs must not read as one.
        sql, params = sql.replace("%", "%%"), ()
    head = re.match(r"\s*WITH\s", sql, re.IGNORECASE)
    sql = f"WITH {ctes}, {sql[head.end() :]}" if head else f"WITH {ctes} {sql}"
    if isinstance(params, dict):
        raise ValueError("Queries read as of a moment take positional parameters.")
    return sql, [*moments, *params]


def reading():
    """The moment the current view reads the data as of, or None for today's data.

    Whatever is cached of today's data (`shipments.public.cache`) is neither read nor
    kept while it is set."""
    return _reading.get()


# A text search of the past, on PostgreSQL, is planned without index scans that fetch each
# row from the table. The planner expects the versions current at a moment to be spread
# evenly along the list's orders, and would walk an order index to fill a page; but they
# cluster where the versions recorded by then are, far down it for an early moment.
# Other filters are read from the order indexes alone (migration 0030), so that the walk
# costs little; the search text is not in them (it can be long), and a search reads
# instead the rows its trigram index finds (a bitmap scan), then sorts them.
TEXT_SEARCH = re.compile(r'"search_text"(::text)? LIKE')
WITHOUT_INDEX_WALKS = "SET enable_indexscan = off"
WITH_INDEX_WALKS = "RESET enable_indexscan"


@contextlib.contextmanager
def reading_as_of(moment):
    """Within this block, every query on every database reads the data as of `moment`
    (nothing changes when `moment` is None)."""
    if moment is None:
        yield
        return

    def wrapper(execute, sql, params, many, context):
        # Read at each statement: `reading_today()` may suspend the past within the block.
        reading = _reading.get()
        if reading is None or many:
            return execute(sql, params, many, context)
        vendor = context["connection"].vendor
        sql, params = shadow(sql, params, reading, vendor)
        if vendor != "postgresql" or not TEXT_SEARCH.search(sql):
            return execute(sql, params, many, context)
        # On a cursor of its own: the statement's own keeps its results.
        database = context["connection"]
        with database.connection.cursor() as planner:
            planner.execute(WITHOUT_INDEX_WALKS)
            try:
                return execute(sql, params, many, context)
            finally:
                # The driver's own errors: this cursor is not Django's.
                with contextlib.suppress(database.Database.Error):
                    # Fails only in a failed transaction, whose rollback undoes the setting.
                    planner.execute(WITH_INDEX_WALKS)

    token = _reading.set(moment)
    try:
        with contextlib.ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(wrapper))
            yield
    finally:
        _reading.reset(token)


@contextlib.contextmanager
def reading_today():
    """Within this block, queries read today's data even where the past is being read: for
    what a page of the past borrows from today (the filter form's choices)."""
    token = _reading.set(None)
    try:
        yield
    finally:
        _reading.reset(token)


def streamed_as_of(chunks, moment):
    """A response body that reads as of `moment` while it is being sent."""
    iterator = iter(chunks)
    try:
        while True:
            with reading_as_of(moment):
                try:
                    chunk = next(iterator)
                except StopIteration:
                    return
            yield chunk
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


# Views -----------------------------------------------------------------------


def view_as_of(refuse=None):
    """Decorate a public view to answer `?as_of=` with the data as it stood then.

    A valid moment runs the view, and reads its streamed body, as of that moment.
    An invalid one is answered by `refuse(request, message)`; without it, the view
    runs as usual and its FilterSet, which knows the parameter, answers the 400.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            text = request.GET.get(PARAMETER, "")
            if not text.strip():
                return view(request, *args, **kwargs)
            try:
                moment = parse(text)
            except AsOfError as error:
                if refuse is None:
                    return view(request, *args, **kwargs)
                return refuse(request, f"{PARAMETER}: {error}")
            with reading_as_of(moment):
                response = view(request, *args, **kwargs)
            if response.streaming:
                response.streaming_content = streamed_as_of(response.streaming_content, moment)
            return response

        return wrapper

    return decorator
