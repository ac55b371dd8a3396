"""The one definition of the export columns.

Each column says what it means (shown on /about/data/), what kind of value it
holds, how to read it from model instances (the ORM path), how to compute it
in SQL (PostgreSQL's COPY path) and its HXL hashtag. Both paths render every kind the same
way, so the two give byte-identical files for the same data.

SQL expressions use these aliases: `s` the shipment, `r` its recipient,
`i` the item and `c` its category (items export only), `da` the donors
aggregated per shipment, `sa` the sources aggregated per shipment, `p` the
pledge, `pd` the published deliveries aggregated per pledge (shipments export only),
`rc` the recipient's country (its name and alpha-3 code), `e` the shipment's emergency.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC
from typing import Any

from django_countries import countries

from donors.models import Donor, Recipient
from shipments.models import (
    QuantityKind,
    Rejection,
    Shipment,
    ShipmentItem,
    Unit,
    Verification,
)

TEXT = "text"
NUMBER = "number"
DATE = "date"
DATETIME = "datetime"
# How a date-time cell is written: in UTC, to the microsecond, ISO 8601 with Z, in Python
# (strftime) and in PostgreSQL (to_char of the time in UTC) alike.
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
DATETIME_SQL_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
BOOLEAN = "boolean"
URL = "url"

LIST_SEPARATOR = "; "


def iso_datetime(value):
    """A date-time as the files and the JSON write it: 2020-03-14T09:30:00.000000Z."""
    return value.astimezone(UTC).strftime(DATETIME_FORMAT)


# Formula injection ----------------------------------------------------------
#
# A spreadsheet reads a cell starting with one of these as a formula: OWASP's
# list, and the full-width forms, which spreadsheets set up for East Asian
# input may take for the ASCII ones.
FORMULA_TRIGGERS = (
    "=",
    "+",
    "-",
    "@",
    "\t",
    "\r",
    "\n",
    "\N{FULLWIDTH EQUALS SIGN}",
    "\N{FULLWIDTH PLUS SIGN}",
    "\N{FULLWIDTH HYPHEN-MINUS}",
    "\N{FULLWIDTH COMMERCIAL AT}",
)
# A spreadsheet may start a new cell in the middle of one of ours. Excel
# splits a .csv on the list separator of the reader's locale (";" in much of
# Europe), and our quotes, placed for ",", keep no ";" inside a cell; tab is
# the separator of pasted text and of import dialogs' defaults. Once the
# quotes are misread, a line break in a cell starts a new row. Space and "|"
# are left out on purpose: see "Downloads for journalists" in the README.
LINE_BREAKS = ("\r", "\n")
CELL_BREAKS = (",", ";", "\t", *LINE_BREAKS)
# What may stand between a cell's start and its trigger: spaces, which a
# reader may trim, and the double quote that a reader splitting inside our
# quotes finds at the start of a piece.
CELL_PADDING = (" ", '"')
# A reader that started a cell inside our text was outside quotes there, so
# a line break that follows ends its row rather than starting a cell: line
# breaks (a CRLF, a blank line in notes) are triggers only at the very start.
INNER_TRIGGERS = tuple(trigger for trigger in FORMULA_TRIGGERS if trigger not in LINE_BREAKS)


def _any_of(characters):
    """A bracket expression that means the same in Python's re and PostgreSQL's regexes.

    "-" goes last, where both read it literally; none of the characters is
    "]", "^" or a backslash, which would need escaping.
    """
    assert not set(characters) & {"]", "^", "\\"}
    return "[" + "".join(sorted(characters, key=lambda character: character == "-")) + "]"


def _cell_starts(apostrophes):
    """A group matching the padding where a spreadsheet may start a cell with a trigger.

    The trigger itself, behind `apostrophes` and any further ones, is looked
    at but not matched.
    """
    padding = f"{_any_of(CELL_PADDING)}*"
    return (
        f"(^{padding}(?={apostrophes}'*{_any_of(FORMULA_TRIGGERS)})"
        f"|(?<={_any_of(CELL_BREAKS)}){padding}(?={apostrophes}'*{_any_of(INNER_TRIGGERS)}))"
    )


# The one rule, read by the exports in Python and in SQL (regexp_replace)
# alike: wherever a spreadsheet may start a cell, a trigger gets an
# apostrophe in front of it. Apostrophes already there count as part of the
# trigger and get one more, so that the import can take exactly one off.
FORMULA_PATTERN = _cell_starts("")
FORMULA_REPLACEMENT = "\\1'"
# ... and its inverse, for the import.
NEUTRALISED_PATTERN = _cell_starts("'") + "'"
NEUTRALISED_REPLACEMENT = "\\1"
# The rule changes only text that holds a trigger. Most cells hold none, and
# looking for one costs a fraction of applying the rule: in SQL about a
# third of the time regexp_replace takes, in Python a tenth of re.sub's.
ANY_TRIGGER = _any_of(FORMULA_TRIGGERS)

_FORMULA = re.compile(FORMULA_PATTERN)
_NEUTRALISED = re.compile(NEUTRALISED_PATTERN)
_ANY_TRIGGER = re.compile(ANY_TRIGGER)


def neutralise_formulas(text):
    """`text` with an apostrophe before every trigger a spreadsheet could read as a formula."""
    if _ANY_TRIGGER.search(text) is None:
        return text
    return _FORMULA.sub(FORMULA_REPLACEMENT, text)


def restore_formulas(text):
    """Undo `neutralise_formulas`: restore_formulas(neutralise_formulas(t)) == t."""
    return _NEUTRALISED.sub(NEUTRALISED_REPLACEMENT, text)


# HXL ----------------------------------------------------------------------
#
# Each column carries a hashtag of the Humanitarian Exchange Language
# (hxlstandard.org), so that HDX's tools (HXL Proxy, Quick Charts) can read the
# files. The tags follow the HXL dictionary and OCHA FTS's funding feeds on HDX:
# donors are +funder and recipients +impl (#org+name+funder, #org+name+impl);
# columns joining several values with '; ' add +list, as FTS's do. HXL reads a
# bare #country+code as ISO 3166 alpha-3, so the alpha-2 columns say +v_iso2 and
# the alpha-3 ones +v_iso3. A tag is a hashtag and attributes, lower case.
HXL_TAG = re.compile(r"#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    description: str
    get: Callable[[Any], Any]
    sql: str
    # The values a text cell may hold, when a model's choices fix them; with
    # `many`, the cell holds several of them joined with LIST_SEPARATOR.
    choices: Any = None
    many: bool = False
    # A number that is always whole (a count), not a measure with decimals.
    integer: bool = False
    # The column's HXL hashtag and attributes, in the row `?hxl=1` adds under the
    # header (see "HXL" above). Required, so that no column goes without one.
    hxl: str = field(kw_only=True)


def sorted_donors(shipment):
    """Donors in a stable order: by name in code-point order (SQL: COLLATE "C"), then id."""
    return sorted(shipment.donors.all(), key=lambda donor: (donor.name, donor.pk))


def joined(values):
    return LIST_SEPARATOR.join(values) or None


# ISO 3166-1 alpha-3 codes, for the joins HDX and most humanitarian data make by them.
# ISO 3166 reserves EU as an alpha-2 code for the European Union but gives it no
# alpha-3 code, and the three-letter codes others made up for it disagree (the
# World Bank's EUU, the EUE of ICAO's travel documents): the alpha-3 columns write EU
# as the alpha-2 columns do. It matches no ISO alpha-3 code, so a join by them leaves
# the EU unmatched rather than taking it for a country, and a list keeps one code per
# donor. Shown on /about/data/.
EU_ALPHA3 = "EU"


def alpha3(code):
    """The ISO 3166-1 alpha-3 code of an alpha-2 `code` (EU_ALPHA3 for EU); "" when unknown.

    The table is django-countries', whose alpha-2 codes the country fields hold, so
    the two agree; the SQL path reads the same table (`country_codes`).
    """
    if code == "EU":
        return EU_ALPHA3
    return countries.alpha3(code) or ""


def country_codes():
    """(alpha-2, English name, alpha-3) of every country a party may have, EU included."""
    return [(code, name, alpha3(code)) for code, name in countries]


# Records in one cell (a shipment's sources, a line's rejections) are JSON:
# a list of objects, each with every key, in a fixed order. PostgreSQL
# writes the same text (see `json_records_sql`): json.dumps's separators,
# non-ASCII characters as they are.
SOURCE_KEYS = ("title", "publisher", "published_on", "url", "excerpt", "notes", "supports")
REJECTION_KEYS = ("kind", "quantity", "quantity_note", "reason", "reason_detail", "date", "source")


def json_records(records):
    """A list of dicts as one cell's JSON text; None (an empty cell) when there are none."""
    return json.dumps(records, ensure_ascii=False) if records else None


def json_records_sql(fields, order):
    """An aggregate building `json_records`' text from rows: `fields` are (key, SQL
    expression of a JSON value) pairs, `order` the ORDER BY of the records."""
    members = " || ', ' || ".join(
        f"'\"{key}\": ' || COALESCE({expression}, 'null')" for key, expression in fields
    )
    return f"'[' || string_agg('{{' || {members} || '}}', ', ' ORDER BY {order}) || ']'"


def json_text_sql(expression):
    return f"to_json(({expression})::text)::text"


def json_date_sql(expression):
    return f"to_json(to_char({expression}, 'YYYY-MM-DD'))::text"


def sources_by_id(shipment):
    return sorted(shipment.sources.all(), key=lambda source: source.pk)


def source_record(source):
    return {
        "title": source.title,
        "publisher": source.publisher,
        "published_on": source.published_on.isoformat() if source.published_on else None,
        "url": source.url,
        "excerpt": source.excerpt,
        "notes": source.notes,
        "supports": source.supports,
    }


def rejections_in_order(item):
    return sorted(item.rejections.all(), key=lambda rejection: rejection.pk)


def rejection_records(item):
    """A line's rejections; each names its source by its place (from 1) in the shipment's."""
    place = {source.pk: number for number, source in enumerate(sources_by_id(item.shipment), 1)}
    return [
        {
            "kind": rejection.kind,
            "quantity": rejection.quantity,
            "quantity_note": rejection.quantity_note,
            "reason": rejection.reason,
            "reason_detail": rejection.reason_detail,
            "date": rejection.date.isoformat() if rejection.date else None,
            "source": place.get(rejection.source_id),
        }
        for rejection in rejections_in_order(item)
    ]


def rejected_quantity(item):
    figures = [r.quantity for r in item.rejections.all() if r.quantity is not None]
    return sum(figures) if figures else None


# Columns that describe a shipment, read from a Shipment instance, by name.
_SHIPMENT = {
    column.name: column
    for column in [
        Column(
            "status",
            TEXT,
            "pledged, dispatched, delivered or cancelled.",
            lambda s: s.status,
            "s.status",
            choices=Shipment.Status,
            hxl="#status",
        ),
        Column(
            "donors",
            TEXT,
            "Names of every donor, joined with '; ' in name order.",
            lambda s: joined(d.name for d in sorted_donors(s)),
            "da.names",
            hxl="#org+name+funder+list",
        ),
        Column(
            "donor_countries",
            TEXT,
            "ISO 3166-1 alpha-2 code of each donor's country (EU for the European Union), "
            "in the same order as donors.",
            lambda s: joined(d.country.code for d in sorted_donors(s)),
            "da.countries",
            hxl="#country+code+v_iso2+funder+list",
        ),
        Column(
            "recipient",
            TEXT,
            "Name of the recipient.",
            lambda s: s.recipient.name,
            "r.name",
            hxl="#org+name+impl",
        ),
        Column(
            "recipient_country",
            TEXT,
            "ISO alpha-2 code of the recipient's country.",
            lambda s: s.recipient.country.code,
            "r.country",
            hxl="#country+code+v_iso2+impl",
        ),
        Column(
            "announced_on",
            DATE,
            "Day the shipment was announced (YYYY-MM-DD).",
            lambda s: s.announced_on,
            "s.announced_on",
            hxl="#date+announced",
        ),
        Column(
            "shipped_on",
            DATE,
            "Day it was sent or handed over (YYYY-MM-DD).",
            lambda s: s.shipped_on,
            "s.shipped_on",
            hxl="#date+shipped",
        ),
        Column(
            "arrived_on",
            DATE,
            "Day it arrived (YYYY-MM-DD).",
            lambda s: s.arrived_on,
            "s.arrived_on",
            hxl="#date+arrived",
        ),
        Column(
            "weight_kg",
            NUMBER,
            "Total weight in kilograms.",
            lambda s: s.weight_kg,
            "s.weight_kg",
            hxl="#item+weight+kg",
        ),
        Column(
            "value_usd",
            NUMBER,
            "Value in US dollars, converted at usd_rate.",
            lambda s: s.value_usd,
            "s.value_usd",
            hxl="#value+usd",
        ),
        Column(
            "url",
            URL,
            "The shipment's page on this site.",
            lambda s: s.reference,
            "s.reference",
            hxl="#meta+url",
        ),
        Column(
            "sources",
            TEXT,
            "Citations of the reports the facts come from (title, publisher, date, address "
            "when known), joined with '; '.",
            lambda s: joined(
                source.citation for source in sorted(s.sources.all(), key=lambda x: x.pk)
            ),
            "sa.citations",
            hxl="#meta+source+list",
        ),
        Column(
            "donor_kinds",
            TEXT,
            "Kind of each donor, in the same order as donors.",
            lambda s: joined(d.kind for d in sorted_donors(s)),
            "da.kinds",
            choices=Donor.Kind,
            many=True,
            hxl="#org+type+funder+list",
        ),
        Column(
            "recipient_kind",
            TEXT,
            "Kind of the recipient.",
            lambda s: s.recipient.kind,
            "r.kind",
            choices=Recipient.Kind,
            hxl="#org+type+impl",
        ),
        Column(
            "recipient_country_name",
            TEXT,
            "English name of the recipient's country.",
            lambda s: s.recipient.country.name,
            "rc.name",
            hxl="#country+name+impl",
        ),
        Column(
            "origin_country",
            TEXT,
            "ISO alpha-2 code of the country the supplies left.",
            lambda s: s.origin_country.code,
            "s.origin_country",
            hxl="#country+code+v_iso2+origin",
        ),
        Column(
            "destination_country",
            TEXT,
            "ISO alpha-2 code of the country they went to.",
            lambda s: s.destination_country.code,
            "s.destination_country",
            hxl="#country+code+v_iso2+dest",
        ),
        Column(
            "terms",
            TEXT,
            "donation, sale, loan or unclear.",
            lambda s: s.terms,
            "s.terms",
            choices=Shipment.Terms,
            hxl="#modality+terms",
        ),
        Column(
            "transport_mode",
            TEXT,
            "air, sea, rail, road or multimodal.",
            lambda s: s.transport_mode,
            "s.transport_mode",
            choices=Shipment.TransportMode,
            hxl="#operations+transport+type",
        ),
        Column(
            "arrival_point",
            TEXT,
            "Airport, port or city of arrival.",
            lambda s: s.arrival_point,
            "s.arrival_point",
            hxl="#loc+name+dest",
        ),
        Column(
            "crisis",
            TEXT,
            "GLIDE number of the emergency the aid was sent for, e.g. EP-2020-000012-001 for "
            "COVID-19 (see the emergencies below); the crisis filter takes it.",
            lambda s: s.emergency.glide,
            "e.glide",
            hxl="#crisis+code+glide",
        ),
        Column(
            "verification",
            TEXT,
            "How far the shipment's facts are established, the strongest claim any of its "
            "sources supports: donor_reported, media_reported, recipient_confirmed or "
            "independently_verified (see the verification levels below); the verification "
            "filter takes it.",
            lambda s: s.verification,
            "s.verification",
            choices=Verification,
            # HXL's #meta holds a record's metadata, its confidence level among them.
            hxl="#meta+verification",
        ),
        Column(
            "last_changed",
            DATETIME,
            "When the public last saw the shipment change, in UTC "
            "(YYYY-MM-DDThh:mm:ss.ffffffZ): the latest entry of the change log on its page, "
            "its publication included.",
            lambda s: s.last_changed,
            "s.last_changed",
            hxl="#date+updated",
        ),
    ]
}


_SHIPMENT_EXTRA = [
    Column(
        "declared_value",
        NUMBER,
        "Value as reported, in currency.",
        lambda s: s.declared_value,
        "s.declared_value",
        hxl="#value+declared",
    ),
    Column(
        "currency",
        TEXT,
        "ISO 4217 code of declared_value.",
        lambda s: s.currency,
        "s.currency",
        hxl="#currency+code",
    ),
    Column(
        "usd_rate",
        NUMBER,
        "US dollars per unit of currency used for value_usd.",
        lambda s: s.usd_rate,
        "s.usd_rate",
        hxl="#value+fx",
    ),
    Column(
        "rate_date",
        DATE,
        "Date of the exchange rate.",
        lambda s: s.rate_date,
        "s.rate_date",
        hxl="#date+fx",
    ),
    Column(
        "rate_source",
        TEXT,
        "Where the exchange rate comes from.",
        lambda s: s.rate_source,
        "s.rate_source",
        hxl="#meta+source+fx",
    ),
    Column(
        "pledge_reference",
        TEXT,
        "Reference of the pledge this delivery is part of; never add the two together.",
        lambda s: s.public_pledge.reference if s.public_pledge else None,
        "CASE WHEN p.is_published THEN p.reference END",
        hxl="#activity+id+pledge",
    ),
    Column(
        "notes",
        TEXT,
        "How dates were resolved, overlaps, caveats.",
        lambda s: s.notes,
        "s.notes",
        hxl="#description+notes",
    ),
]


# Appended to both files, after the columns that came before them.
_ISO3 = [
    Column(
        "recipient_country_iso3",
        TEXT,
        "ISO 3166-1 alpha-3 code of the recipient's country (e.g. ITA for IT).",
        lambda s: alpha3(s.recipient.country.code),
        "rc.alpha3",
        hxl="#country+code+v_iso3+impl",
    ),
    Column(
        "donor_countries_iso3",
        TEXT,
        "ISO 3166-1 alpha-3 code of each donor's country, in the same order as donors and "
        f"joined the same way; the European Union, which has none, is written {EU_ALPHA3}.",
        lambda s: joined(alpha3(d.country.code) for d in sorted_donors(s)),
        "da.alpha3s",
        hxl="#country+code+v_iso3+funder+list",
    ),
]


def delivery_references(shipment):
    """References of a pledge's published deliveries, in code-point order (SQL: COLLATE "C")."""
    return sorted(delivery.reference for delivery in shipment.published_deliveries)


def _on_shipment(column):
    """The same column read through an item's shipment."""
    get = column.get
    return replace(column, get=lambda item: get(item.shipment))


SHIPMENT_COLUMNS = [
    Column(
        "reference",
        TEXT,
        "Unique reference of the shipment.",
        lambda s: s.reference,
        "s.reference",
        hxl="#activity+id",
    ),
    *[
        _SHIPMENT[name]
        for name in [
            "status",
            "donors",
            "donor_countries",
            "recipient",
            "recipient_country",
            "announced_on",
            "shipped_on",
            "arrived_on",
            "weight_kg",
            "value_usd",
            "url",
            "sources",
            "donor_kinds",
            "recipient_kind",
            "recipient_country_name",
            "origin_country",
            "destination_country",
            "terms",
            "transport_mode",
            "arrival_point",
        ]
    ],
    *_SHIPMENT_EXTRA,
    # Of the shipments export only: read from the pledge, it is no column of a supply line.
    Column(
        "deliveries",
        TEXT,
        "For a pledge, the references of the published shipments that are part of it (its "
        "deliveries, of any status), joined with '; ' in reference order; empty for any other "
        "shipment. Each is part of the pledge: never add them to it.",
        lambda s: joined(delivery_references(s)),
        "pd.refs",
        hxl="#activity+id+delivery+list",
    ),
    *_ISO3,
    _SHIPMENT["crisis"],
    _SHIPMENT["verification"],
    _SHIPMENT["last_changed"],
]

ITEM_COLUMNS = [
    Column(
        "shipment_reference",
        TEXT,
        "Reference of the shipment the line belongs to.",
        lambda item: item.shipment.reference,
        "s.reference",
        hxl="#activity+id",
    ),
    *[
        _on_shipment(_SHIPMENT[name])
        for name in [
            "status",
            "donors",
            "donor_countries",
            "recipient",
            "recipient_country",
            "shipped_on",
        ]
    ],
    Column(
        "category",
        TEXT,
        "Slug of the supply category (see the categories below).",
        lambda item: item.category.slug,
        "c.slug",
        hxl="#item+type+code",
    ),
    Column(
        "description",
        TEXT,
        "The supply as the source words it.",
        lambda item: item.description,
        "i.description",
        hxl="#item+name",
    ),
    Column(
        "quantity",
        NUMBER,
        "How many units; empty when the source gives no number.",
        lambda item: item.quantity,
        "i.quantity",
        integer=True,
        hxl="#item+num",
    ),
    Column(
        "quantity_note",
        TEXT,
        "The source's words for a vague or approximate amount, e.g. 'dozens'.",
        lambda item: item.quantity_note,
        "i.quantity_note",
        hxl="#description+quantity",
    ),
    Column(
        "unit",
        TEXT,
        "Unit of quantity: pieces, pairs, sets, kits, tests, boxes or kg.",
        lambda item: item.unit,
        "i.unit",
        choices=Unit,
        hxl="#item+unit",
    ),
    _on_shipment(_SHIPMENT["url"]),
    Column(
        "quantity_is_estimate",
        BOOLEAN,
        "true for every quantity_kind but exact: the source gives no exact figure.",
        lambda item: item.is_estimate,
        "i.is_estimate",
        hxl="#item+estimate+bool",
    ),
    Column(
        "item_value_usd",
        NUMBER,
        "Value of this line in US dollars, when reported.",
        lambda item: item.value_usd,
        "i.value_usd",
        hxl="#value+usd+line",
    ),
    Column(
        "category_name",
        TEXT,
        "Name of the supply category.",
        lambda item: item.category.name,
        "c.name",
        hxl="#item+type+name",
    ),
    *[
        _on_shipment(_SHIPMENT[name])
        for name in [
            "donor_kinds",
            "recipient_kind",
            "recipient_country_name",
            "origin_country",
            "destination_country",
            "announced_on",
            "arrived_on",
            "terms",
            "transport_mode",
            "arrival_point",
        ]
    ],
    Column(
        "quantity_min",
        NUMBER,
        "The least the source's words allow: the figure itself when exact, 2000000 for "
        "'over 2 million', 24 for 'dozens'; empty when the source sets no lower bound.",
        lambda item: item.least,
        "CASE WHEN i.quantity_kind = 'exact' THEN i.quantity ELSE i.quantity_min END",
        integer=True,
        hxl="#item+num+min",
    ),
    Column(
        "quantity_max",
        NUMBER,
        "The most the source's words allow: the figure itself when exact, 200 for 'one to "
        "two hundred'; empty when the source sets no upper bound ('over 2 million').",
        lambda item: item.most,
        "CASE WHEN i.quantity_kind = 'exact' THEN i.quantity ELSE i.quantity_max END",
        integer=True,
        hxl="#item+num+max",
    ),
    Column(
        "quantity_kind",
        TEXT,
        "How the source gives the amount: exact ('40,000'), approximate ('about 20'), "
        "at_least ('over 2 million'), at_most ('up to 500'), range ('one to two hundred') "
        "or unknown (no figure: 'dozens').",
        lambda item: item.quantity_kind,
        "i.quantity_kind",
        choices=QuantityKind,
        hxl="#item+quantity+type",
    ),
    Column(
        "quantity_rejected",
        NUMBER,
        "How many of the line's units were rejected or returned (e.g. as defective), adding "
        "the rejections that give a figure; empty when none is recorded. See rejections_json.",
        rejected_quantity,
        "ra.quantity",
        integer=True,
        hxl="#item+num+rejected",
    ),
    Column(
        "rejection_reason",
        TEXT,
        "Why, for each rejection of the line in turn: defective, wrong_specification, "
        "expired, damaged_in_transit or other, joined with '; '.",
        lambda item: joined(rejection.reason for rejection in rejections_in_order(item)),
        "ra.reasons",
        choices=Rejection.Reason,
        many=True,
        hxl="#cause+rejected+list",
    ),
    *[
        _on_shipment(column)
        for column in [
            _SHIPMENT["weight_kg"],
            _SHIPMENT["value_usd"],
            *_SHIPMENT_EXTRA,
            _SHIPMENT["sources"],
        ]
    ],
    Column(
        "sources_json",
        TEXT,
        "The shipment's sources in full, as JSON: a list of objects with "
        + ", ".join(SOURCE_KEYS)
        + " (published_on YYYY-MM-DD or null; supports the claim the source supports, one of "
        "the verification levels), in the order of sources.",
        lambda item: json_records([source_record(s) for s in sources_by_id(item.shipment)]),
        "sa.records",
        hxl="#meta+source+json",
    ),
    Column(
        "rejections_json",
        TEXT,
        "The line's rejections in full, as JSON: a list of objects with "
        + ", ".join(REJECTION_KEYS)
        + " (kind rejected or returned; quantity null when the source gives none; date "
        "YYYY-MM-DD or null; source the place, from 1, of the source reporting it in "
        "sources_json).",
        lambda item: json_records(rejection_records(item)),
        "ra.records",
        hxl="#meta+rejection+json",
    ),
    *[_on_shipment(column) for column in _ISO3],
    Column(
        "line",
        NUMBER,
        "The line's place, from 1, among its shipment's supply lines, in the order its page "
        "lists them (whatever a category filter leaves out); with shipment_reference, it "
        "identifies the line in the file.",
        lambda item: item.line,
        # As ShipmentItemQuerySet.with_line_numbers counts it.
        f"(SELECT count(*) FROM {ShipmentItem._meta.db_table} sibling"
        " WHERE sibling.shipment_id = i.shipment_id"
        " AND (sibling.position, sibling.id) <= (i.position, i.id))",
        integer=True,
        hxl="#meta+line",
    ),
    _on_shipment(_SHIPMENT["crisis"]),
    _on_shipment(_SHIPMENT["verification"]),
    _on_shipment(_SHIPMENT["last_changed"]),
]
