"""CSV and JSON renderings of the filtered list of shipments.

Both CSVs stream in constant memory. On PostgreSQL the rows come from
`COPY ... TO STDOUT` of the same validated query, formatted in SQL; on
other databases from the ORM, formatted in Python. The two paths render
every cell identically, so the same data gives byte-identical files.
"""

import contextlib
import queue
import re
import threading
from decimal import Decimal

from django.db import connections
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from donors.models import Donor, Recipient
from shipments import as_of
from shipments import columns as cols
from shipments.models import (
    Emergency,
    Rejection,
    Shipment,
    ShipmentItem,
    Source,
    SupplyCategory,
)
from shipments.sorts import sort_expressions

CSV_SPECIALS = re.compile(r'[,"\r\n]')
BOM = "\ufeff".encode()
CHUNK_BYTES = 64 * 1024
ORM_CHUNK_ROWS = 2000
IDLE_TIMEOUT_MS = 60_000
STATEMENT_TIMEOUT_MS = 30 * 60_000


# Rendering one cell -------------------------------------------------------


def format_decimal(value):
    """Plain notation, no trailing zeros: 31000.0 -> 31000, 0.14291670 -> 0.1429167."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def render_cell(kind, value, base_url):
    """The text of one cell; empty for unknown. Mirrors `sql_cell`."""
    if value is None or value == "":
        return ""
    if kind == cols.TEXT:
        return cols.neutralise_formulas(str(value))
    if kind == cols.NUMBER:
        return format_decimal(value) if isinstance(value, Decimal) else str(int(value))
    if kind == cols.DATE:
        return value.isoformat()
    if kind == cols.DATETIME:
        return cols.iso_datetime(value)
    if kind == cols.BOOLEAN:
        return "true" if value else "false"
    if kind == cols.URL:
        return f"{base_url}{value}/"
    raise ValueError(f"Unknown column kind {kind!r}")


def quote(cell):
    """CSV quoting exactly as PostgreSQL's COPY does it (and RFC 4180 allows)."""
    if CSV_SPECIALS.search(cell):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def csv_line(cells):
    return ",".join(quote(cell) for cell in cells) + "\n"


def header_line(columns):
    return csv_line(column.name for column in columns)


def hxl_line(columns):
    """The row of HXL hashtags that `?hxl=1` adds under the header."""
    return csv_line(column.hxl for column in columns)


def sql_string(text):
    """A PostgreSQL string literal of `text`, escapes spelled out (E'\\t')."""
    escaped = text.replace("\\", "\\\\").replace("'", "''")
    escaped = escaped.replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n")
    return f"E'{escaped}'" if escaped != text else f"'{text}'"


def sql_cell(kind, expression):
    """SQL rendering of one cell; mirrors `render_cell`. NULL is COPY's empty cell."""
    if kind == cols.TEXT:
        text = f"NULLIF(({expression})::text, '')"
        pattern = sql_string(cols.FORMULA_PATTERN)
        replacement = sql_string(cols.FORMULA_REPLACEMENT)
        neutralised = f"regexp_replace({text}, {pattern}, {replacement}, 'g')"
        any_trigger = sql_string(cols.ANY_TRIGGER)
        return f"CASE WHEN {text} ~ {any_trigger} THEN {neutralised} ELSE {text} END"
    if kind == cols.NUMBER:
        return f"trim_scale(({expression})::numeric)::text"
    if kind == cols.DATE:
        return f"to_char({expression}, 'YYYY-MM-DD')"
    if kind == cols.DATETIME:
        return f"to_char(({expression}) AT TIME ZONE 'UTC', '{cols.DATETIME_SQL_FORMAT}')"
    if kind == cols.BOOLEAN:
        return f"CASE WHEN {expression} THEN 'true' WHEN NOT {expression} THEN 'false' END"
    if kind == cols.URL:
        return f"%(base_url)s || ({expression}) || '/'"
    raise ValueError(f"Unknown column kind {kind!r}")


# One export: what is selected and how it is read -----------------------------


class Export:
    """A validated selection rendered as one of the two CSVs.

    `count()` runs before the response starts (for X-Row-Count); `lines()`
    then streams the rows, on PostgreSQL in the same REPEATABLE READ
    snapshot as the count, so the header never disagrees with the body.
    """

    columns = ()

    def __init__(self, filterset, base_url):
        self.filterset = filterset
        self.base_url = base_url
        # The rows are read after the view has returned, while the response
        # streams: keep to the database the request was routed to.
        self.alias = filterset.qs.db
        self.shipments = filterset.qs.using(self.alias)
        # COPY runs on a connection of its own, which reads the past only if told to.
        self.moment = filterset.as_of_moment()
        # PostgreSQL's own COPY of the query, or None: rows come from the ORM.
        self.copy_stream = None
        if connections[self.alias].vendor == "postgresql":
            self.copy_stream = CopyStream(self.alias)

    def count(self):
        if self.copy_stream:
            return self.copy_stream.count(*self.as_of(*self.count_sql()))
        return self.orm_rows().count()

    def lines(self):
        """Byte chunks of the CSV body (without header)."""
        if self.copy_stream:
            return self.copy_stream.stream(*self.as_of(*self.copy_sql()), base_url=self.base_url)
        return self.orm_lines()

    def data_as_of(self):
        """The X-Data-As-Of of this export: the moment asked for, or that of the latest
        change, read on PostgreSQL in the same snapshot as the rows."""
        if self.moment is not None:
            return as_of.stamp(self.moment)
        if self.copy_stream:
            latest = self.copy_stream.value(as_of.LATEST_CHANGE_SQL)
            return as_of.stamp(latest) if latest is not None else ""
        return as_of.current_stamp()

    def as_of(self, sql, params):
        """The COPY connection's SQL, reading the data as of the moment asked for."""
        if self.moment is None:
            return sql, params
        return as_of.shadow(sql, params, self.moment, "postgresql")

    def close(self):
        """Release the export's own connection, whether or not the body was read."""
        if self.copy_stream:
            self.copy_stream.close()

    def orm_lines(self):
        buffer = []
        size = 0
        for row in self.orm_rows().iterator(chunk_size=ORM_CHUNK_ROWS):
            line = csv_line(
                render_cell(column.kind, column.get(row), self.base_url) for column in self.columns
            )
            buffer.append(line)
            size += len(line)
            if size >= CHUNK_BYTES:
                yield "".join(buffer).encode()
                buffer, size = [], 0
        if buffer:
            yield "".join(buffer).encode()

    # SQL shared by both CSVs on PostgreSQL.

    def selection_sql(self):
        """The filtered shipments' ids, numbered in the list's order."""
        numbered = (
            self.shipments.order_by()
            .annotate(rn=Window(RowNumber(), order_by=sort_expressions(self.filterset.sort_key())))
            .values_list("pk", "rn")
        )
        return numbered.query.sql_with_params()

    def unordered_ids_sql(self):
        """The filtered shipments' ids alone: enough to count, without sorting."""
        return self.shipments.order_by().values_list("pk").query.sql_with_params()

    def with_clause(self, extra=""):
        selection, params = self.selection_sql()
        # (code, English name, alpha-3 code) of every country a party may have, EU included.
        country_codes = cols.country_codes()
        through = Shipment.donors.through._meta.db_table
        return (
            f"""WITH sel (id, rn) AS MATERIALIZED ({selection}),
            rc (code, name, alpha3) AS (
                VALUES {", ".join(["(%s, %s, %s)"] * len(country_codes))}
            ),
            da AS (
                SELECT sd.shipment_id,
                    string_agg(d.name, '; ' ORDER BY d.name COLLATE "C", d.id) AS names,
                    string_agg(d.country, '; ' ORDER BY d.name COLLATE "C", d.id) AS countries,
                    string_agg(d.kind, '; ' ORDER BY d.name COLLATE "C", d.id) AS kinds,
                    string_agg(COALESCE(dc.alpha3, ''), '; '
                        ORDER BY d.name COLLATE "C", d.id) AS alpha3s
                FROM {through} sd
                JOIN {Donor._meta.db_table} d ON d.id = sd.donor_id
                JOIN sel ON sel.id = sd.shipment_id
                LEFT JOIN rc dc ON dc.code = d.country
                GROUP BY sd.shipment_id
            )
            {extra}""",
            [*params, *[part for row in country_codes for part in row]],
        )

    def select_list(self):
        return ", ".join(sql_cell(column.kind, column.sql) for column in self.columns)

    def shipment_joins(self):
        return f"""
            JOIN {Shipment._meta.db_table} s ON s.id = sel.id
            JOIN {Recipient._meta.db_table} r ON r.id = s.recipient_id
            LEFT JOIN da ON da.shipment_id = s.id
            LEFT JOIN rc ON rc.code = r.country
            LEFT JOIN {Shipment._meta.db_table} p ON p.id = s.pledge_id
            JOIN {Emergency._meta.db_table} e ON e.id = s.emergency_id"""


def sources_sql(records=False):
    """`sa`: each selected shipment's sources, as citations and, with `records`, as JSON."""
    record_list = ""
    if records:
        fields = [(key, cols.json_text_sql(f"src.{key}")) for key in cols.SOURCE_KEYS]
        fields[cols.SOURCE_KEYS.index("published_on")] = (
            "published_on",
            cols.json_date_sql("src.published_on"),
        )
        record_list = f", {cols.json_records_sql(fields, 'src.id')} AS records"
    return f"""sa AS (
        SELECT src.shipment_id,
            string_agg(concat_ws(', ', src.title, NULLIF(src.publisher, ''),
                to_char(src.published_on, 'YYYY-MM-DD'), NULLIF(src.url, '')),
                '; ' ORDER BY src.id) AS citations
            {record_list}
        FROM {Source._meta.db_table} src JOIN sel ON sel.id = src.shipment_id
        GROUP BY src.shipment_id
    )"""


def rejections_sql():
    """`ra`: each line's rejections: the figures added, the reasons, and the records as JSON."""
    source_place = (
        f"(SELECT count(*) FROM {Source._meta.db_table} src"
        " WHERE src.shipment_id = rj.shipment_id AND src.id <= rj.source_id)::text"
    )
    fields = [
        ("kind", cols.json_text_sql("rj.kind")),
        ("quantity", "(rj.quantity)::text"),
        ("quantity_note", cols.json_text_sql("rj.quantity_note")),
        ("reason", cols.json_text_sql("rj.reason")),
        ("reason_detail", cols.json_text_sql("rj.reason_detail")),
        ("date", cols.json_date_sql("rj.date")),
        ("source", source_place),
    ]
    assert tuple(key for key, _ in fields) == cols.REJECTION_KEYS
    return f"""ra AS (
        SELECT rj.item_id,
            sum(rj.quantity) AS quantity,
            string_agg(rj.reason, '; ' ORDER BY rj.id) AS reasons,
            {cols.json_records_sql(fields, "rj.id")} AS records
        FROM {Rejection._meta.db_table} rj JOIN sel ON sel.id = rj.shipment_id
        GROUP BY rj.item_id
    )"""


class ShipmentsExport(Export):
    name = "shipments"
    columns = cols.SHIPMENT_COLUMNS

    def orm_rows(self):
        return (
            self.shipments.select_related("recipient", "pledge", "emergency")
            .prefetch_related("donors", "sources")
            .with_published_deliveries()
        )

    def count_sql(self):
        ids, params = self.unordered_ids_sql()
        return f"SELECT count(*) FROM ({ids}) AS sel", params

    def copy_sql(self):
        # A pledge's deliveries: only the published ones, as Shipment.objects.published().
        deliveries = f"""pd AS (
            SELECT dl.pledge_id,
                string_agg(dl.reference, '; ' ORDER BY dl.reference COLLATE "C") AS refs
            FROM {Shipment._meta.db_table} dl JOIN sel ON sel.id = dl.pledge_id
            WHERE dl.is_published
            GROUP BY dl.pledge_id
        )"""
        with_clause, params = self.with_clause(extra=f", {sources_sql()}, {deliveries}")
        sql = f"""{with_clause}
            SELECT {self.select_list()} FROM sel {self.shipment_joins()}
            LEFT JOIN sa ON sa.shipment_id = s.id
            LEFT JOIN pd ON pd.pledge_id = s.id
            ORDER BY sel.rn"""
        return sql, params


class ItemsExport(Export):
    name = "items"
    columns = cols.ITEM_COLUMNS

    def orm_rows(self):
        items = (
            ShipmentItem.objects.using(self.alias)
            .published()
            .of_shipments(self.shipments, categories=self.filterset.category_slugs())
        )
        order = sort_expressions(self.filterset.sort_key(), prefix="shipment__")
        return (
            items.with_line_numbers()
            .select_related(
                "shipment__recipient", "shipment__pledge", "shipment__emergency", "category"
            )
            .prefetch_related("shipment__donors", "shipment__sources", "rejections")
            .order_by(*order, F("position").asc(), F("id").asc())
        )

    def item_filter_sql(self):
        slugs = self.filterset.category_slugs()
        if not slugs:
            return "", []
        return "WHERE c.slug IN (" + ", ".join(["%s"] * len(slugs)) + ")", list(slugs)

    def item_joins(self):
        return f"""
            JOIN {ShipmentItem._meta.db_table} i ON i.shipment_id = sel.id
            JOIN {SupplyCategory._meta.db_table} c ON c.id = i.category_id"""

    def count_sql(self):
        ids, params = self.unordered_ids_sql()
        where, where_params = self.item_filter_sql()
        return (
            f"SELECT count(*) FROM ({ids}) AS sel (id) {self.item_joins()} {where}",
            [*params, *where_params],
        )

    def copy_sql(self):
        with_clause, params = self.with_clause(
            extra=", " + sources_sql(records=True) + ", " + rejections_sql()
        )
        where, where_params = self.item_filter_sql()
        sql = f"""{with_clause}
            SELECT {self.select_list()} FROM sel {self.item_joins()} {self.shipment_joins()}
            LEFT JOIN sa ON sa.shipment_id = s.id
            LEFT JOIN ra ON ra.item_id = i.id
            {where}
            ORDER BY sel.rn, i.position, i.id"""
        return sql, [*params, *where_params]


# Streaming PostgreSQL's COPY -----------------------------------------------


class ExportCancelled(Exception):
    """The client went away; stop the database work."""


class CopyStream:
    """`COPY (query) TO STDOUT` on a connection of its own, as a generator of chunks.

    COPY writes into a file object from inside psycopg2, so it runs in a
    worker thread feeding a small bounded queue: memory stays flat, and a
    client that stops reading stops the worker (and the query) at once.
    """

    QUEUE_CHUNKS = 16

    def __init__(self, alias):
        wrapper = connections[alias]
        self.connection = wrapper.get_new_connection(wrapper.get_connection_params())
        self.connection.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with self.connection.cursor() as cursor:
            # A response whose body is never read must not hold its snapshot (and
            # block vacuum and schema changes) for ever.
            cursor.execute("SET idle_in_transaction_session_timeout = %s", [IDLE_TIMEOUT_MS])
            # Nor may a client reading very slowly keep a query running for hours.
            cursor.execute("SET statement_timeout = %s", [STATEMENT_TIMEOUT_MS])

    def mogrify(self, sql, params, named=None):
        with self.connection.cursor() as cursor:
            if named is not None:
                # A literal in the SQL text: its own % signs must not read as placeholders.
                literal = cursor.mogrify("%s", [named]).decode().replace("%", "%%")
                sql = sql.replace("%(base_url)s", literal)
            return cursor.mogrify(sql, params).decode()

    def count(self, sql, params):
        return self.value(sql, params)

    def value(self, sql, params=()):
        """The one value `sql` selects, read in the export's snapshot."""
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchone()[0]
        except Exception:
            self.close()
            raise

    def stream(self, sql, params, base_url=None):
        self.chunks = queue.Queue(maxsize=self.QUEUE_CHUNKS)
        self.cancelled = threading.Event()
        done = object()
        copy_sql = f"COPY ({self.mogrify(sql, params, named=base_url)}) TO STDOUT WITH (FORMAT csv)"
        chunks, cancelled = self.chunks, self.cancelled

        class Sink:
            """psycopg2 writes COPY's output one row at a time; hand it on in large chunks."""

            def __init__(self):
                self.buffer = bytearray()

            def write(self, data):
                self.buffer += data
                if len(self.buffer) >= CHUNK_BYTES:
                    self.flush()

            def flush(self):
                if cancelled.is_set():
                    raise ExportCancelled
                if self.buffer:
                    chunks.put(bytes(self.buffer))
                    self.buffer.clear()

        def work():
            try:
                sink = Sink()
                with self.connection.cursor() as cursor:
                    cursor.copy_expert(copy_sql, sink)
                sink.flush()
                self.connection.commit()
                chunks.put(done)
            except BaseException as error:  # handed to the consumer, not lost
                chunks.put(error)

        self.worker = threading.Thread(target=work, name="csv-copy", daemon=True)
        self.worker.start()
        try:
            while (chunk := chunks.get()) is not done:
                if isinstance(chunk, BaseException):
                    raise chunk
                yield chunk
        finally:
            self.close()

    def close(self):
        """Stop the worker if it still runs, then close the connection. Safe to call twice.

        Called when the body is fully read, and by the response's close() when
        the client went away mid-file, possibly while the generator above is
        suspended: the query is cancelled and the queue drained so the worker
        can see the cancellation and end, before its connection is closed.
        """
        worker = getattr(self, "worker", None)
        if worker is not None and worker.is_alive():
            self.cancelled.set()
            self.connection.cancel()
            while worker.is_alive():
                with contextlib.suppress(queue.Empty):
                    self.chunks.get(timeout=0.1)
            worker.join()
        if not self.connection.closed:
            self.connection.close()


# File names -----------------------------------------------------------------

NAME_UNSAFE = re.compile(r"[^A-Za-z0-9-]+")
MAX_NAME_LENGTH = 120


def export_filename(prefix, filterset, extension):
    """Say what was filtered and when, e.g. items_recipient_country-IT_2026-11-25.csv."""
    parts = [prefix]
    for name, values in filterset.filters_in_use().items():
        text = "+".join(
            NAME_UNSAFE.sub(
                "-", item.isoformat() if hasattr(item, "isoformat") else str(item)
            ).strip("-")
            for item in values
        )
        parts.append(f"{name}-{text}")
    stem = "_".join(parts)
    if len(stem) > MAX_NAME_LENGTH:
        stem = stem[:MAX_NAME_LENGTH].rstrip("-_+") + "_etc"
    moment = filterset.as_of_moment()
    if moment is not None:
        # The same address gives the same file, under the same name, for ever.
        return f"{stem}_as-of-{as_of.file_stamp(moment)}.{extension}"
    return f"{stem}_{timezone.localdate().isoformat()}.{extension}"
