"""Possible duplicates: the same delivery reported by several sources, entered twice.

Staff see pairs of shipments that may be one delivery (`candidates`), and
either merge them into one (`merge`), keeping every source, or mark them
distinct (`mark_distinct`), so that the pair is not offered again.

Two shipments are a candidate pair when all of these hold:

- they go from the same country to the same country (their origin and destination);
- their dates overlap: each spans from its first known date (announced, else
  shipped, else arrived) to its last (arrived, else shipped, else announced),
  and the two spans meet once each is widened by `TOLERANCE_DAYS`, so that a
  report giving only the shipping date meets one giving only the arrival a few
  days later. Their first dates lie within `MAX_START_GAP_DAYS` of each other,
  which lets the pairing read an index rather than every shipment of a country;
  shipments with no date are not compared;
- they hold supply lines of at least one same category;
- their donors are alike: a donor in common, or a donor of each from the same
  country whose names begin with the same `NAME_PREFIX` characters, ignoring
  case (the same donor entered twice: "Jack Ma Foundation", "JACK MA FOUNDATION
  and Alibaba");
- neither was merged into another, and staff have not marked them distinct.

The pairing is one SQL query, a self-join of the shipments on their
route and first date (the index `shipment_duplicate_route_idx`). Each
page looks at a bounded number of shipments, the newest entered first, each
against those entered before it, so that every pair is found once, from its
newer shipment, and a page costs the same however many shipments there are.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django_countries import countries

from donors.models import Donor
from shipments.models import (
    BEST_DATE_FIELDS,
    DistinctShipments,
    Shipment,
    ShipmentItem,
    duplicate_window_start,
)

TOLERANCE_DAYS = 7
MAX_START_GAP_DAYS = 31
NAME_PREFIX = 10
# The rules, in words, as the candidates page states them.
RULES = [
    "They go from the same country to the same country.",
    f"Their dates overlap, give or take {TOLERANCE_DAYS} days: each runs from its first known "
    "date (announced, shipped, arrived) to its last, and their first dates lie within "
    f"{MAX_START_GAP_DAYS} days of each other. Shipments with no date are not compared.",
    "They hold supply lines of at least one same category.",
    "Their donors are alike: a donor in common, or a donor of each from the same country "
    f"whose names begin with the same {NAME_PREFIX} characters (ignoring case).",
    "Neither was merged into another, and nobody marked them as distinct deliveries.",
]
# Shipments looked at per page, and candidate pairs shown at most.
SCAN_SIZE = 200
PAGE_SIZE = 50
# A history row's change reason holds 100 characters.
REASON_LENGTH = 100


def _shifted(expression, days):
    """SQL for the date `expression` moved by `days` (a constant of this module's), on
    PostgreSQL or SQLite."""
    days = int(days)
    if connection.vendor == "postgresql":
        return f"({expression} + {days})"
    return f"date({expression}, '{days:+d} days')"


def _first_date(alias):
    # Exactly the expression of the index shipment_duplicate_route_idx.
    return f"COALESCE({alias}.announced_on, {alias}.shipped_on, {alias}.arrived_on)"


def _last_date(alias):
    return "COALESCE(" + ", ".join(f"{alias}.{name}" for _, name in BEST_DATE_FIELDS) + ")"


def _donor_key(alias):
    # One key of country and the name's beginning, rather than two comparisons: the
    # planner then joins each shipment's few donors by their keys, instead of reading
    # every donor of a country through its index.
    return f"({alias}.country || ' ' || LOWER(SUBSTR({alias}.name, 1, {NAME_PREFIX})))"


def _candidate_sql(country):
    shipments = Shipment._meta.db_table
    items = ShipmentItem._meta.db_table
    links = Shipment.donors.through._meta.db_table
    donors = Donor._meta.db_table
    distinct = DistinctShipments._meta.db_table
    in_country = "AND s.destination_country = %(country)s" if country else ""
    return f"""
        SELECT a.id, b.id
        FROM (
            SELECT s.id, s.destination_country, s.origin_country,
                   {_first_date("s")} AS first_date,
                   {_last_date("s")} AS last_date
            FROM {shipments} s
            WHERE s.id <= %(anchor)s AND s.merged_into_id IS NULL
                  AND {_first_date("s")} IS NOT NULL {in_country}
            ORDER BY s.id DESC
            LIMIT %(scan)s
        ) a
        JOIN {shipments} b
          ON b.destination_country = a.destination_country
         AND b.origin_country = a.origin_country
         AND b.merged_into_id IS NULL
         AND {_first_date("b")} BETWEEN {_shifted("a.first_date", -MAX_START_GAP_DAYS)}
                                    AND {_shifted("a.first_date", MAX_START_GAP_DAYS)}
         AND b.id < a.id
        WHERE (a.id < %(anchor)s OR b.id < %(partner)s)
          AND {_first_date("b")} <= {_shifted("a.last_date", 2 * TOLERANCE_DAYS)}
          AND a.first_date <= {_shifted(_last_date("b"), 2 * TOLERANCE_DAYS)}
          AND EXISTS (
              SELECT 1 FROM {items} ia
              JOIN {items} ib ON ib.category_id = ia.category_id AND ib.shipment_id = b.id
              WHERE ia.shipment_id = a.id
          )
          AND (
              EXISTS (
                  SELECT 1 FROM {links} la
                  JOIN {links} lb ON lb.donor_id = la.donor_id AND lb.shipment_id = b.id
                  WHERE la.shipment_id = a.id
              )
              OR EXISTS (
                  SELECT 1 FROM {links} la
                  JOIN {donors} da ON da.id = la.donor_id
                  JOIN {links} lb ON lb.shipment_id = b.id
                  JOIN {donors} db ON db.id = lb.donor_id
                  WHERE la.shipment_id = a.id
                    AND {_donor_key("da")} = {_donor_key("db")}
              )
          )
          AND NOT EXISTS (
              SELECT 1 FROM {distinct} d WHERE d.first_id = b.id AND d.second_id = a.id
          )
        ORDER BY a.id DESC, b.id DESC
        LIMIT %(limit)s
    """


def _scanned_through(anchor, country):
    """The lowest key among the shipments a page starting at `anchor` looks at."""
    shipments = Shipment.objects.filter(pk__lte=anchor, merged_into__isnull=True)
    if country:
        shipments = shipments.filter(destination_country=country)
    keys = (
        shipments.annotate(first_date=duplicate_window_start())
        .filter(first_date__isnull=False)
        .order_by("-pk")
        .values_list("pk", flat=True)[:SCAN_SIZE]
    )
    return min(keys, default=None)


@dataclass
class Page:
    """A page of candidate pairs: `pairs` of `Candidate`, and where the next page starts
    (`next_anchor`, `next_partner`; None at the end)."""

    pairs: list
    first_key: int | None
    last_key: int | None
    next_anchor: int | None = None
    next_partner: int | None = None


def candidate_keys(anchor=None, partner=None, country="", scan=None, limit=None):
    """Pairs of keys (newer, older) of possible duplicates, newest first.

    Looks at `scan` shipments with keys up to `anchor` (the newest, if None) of
    `country` (any if ""), and returns at most `limit` pairs (by default `SCAN_SIZE` and
    `PAGE_SIZE`); for the shipment
    `anchor` itself, only partners below `partner`.
    """
    if anchor is None:
        anchor = Shipment.objects.order_by("-pk").values_list("pk", flat=True).first()
        if anchor is None:
            return []
    params = {
        "anchor": anchor,
        "partner": partner if partner is not None else anchor,
        "country": country,
        "scan": scan or SCAN_SIZE,
        "limit": limit or PAGE_SIZE,
    }
    with connection.cursor() as cursor:
        cursor.execute(_candidate_sql(country), params)
        return [tuple(row) for row in cursor.fetchall()]


def candidates(anchor=None, partner=None, country=""):
    """A `Page` of candidate pairs, each explained, from `anchor` (and `partner`) on."""
    if anchor is None:
        anchor = Shipment.objects.order_by("-pk").values_list("pk", flat=True).first()
    if anchor is None:
        return Page([], None, None)
    keys = candidate_keys(anchor, partner, country, limit=PAGE_SIZE + 1)
    page = Page([], None, anchor)
    if len(keys) > PAGE_SIZE:
        keys = keys[:PAGE_SIZE]
        page.next_anchor, page.next_partner = keys[-1]
    else:
        lowest = _scanned_through(anchor, country)
        if lowest is not None and Shipment.objects.filter(pk__lt=lowest).exists():
            page.next_anchor = lowest - 1
        page.first_key = lowest
    page.pairs = explain(keys)
    return page


@dataclass
class Candidate:
    """Two shipments that may be one delivery, and why: `reasons`, one line each."""

    newer: Shipment
    older: Shipment
    reasons: list = field(default_factory=list)

    @property
    def shipments(self):
        return (self.newer, self.older)


def _span(shipment):
    """A shipment's dates as the pairing reads them: "2020-03-01 to 2020-03-12", or one
    date."""
    known = [getattr(shipment, name) for name in ("announced_on", "shipped_on", "arrived_on")]
    first = next((day for day in known if day), None)
    last = next((day for day in reversed(known) if day), None)
    if first is None:
        return "no date"
    return first.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}"


def _country(code):
    return countries.name(code) or str(code)


def alike_names(one, other):
    """Whether two donors' names count as alike: the rule of the candidates' SQL."""
    return (
        one.country == other.country
        and one.name[:NAME_PREFIX].lower() == other.name[:NAME_PREFIX].lower()
    )


def reasons(newer, older):
    """Why two shipments were paired, in words, one line per rule."""
    lines = [f"Both from {_country(newer.origin_country)} to {_country(newer.destination_country)}"]
    lines.append(f"Dates meet: {_span(newer)}, and {_span(older)}")
    categories = sorted(
        {item.category.name for item in newer.items.all()}
        & {item.category.name for item in older.items.all()}
    )
    if categories:
        lines.append(f"Both hold {', '.join(categories)}")
    newer_donors, older_donors = list(newer.donors.all()), list(older.donors.all())
    shared = sorted({d.name for d in newer_donors} & {d.name for d in older_donors})
    if shared:
        lines.append(f"Donor in common: {', '.join(shared)}")
    else:
        alike = [
            f"“{one.name}” and “{other.name}”"
            for one in newer_donors
            for other in older_donors
            if alike_names(one, other)
        ]
        if alike:
            lines.append(f"Donors with names alike: {'; '.join(alike)}")
    return lines


def explain(keys):
    """`Candidate`s of pairs of keys, each with its reasons, read in a fixed number of
    queries."""
    wanted = {key for pair in keys for key in pair}
    shipments = {
        shipment.pk: shipment
        for shipment in Shipment.objects.filter(pk__in=wanted)
        .select_related("recipient")
        .prefetch_related("donors", "items__category", "sources")
    }
    return [
        Candidate(shipments[a], shipments[b], reasons(shipments[a], shipments[b]))
        for a, b in keys
        if a in shipments and b in shipments
    ]


# Marking distinct -----------------------------------------------------------


def mark_distinct(one, other, user):
    """Record that two shipments are not the same delivery; returns the pair (the one
    already recorded, if any)."""
    if one.pk == other.pk:
        raise ValidationError("A shipment cannot be distinct from itself.")
    first, second = DistinctShipments.ordered(one, other)
    pair = DistinctShipments.objects.filter(first_id=first, second_id=second).first()
    if pair is not None:
        return pair
    pair = DistinctShipments(first_id=first, second_id=second, marked_by=user)
    pair._history_user = user
    pair.save()
    return pair


# Merging ---------------------------------------------------------------------


def _reason(merged, kept):
    return f"Merged {merged.reference} into {kept.reference}"[:REASON_LENGTH]


def _saved(instance, user, reason, **kwargs):
    """Save `instance` so that its history row names `user` and `reason`."""
    instance._history_user = user
    instance._change_reason = reason
    instance.save(**kwargs)


def merge_problems(kept, merged, user, publisher, across_countries=False):
    """Why `merged` cannot be merged into `kept` by `user` (`publisher`: whether they may
    publish), in words; [] when it can."""
    problems = []
    if kept.pk == merged.pk:
        return ["A shipment cannot be merged into itself."]
    for shipment in (kept, merged):
        if shipment.merged_into_id is not None:
            problems.append(
                f"{shipment.reference} was already merged into {shipment.merged_into.reference}."
            )
    if (kept.is_published or merged.is_published) and not publisher:
        problems.append("One of them is published: only an editor (who may publish) can merge it.")
    if kept.destination_country != merged.destination_country and not across_countries:
        problems.append(
            f"They go to different countries ({kept.destination_country.code} and "
            f"{merged.destination_country.code}): confirm that they are one delivery."
        )
    if kept.pledge_id == merged.pk or merged.pledge_id == kept.pk:
        problems.append("One is a delivery of the other, which is its pledge: they are not one.")
    if merged.deliveries.exists() and kept.status != Shipment.Status.PLEDGED:
        problems.append(
            f"{merged.reference} is a pledge with deliveries: keep a pledge, so that they "
            "stay part of one."
        )
    return problems


def lines_to_move(kept, merged):
    """Whether `merged`'s supply lines move to `kept`: only when `kept` has none. Two reports
    of one delivery are never added together, so lines are moved, never combined."""
    return not kept.items.exists() and merged.items.exists()


def merge(kept, merged, user, publisher, across_countries=False):
    """Merge `merged` into `kept`, in one transaction, and return `kept`.

    Every source of `merged` moves to `kept`; its supply lines (and their
    rejections) move only if `kept` has none; deliveries of `merged` become
    deliveries of `kept`; `kept`'s notes say what was merged, and keep
    `merged`'s. `merged` stays, unpublished, with `merged_into` set, so its
    reference stays taken and leads to `kept`. Every row is saved through its
    model, so each change has its history row, naming `user` and the merge.
    Raises ValidationError with the problems, changing nothing, if it may not.
    """
    with transaction.atomic():
        # Both locked, in the order of their keys so that two merges never wait on each other.
        locked = {
            shipment.pk: shipment
            for shipment in Shipment.objects.select_for_update()
            .filter(pk__in=[kept.pk, merged.pk])
            .order_by("pk")
        }
        if len(locked) != 2 and kept.pk != merged.pk:
            raise ValidationError("One of these shipments no longer exists.")
        kept, merged = locked[kept.pk], locked[merged.pk]
        problems = merge_problems(kept, merged, user, publisher, across_countries)
        if problems:
            raise ValidationError(problems)
        reason = _reason(merged, kept)
        moving_lines = lines_to_move(kept, merged)
        if merged.rejections.exists() and not moving_lines:
            raise ValidationError(
                f"{merged.reference} records rejected or returned supplies against its own "
                f"supply lines, and {kept.reference} has lines of its own: record the "
                "rejections on the kept shipment first."
            )
        for source in merged.sources.all():
            source.shipment = kept
            _saved(source, user, reason)
        if moving_lines:
            for item in merged.items.all():
                item.shipment = kept
                _saved(item, user, reason)
            for rejection in merged.rejections.all():
                rejection.shipment = kept
                _saved(rejection, user, reason)
        for delivery in merged.deliveries.exclude(pk=kept.pk):
            delivery.pledge = kept
            delivery.updated_by = user
            _saved(delivery, user, reason)
        kept.notes = merged_notes(kept, merged)
        kept.updated_by = user
        if (
            kept.pledge_id is None
            and merged.pledge_id is not None
            and kept.status != Shipment.Status.PLEDGED
        ):
            kept.pledge_id = merged.pledge_id
        _saved(kept, user, reason)
        merged.is_published = False
        merged.merged_into = kept
        merged.updated_by = user
        _saved(merged, user, reason)
        return kept


def merged_notes(kept, merged, today=None):
    """`kept`'s notes with a paragraph saying `merged` was merged into it, and its notes."""
    today = today or timezone.localdate()
    said = f"Merged with {merged.reference} on {today.isoformat()}, a report of the same delivery"
    said += f"; its notes: {merged.notes.strip()}" if merged.notes.strip() else "."
    return "\n\n".join(part for part in (kept.notes.strip(), said) if part)


def follow_merges(shipment, limit=20):
    """The shipment `shipment` was merged into, following chains (`limit` steps at most);
    None when it was not merged."""
    seen = {shipment.pk}
    target = None
    while shipment.merged_into_id is not None and len(seen) <= limit:
        shipment = Shipment.objects.select_related(None).get(pk=shipment.merged_into_id)
        if shipment.pk in seen:
            return None
        seen.add(shipment.pk)
        target = shipment
    return target


def default_keep(one, other):
    """The shipment a merge keeps unless staff choose: the published one, else the one with
    more sources, else the one entered first."""

    def rank(shipment):
        return (not shipment.is_published, -shipment.sources.count(), shipment.pk)

    return min((one, other), key=rank)
