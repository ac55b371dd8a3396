"""A shipment's public change log in words, as its page and the feed give it: each entry's
time, what happened ("Published", "Changed") and each field with its old and its new value
("N95 respirator masks: 40,000 → 45,000"). The entries come from `shipments.changes`."""

from dataclasses import dataclass
from datetime import datetime

from django.template.defaultfilters import floatformat
from django_countries import countries

from shipments.changes import Kind
from shipments.models import Shipment
from shipments.public.shipment_page import spoken_list
from shipments.public.supply_lines import line_quantity, line_supply

LABELS = {
    "reference": "Reference",
    "status": "Status",
    "terms": "Terms",
    "donors": "Donors",
    "recipient": "Recipient",
    "origin_country": "Origin",
    "destination_country": "Destination",
    "emergency": "Emergency",
    "announced_on": "Announced",
    "shipped_on": "Shipped",
    "arrived_on": "Arrived",
    "transport_mode": "Transport",
    "arrival_point": "Arrival point",
    "weight_kg": "Weight",
    "value_usd": "Value (USD)",
    "declared_value": "Declared value",
    "currency": "Currency",
    "notes": "Notes",
}
CHOICES = {
    "status": Shipment.Status,
    "terms": Shipment.Terms,
    "transport_mode": Shipment.TransportMode,
}
HEADINGS = {
    Kind.PUBLISHED: "Published",
    Kind.CHANGED: "Changed",
    Kind.UNPUBLISHED: "Withdrawn from publication",
    Kind.REPUBLISHED: "Published again",
}
# What a line's amount is made of: a change of these alone is a change of its amount.
AMOUNT_FIELDS = ("quantity", "quantity_kind", "quantity_min", "quantity_max", "quantity_note")
ARROW = "→"
NOT_GIVEN = "not given"


@dataclass(frozen=True)
class Row:
    """One changed field in words; `old` or `new` is None where there was, or is, nothing."""

    label: str
    old: str | None
    new: str | None

    def words(self):
        """ "Label: old → new", "Label: new" (added) or "Label: old" (removed)."""
        if self.old is None:
            return f"{self.label}: {self.new}"
        if self.new is None:
            return f"{self.label}: {self.old}"
        return f"{self.label}: {self.old} {ARROW} {self.new}"


@dataclass(frozen=True)
class Entry:
    when: datetime
    kind: str
    heading: str
    rows: list
    # What the shipment is ("Masks") and where it went ("Italy"), as it stood after this entry.
    what: str
    destination: str

    @property
    def subject(self):
        return f"{self.what} to {self.destination}"

    def title(self):
        """One line for a feed: "Masks to Italy: 40,000 → 45,000", "Published: Masks to
        Italy"."""
        if self.kind != Kind.CHANGED or not self.rows:
            return f"{self.heading}: {self.subject}"
        first = self.rows[0]
        words = first.words()
        if first.label == self.what:
            # A line's amount: the subject already names the line.
            words = words.removeprefix(f"{first.label}: ")
        more = len(self.rows) - 1
        rest = f", and {more} more change{'s' if more > 1 else ''}" if more else ""
        return f"{self.subject}: {words}{rest}"


def capitalised(text):
    text = str(text)
    return text[:1].upper() + text[1:]


def plain(markup):
    return markup.striptags()


def value_words(name, value):
    """A shipment field's stored value in words; None for nothing."""
    if value in (None, "", ()):
        return None
    if name in CHOICES:
        return CHOICES[name](value).label
    if name in ("origin_country", "destination_country"):
        return countries.name(value) or value
    if name in ("announced_on", "shipped_on", "arrived_on"):
        return value.isoformat()
    if name == "weight_kg":
        return f"{floatformat(value, '-1g')} kg"
    if name == "value_usd":
        return f"US${floatformat(value, '-2g')}"
    if name == "declared_value":
        return floatformat(value, "-2g")
    if name == "donors":
        return spoken_list(value)
    return str(value)


def _line_rows(old, new):
    if old is None:
        return [Row("Supplies added", None, plain(line_supply(new)))]
    if new is None:
        return [Row("Supplies removed", plain(line_supply(old)), None)]
    rows = []
    label = capitalised(new.description)
    amount_only = all(
        getattr(old, name) == getattr(new, name) for name in ("category_id", "description", "unit")
    )
    if any(getattr(old, name) != getattr(new, name) for name in AMOUNT_FIELDS) or (not amount_only):
        if amount_only:
            rows.append(Row(label, _amount(old), _amount(new)))
        else:
            rows.append(Row("Supplies", plain(line_supply(old)), plain(line_supply(new))))
    if old.value_usd != new.value_usd:
        rows.append(
            Row(
                f"{label}, value (USD)",
                value_words("value_usd", old.value_usd),
                value_words("value_usd", new.value_usd),
            )
        )
    return rows


def _amount(item):
    """A line's amount in words; its unit only where it is not counted in pieces."""
    words = plain(line_quantity(item))
    if item.unit == "pieces":
        words = words.replace(" pieces", "", 1)
    return words


def _source_rows(old, new):
    if old is None:
        return [Row("Source added", None, new.citation)]
    if new is None:
        return [Row("Source removed", old.citation, None)]
    return [Row("Source", old.citation, new.citation)]


def rows_of(changes):
    rows = []
    for change in changes:
        key = change.key
        if isinstance(key, tuple):
            rows += (_line_rows if key[0] == "line" else _source_rows)(change.old, change.new)
        else:
            # A field cleared or filled in says so, rather than reading as added or removed.
            old, new = value_words(key, change.old), value_words(key, change.new)
            rows.append(Row(LABELS[key], old or NOT_GIVEN, new or NOT_GIVEN))
    return rows


def subject(state, shipment, line=None):
    """(what, destination): what the shipment is, in a few words, by the line `line` (an
    item) if given, else its first line ("N95 respirator masks", "Shipment X" without
    lines), and the name of the country it went to."""
    if state is None:
        destination = shipment.destination_country.code
        lines = list(shipment.items.all())
    else:
        destination = state["destination_country"]
        lines = [
            value for key, value in state.items() if isinstance(key, tuple) and key[0] == "line"
        ]
    item = line or (lines[0] if lines else None)
    what = capitalised(item.description) if item else f"Shipment {shipment.reference}"
    return what, countries.name(destination) or destination


def entries(log, shipment):
    """The change log (`shipments.changes.Change`s, oldest first) in words, newest first."""
    worded = []
    state = None
    for change in log:
        state = change.state or state
        first = change.changes[0] if change.changes else None
        by_line = first is not None and isinstance(first.key, tuple) and first.key[0] == "line"
        what, destination = subject(state, shipment, (first.new or first.old) if by_line else None)
        worded.append(
            Entry(
                when=change.when,
                kind=change.kind,
                heading=HEADINGS[change.kind],
                rows=rows_of(change.changes),
                what=what,
                destination=destination,
            )
        )
    return worded[::-1]
