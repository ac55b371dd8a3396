"""A shipment's public change log, rebuilt from its change history.

The history (django-simple-history) records every save of a shipment (with
its donors), of its supply lines and of its sources, by whom and when. The
public may know some of it: what changed in what it could see, and when.
This module replays a shipment's history rows in time order, takes the
shipment's public state after each change (only while it was published),
and compares each public state with the one before:

- its first publication is an entry of its own ("published");
- a change while published is an entry listing each public field that
  changed, with the old and the new value;
- unpublishing is an entry, and whatever changed while it was unpublished
  shows only as the difference between the last state the public saw and
  the state published again, at the time it was published again;
- who made a change is never part of an entry.

One save in the admin writes the shipment, then its lines, sources and
donors, each a history row of its own within a moment: rows of one shipment
by the same person, each within `SAME_CHANGE` of the one before, are one
change, dated by the latest of them.

Values are the stored ones (codes, dates, numbers; a supply line or a source
as an unsaved instance): the public pages word them
(`shipments.public.change_log`). Only the fields listed here are read, so
the log holds nothing staff alone see.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from donors.models import Donor, Recipient
from shipments import as_of
from shipments.models import Emergency, Shipment, ShipmentItem, Source

# Rows of one shipment written within this of each other, by the same person, are one change.
SAME_CHANGE = timedelta(seconds=2)

# The shipment's public fields, in the order its page lists them. The parties and the
# emergency are read by key and named by their current names.
SHIPMENT_FIELDS = (
    "reference",
    "status",
    "terms",
    "donors",
    "recipient",
    "origin_country",
    "destination_country",
    "emergency",
    "announced_on",
    "shipped_on",
    "arrived_on",
    "transport_mode",
    "arrival_point",
    "weight_kg",
    "value_usd",
    "declared_value",
    "currency",
    "notes",
)
# What the history rows are read for: the public fields, publication, and the keys.
_SHIPMENT_COLUMNS = (
    "id",
    "recipient_id",
    "emergency_id",
    "is_published",
    *(name for name in SHIPMENT_FIELDS if name not in {"donors", "recipient", "emergency"}),
)
LINE_FIELDS = (
    "category_id",
    "description",
    "quantity",
    "quantity_kind",
    "quantity_min",
    "quantity_max",
    "quantity_note",
    "unit",
    "value_usd",
)
_LINE_COLUMNS = ("id", "shipment_id", "position", "is_estimate", *LINE_FIELDS)
SOURCE_FIELDS = ("title", "publisher", "published_on", "url")
_SOURCE_COLUMNS = ("id", "shipment_id", *SOURCE_FIELDS)
_HISTORY_COLUMNS = ("history_id", "history_date", "history_type", "history_user_id")
# The fields of each model whose writing may change a shipment's public change log.
LOGGED_FIELDS = {
    Shipment: frozenset({*_SHIPMENT_COLUMNS, "recipient", "emergency"}) - {"id"},
    ShipmentItem: frozenset({*LINE_FIELDS, "category", "shipment", "shipment_id", "position"}),
    Source: frozenset({*SOURCE_FIELDS, "shipment", "shipment_id"}),
}
DELETED = "-"


class Kind:
    PUBLISHED = "published"
    CHANGED = "changed"
    UNPUBLISHED = "unpublished"
    REPUBLISHED = "republished"


@dataclass(frozen=True)
class FieldChange:
    """One public field that changed: `key` is a SHIPMENT_FIELDS name, or ("line", id) or
    ("source", id); `old` and `new` are None where there was, or is, nothing."""

    key: object
    old: object
    new: object


@dataclass
class Change:
    """One entry of a change log: when, what kind, and the public fields it changed."""

    when: datetime
    kind: str
    changes: list = field(default_factory=list)
    # The public state after it (None once unpublished): a shipment's title at the time.
    state: dict | None = None


def _line_key(item):
    return tuple(getattr(item, name) for name in LINE_FIELDS)


def _source_key(source):
    return tuple(getattr(source, name) for name in SOURCE_FIELDS)


def _same(key, old, new):
    if isinstance(key, tuple) and old is not None and new is not None:
        compared = _line_key if key[0] == "line" else _source_key
        return compared(old) == compared(new)
    return old == new


def difference(before, after):
    """The FieldChanges from one public state to another, in the page's order."""
    keys = list(before)
    keys += [key for key in after if key not in before]
    changes = []
    for key in _in_order(keys):
        old, new = before.get(key), after.get(key)
        if not _same(key, old, new):
            changes.append(FieldChange(key, old, new))
    return changes


def _in_order(keys):
    """Fields first, in SHIPMENT_FIELDS order, then lines, then sources, each by key."""

    def rank(key):
        if isinstance(key, tuple):
            return (1 if key[0] == "line" else 2, key[1])
        return (0, SHIPMENT_FIELDS.index(key))

    return sorted(keys, key=rank)


class _Names:
    """The current names of the parties and emergencies a set of history rows refers to;
    a party since deleted by its last recorded name."""

    def __init__(self, donor_ids, recipient_ids, emergency_ids, using):
        self.donors = self._of(Donor, donor_ids, using)
        self.recipients = self._of(Recipient, recipient_ids, using)
        emergencies = Emergency.objects.using(using).filter(pk__in=emergency_ids)
        self.emergencies = dict(emergencies.values_list("pk", "name"))

    @staticmethod
    def _of(model, ids, using):
        names = dict(model.objects.using(using).filter(pk__in=ids).values_list("pk", "name"))
        missing = set(ids) - set(names)
        if missing:
            rows = (
                model.history.using(using)
                .filter(id__in=missing)
                .order_by("history_date", "history_id")
            )
            names.update(rows.values_list("id", "name"))
        return names


def _recorded(model, using):
    """`model`'s history as far as the data being read goes: up to the moment of a page read
    as of a past one (shipments.as_of), else all of it."""
    rows = model.history.using(using)
    moment = as_of.reading()
    return rows.filter(history_date__lte=moment) if moment is not None else rows.all()


def _rows(model, columns, using, **lookup):
    return _recorded(model, using).filter(**lookup).values(*columns, *_HISTORY_COLUMNS)


def _public_state(shipment, donors, lines, sources, names):
    state = {name: shipment[name] for name in SHIPMENT_FIELDS if name in shipment}
    state["donors"] = tuple(sorted(names.donors.get(pk, "") for pk in donors))
    state["recipient"] = names.recipients.get(shipment["recipient_id"], "")
    state["emergency"] = names.emergencies.get(shipment["emergency_id"], "")
    for pk, line in lines.items():
        state[("line", pk)] = line
    for pk, source in sources.items():
        state[("source", pk)] = source
    return state


def _groups(rows):
    """The rows (dicts with history_date and history_user_id) in time order, grouped into
    changes: a row joins the change before it when written within SAME_CHANGE of its latest
    row by the same person (or by no one known)."""
    groups = []
    for row in sorted(rows, key=lambda row: (row["history_date"], row["order"])):
        if groups:
            last = groups[-1][-1]
            users = {last["history_user_id"], row["history_user_id"]} - {None}
            if row["history_date"] - last["history_date"] <= SAME_CHANGE and len(users) <= 1:
                groups[-1].append(row)
                continue
        groups.append([row])
    return groups


def change_logs(shipments, using=None):
    """{shipment key: [Change, ...] oldest first} for `shipments` (instances or dicts with
    `id`, `is_published` and `created_at`), from their history in a few queries.

    A published shipment with no history (written in bulk, as the synthetic data is) has
    one entry: published, when it was created. Read from the database `using` (the
    primary, for a write that follows), else where the router sends reads.
    """
    shipments = [_as_dict(shipment) for shipment in shipments]
    ids = [shipment["id"] for shipment in shipments]
    if not ids:
        return {}
    rows = defaultdict(list)
    rows_wanted = set(ids)
    shipment_rows = list(_rows(Shipment, _SHIPMENT_COLUMNS, using, id__in=ids))
    donor_rows = defaultdict(list)
    through = Shipment.history.model._meta.get_field("historicalshipment_donors").related_model
    links = through.objects.using(using).filter(history__id__in=ids)
    for history_id, donor_id in links.values_list("history_id", "donor_id"):
        donor_rows[history_id].append(donor_id)
    for row in shipment_rows:
        row.update(model=Shipment, order=(0, row["history_id"]))
        row["donors"] = donor_rows[row["history_id"]]
        rows[row["id"]].append(row)
    for model, columns, rank in ((ShipmentItem, _LINE_COLUMNS, 1), (Source, _SOURCE_COLUMNS, 2)):
        # Every row of each line or source ever in these shipments, replayed in each of
        # them: one moved to another shipment leaves the one it was in.
        ever = _recorded(model, using).filter(shipment_id__in=ids).values("id")
        part_rows = list(_rows(model, columns, using, id__in=ever))
        homes = defaultdict(set)
        for row in part_rows:
            if row["shipment_id"] in rows_wanted:
                homes[row["id"]].add(row["shipment_id"])
        for row in part_rows:
            row.update(model=model, order=(rank, row["history_id"]))
            for shipment_id in homes[row["id"]]:
                rows[shipment_id].append(row)
    names = _Names(
        {donor for row in shipment_rows for donor in row["donors"]},
        {row["recipient_id"] for row in shipment_rows},
        {row["emergency_id"] for row in shipment_rows},
        using,
    )
    return {shipment["id"]: _log(shipment, rows[shipment["id"]], names) for shipment in shipments}


def _as_dict(shipment):
    if isinstance(shipment, dict):
        return shipment
    return {
        "id": shipment.pk,
        "is_published": shipment.is_published,
        "created_at": shipment.created_at,
    }


def _what_it_records(row):
    return (row["history_type"] == DELETED, [row[name] for name in _SHIPMENT_COLUMNS])


def _changing(rows):
    """The rows less the shipment's rows that record nothing the log reads (its derived
    columns rewritten, a version raised): they would stretch a change to their own time."""
    kept, last = [], None
    for row in sorted(rows, key=lambda row: (row["history_date"], row["order"])):
        if row["model"] is Shipment:
            recorded = (*_what_it_records(row), sorted(row["donors"]))
            if recorded == last:
                continue
            last = recorded
        kept.append(row)
    return kept


def _log(shipment, rows, names):
    log = []
    current, lines, sources = None, {}, {}
    public = None  # the last public state
    shown = False  # whether the public sees it now
    for group in _groups(_changing(rows)):
        for row in group:
            model, pk = row["model"], row["id"]
            if model is Shipment:
                current = None if row["history_type"] == DELETED else row
                continue
            parts = lines if model is ShipmentItem else sources
            if row["history_type"] == DELETED or row["shipment_id"] != shipment["id"]:
                parts.pop(pk, None)
                continue
            columns = _LINE_COLUMNS if model is ShipmentItem else _SOURCE_COLUMNS
            parts[pk] = model(**{name: row[name] for name in columns})
        when = group[-1]["history_date"]
        if current is None or not current["is_published"]:
            if shown:
                log.append(Change(when, Kind.UNPUBLISHED))
                shown = False
            continue
        ordered_lines = dict(sorted(lines.items(), key=lambda pair: (pair[1].position, pair[0])))
        state = _public_state(current, current["donors"], ordered_lines, sources, names)
        if not shown:
            if public is None:
                log.append(Change(when, Kind.PUBLISHED, state=state))
            else:
                log.append(Change(when, Kind.REPUBLISHED, difference(public, state), state))
            shown = True
        else:
            changes = difference(public, state)
            if changes:
                log.append(Change(when, Kind.CHANGED, changes, state))
        public = state
    if not log and shipment["is_published"]:
        log.append(Change(shipment["created_at"], Kind.PUBLISHED))
    return log


def last_changes(shipments, using=None):
    """{shipment key: the time of the latest entry of its public change log, or None}."""
    logs = change_logs(shipments, using)
    return {pk: (log[-1].when if log else None) for pk, log in logs.items()}
