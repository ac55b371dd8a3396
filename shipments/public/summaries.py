"""Totals and country profiles of published shipments, arranged for the public pages.

The counting happens in SQL, in the QuerySet methods of `shipments.models`;
this module only arranges the aggregated rows, whose number depends on the
statuses, units, categories and countries, never on the number of shipments.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import QueryDict
from django.urls import reverse
from django_countries import countries

from shipments import as_of, facets
from shipments.filters import ShipmentFilter
from shipments.models import (
    SENT_STATUSES,
    DataVersion,
    Emergency,
    Shipment,
    ShipmentItem,
    Unit,
    words_of_lines,
)
from shipments.public.cache import cached
from shipments.public.charts import bar_chart, quantity_chart, timeline_chart, timeline_period

STATUS_ORDER = list(Shipment.Status)
STATUS_LABELS = dict(Shipment.Status.choices)
UNIT_LABELS = dict(Unit.choices)


def status_rank(status):
    """Lifecycle order: pledged, dispatched, delivered, cancelled."""
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else len(STATUS_ORDER)


def country_name(code):
    return countries.name(code) or code


@dataclass(frozen=True)
class StatusTotal:
    """Shipments of one status, with their weight and value and how many lack either."""

    status: str
    shipments: int
    weight_kg: Decimal | None
    weighed: int
    value_usd: Decimal | None
    valued: int
    # (origin, destination) pairs: weights and values are added along one only.
    routes: int = 1

    @property
    def adds_up(self):
        """Whether the weight and value may be shown as sums: one route only."""
        return self.routes <= 1

    @property
    def label(self):
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def unweighed(self):
        return self.shipments - self.weighed

    @property
    def unvalued(self):
        return self.shipments - self.valued


@dataclass(frozen=True)
class CategoryTotal:
    """The quantity of one category in one unit at one status, never adding unknowns as zero."""

    slug: str
    name: str
    unit: str
    status: str
    quantity: int | None
    lines: int
    unknown_lines: int
    shipments: int
    url: str = ""
    # What the lines' kinds allow (see ShipmentQuerySet.totals_by_category).
    quantity_min: int | None = None
    quantity_max: int | None = None
    lines_estimated: int = 0
    lines_approximate: int = 0
    lines_bounded: int = 0
    # Supplies rejected or returned (see ShipmentQuerySet.rejections_by_category).
    quantity_rejected: int | None = None
    rejections: int = 0
    rejections_without_figure: int = 0
    # The report's words of the lines not exact, when they can all be told (see
    # shipments.models.words_of_lines); None when only their number can.
    words: tuple[str, ...] | None = ()

    @property
    def unit_label(self):
        return UNIT_LABELS.get(self.unit, self.unit)

    @property
    def status_label(self):
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def reading(self):
        """(qualifier, figure, upper figure) as the total may honestly be stated.

        ("", 40000, None): every line exact. ("about", 20, None): some lines
        are approximate, with no bounds to say more. ("", 140, 240): every
        line bounded both ways, "140 to 240". ("at least", 4000000, None): a
        lower bound ("over 2 million", "dozens", or lines with no number).
        (None, None, None): nothing is known.
        """
        if not self.lines_estimated and not self.unknown_lines:
            return ("", self.quantity, None)
        # "About" only when every line not exact is approximate: an
        # approximate figure added to a bound would pass for an estimate.
        if self.lines_estimated == self.lines_approximate and not self.unknown_lines:
            return ("about", self.quantity, None)
        # Otherwise only the bounds speak (an approximate line has none).
        least, most = self.quantity_min, self.quantity_max
        if most is not None:
            if least and least == most:
                return ("", least, None)
            if least:
                return ("", least, most)
            return ("at most", most, None)
        if least:
            return ("at least", least, None)
        return (None, None, None)

    @property
    def may_be_rejected(self):
        """Whether supplies of this status can have been rejected: they were sent."""
        return self.status in SENT_STATUSES

    @property
    def less_rejected(self):
        """The total less what was rejected or returned, read as `reading` is; None without
        rejections.

        Known rejected figures come off every bound. A rejection with no
        figure leaves only an upper bound, when the total has one.
        """
        if not self.rejections:
            return None
        qualifier, figure, upper = self.reading
        if figure is None:
            return (None, None, None)
        rejected = self.quantity_rejected or 0

        def less(value):
            return max(value - rejected, 0)

        if not self.rejections_without_figure:
            return (qualifier, less(figure), None if upper is None else less(upper))
        if qualifier == "at least":
            return (None, None, None)
        most = figure if upper is None else upper
        return ("at most about" if qualifier == "about" else "at most", less(most), None)

    @property
    def inexact_lines(self):
        """Which lines keep the total from being exact, in words; "" when none do.

        The report's own words when one or two lines do: '“dozens”' for a
        total of that line alone, 'one line “over 2 million”', '2 lines:
        “dozens”, “over 2 million”'; otherwise how many: '3 of 40 lines not
        exact: 1 estimated or bounded, 2 with no figure'.
        """
        words = self.words
        if words:
            if len(words) == 1:
                return f"“{words[0]}”" if self.lines == 1 else f"one line “{words[0]}”"
            if words[0] == words[1]:
                return f"2 lines, both “{words[0]}”"
            return f"2 lines: “{words[0]}”, “{words[1]}”"
        # A single line without words: the total, its reading, says all there is.
        if not self.lines_estimated or self.lines == 1:
            return ""
        of_lines = f"{self.lines_estimated:,} of {self.lines:,} lines"
        unfigured = self.unknown_lines
        figured = self.lines_estimated - unfigured
        if not unfigured:
            return f"{of_lines} estimated or bounded"
        if not figured:
            return f"{of_lines} with no figure"
        return (
            f"{of_lines} not exact: {figured:,} estimated or bounded, {unfigured:,} with no figure"
        )


def totals_by_status(shipments):
    """StatusTotal rows for a selection of shipments, in lifecycle order."""
    rows = [
        StatusTotal(
            status=row["status"],
            shipments=row["shipments"],
            weight_kg=row["total_weight_kg"],
            weighed=row["weighed"],
            value_usd=row["total_value_usd"],
            valued=row["valued"],
            routes=row["routes"],
        )
        for row in shipments.totals_by_status()
    ]
    return sorted(rows, key=lambda row: status_rank(row.status))


def totals_by_category(rows, link=None):
    """CategoryTotal rows from the rows of a `totals_by_category()` query, in category, unit,
    then lifecycle order.

    With `link` (list parameters selecting the items' shipments), each row
    links to the shipments of that category and status in the list.
    """
    rows = [
        (
            row["category__sort_order"],
            CategoryTotal(
                slug=row["category__slug"],
                name=row["category__name"],
                unit=row["unit"],
                status=row["shipment__status"],
                quantity=row["total_quantity"],
                lines=row["lines"],
                unknown_lines=row["unknown_lines"],
                shipments=row["shipments"],
                quantity_min=row["quantity_min"],
                quantity_max=None if row["unbounded_lines"] else row["quantity_max"],
                lines_estimated=row["lines_estimated"],
                lines_approximate=row["lines_approximate"],
                lines_bounded=row["lines_bounded"],
                quantity_rejected=row.get("quantity_rejected"),
                rejections=row.get("rejections", 0),
                rejections_without_figure=row.get("rejections_without_figure", 0),
                words=words_of_lines(row),
                url=list_url(**link, category=row["category__slug"], status=row["shipment__status"])
                if link is not None
                else "",
            ),
        )
        for row in rows
    ]
    rows.sort(key=lambda pair: (pair[0], pair[1].slug, pair[1].unit, status_rank(pair[1].status)))
    return [total for _, total in rows]


@dataclass(frozen=True)
class SelectionTotals:
    """What a selection of shipments adds up to.

    `categories` names the categories the item totals were limited to (the
    list's `category` filter), or is empty when every item counts.
    """

    by_status: list[StatusTotal]
    by_category: list[CategoryTotal]
    categories: tuple[str, ...] = ()

    @property
    def shipments(self):
        return sum(row.shipments for row in self.by_status)


def selection_totals(shipments, categories=()):
    """Totals of a selection of published shipments.

    With `categories`, the item totals count only the lines of those
    categories, as `/items.csv` does for the same filter; shipment counts,
    weights and values stay whole.
    """
    return SelectionTotals(
        by_status=totals_by_status(shipments),
        by_category=totals_by_category(shipments.category_totals(categories)),
        categories=tuple(categories),
    )


# Selections whose totals are kept in the cache whatever their size: the whole
# list, and one value of one of these filters (the country pages and the home
# page link to such lists). There are a few hundred of them at most, so no
# reader can fill the cache with variants.
CACHED_SELECTION_FILTERS = (
    "recipient_country",
    "donor_country",
    "status",
    "category",
    "donor_kind",
    "verification",
)


def cached_list_summary(filterset):
    """(totals, facet counts) of a valid list selection when they are of those kept in the
    cache, else None; one query on a hit."""
    if as_of.reading() is not None:
        # Adding up the whole past takes a minute at a million shipments: a selection of
        # the past is added up only within the count limit, as uncached ones of today.
        return None
    used = filterset.filters_in_use()
    if not used:
        key = "totals"
    elif len(used) == 1 and next(iter(used)) in CACHED_SELECTION_FILTERS:
        [(name, values)] = used.items()
        if len(values) != 1:
            return None
        key = f"totals:{name}={values[0]}"
    else:
        return None
    categories = filterset.category_slugs()
    version = DataVersion.current()
    totals = cached(key, lambda: selection_totals(filterset.qs, categories), version)
    # Counted through the whole selection, so exact however large it is.
    counts = cached(
        f"facets:{key}",
        lambda: facets.of_selection(filterset.qs, filterset.categories(), filterset.crises()),
        version,
    )
    return totals, counts


def _query(params):
    query = QueryDict(mutable=True)
    query.update(params)
    return query


def filtered_shipments(**params):
    """Published shipments selected exactly as `/shipments/?<params>` selects them.

    Pages that link into the list count through the same FilterSet, so a
    figure and the list it links to always agree.
    """
    filterset = ShipmentFilter(_query(params))
    if not filterset.is_valid():
        raise ValueError(f"Invalid filters {params}: {filterset.errors.as_text()}")
    return filterset.qs


def list_url(**params):
    """The address of the shipment list filtered by `params`."""
    return f"{reverse('shipment-list')}?{_query(params).urlencode()}"


@dataclass(frozen=True)
class Partner:
    """A country at the other end of some shipments, with a link to them in the list."""

    code: str
    shipments: int
    url: str

    @property
    def name(self):
        return country_name(self.code)


def partners(rows, partner_param, **link):
    """Partner countries from (`country`, `shipments`) rows, the most shipments first.

    Each links to the list filtered by `link` and by the partner as `partner_param`.
    """
    found = [
        Partner(
            code=row["country"],
            shipments=row["shipments"],
            url=list_url(**link, **{partner_param: row["country"]}),
        )
        for row in rows
    ]
    return sorted(found, key=lambda partner: (-partner.shipments, partner.name))


@dataclass
class CountrySummary:
    """One row of the country index: what a country gave and received."""

    code: str
    given: int = 0
    received: int = 0
    main_given: list[str] = field(default_factory=list)
    main_received: list[str] = field(default_factory=list)

    @property
    def name(self):
        return country_name(self.code)

    @property
    def total(self):
        return self.given + self.received


# The index's sort keys; numbers sort largest first, ties by name.
COUNTRY_SORTS = {
    "name": lambda c: (c.name,),
    "given": lambda c: (-c.given, c.name),
    "received": lambda c: (-c.received, c.name),
    "total": lambda c: (-c.total, c.name),
}
DEFAULT_COUNTRY_SORT = "name"
MAIN_CATEGORIES = 3


def main_categories(rows, top=MAIN_CATEGORIES):
    """{country: [category names]} for the categories in most shipments, at most `top` each."""
    by_country = defaultdict(list)
    for row in rows:
        by_country[row["country"]].append(row)
    return {
        country: [
            row["category__name"]
            for row in sorted(
                country_rows, key=lambda r: (-r["shipments"], r["category__sort_order"])
            )[:top]
        ]
        for country, country_rows in by_country.items()
    }


def country_index(sort=DEFAULT_COUNTRY_SORT):
    """Every country that gave or received a published shipment, as CountrySummary rows."""
    shipments = Shipment.objects.published()
    items = ShipmentItem.objects.published()
    by_code = {}

    def summary(code):
        return by_code.setdefault(code, CountrySummary(code))

    for row in shipments.count_by_donor_country():
        summary(row["country"]).given = row["shipments"]
    for row in shipments.count_by_recipient_country():
        summary(row["country"]).received = row["shipments"]
    given = items.count_shipments_by_country_and_category("shipment__donors__country")
    for code, names in main_categories(given).items():
        summary(code).main_given = names
    received = items.count_shipments_by_country_and_category("shipment__recipient__country")
    for code, names in main_categories(received).items():
        summary(code).main_received = names
    return sorted(by_code.values(), key=COUNTRY_SORTS[sort])


LATEST_ON_COUNTRY_PAGE = 20


@dataclass(frozen=True)
class DirectionProfile:
    """One direction of a country's aid: what it received, or what it gave.

    `latest` holds at most LATEST_ON_COUNTRY_PAGE shipments; `url` lists them
    all, and each partner's `url` those exchanged with that partner.
    """

    count: int
    latest: list[Shipment]
    partners: list[Partner]
    by_category: list[CategoryTotal]
    url: str


def direction_profile(link, partner_param):
    """What the shipments `/shipments/?<link>` lists add up to, by partner country and category.

    `partner_param` names the partner's side, e.g. `donor_country` for what
    a country received.
    """
    shipments = filtered_shipments(**link)
    partner_rows = (
        shipments.count_by_donor_country()
        if partner_param == "donor_country"
        else shipments.count_by_recipient_country()
    )
    return DirectionProfile(
        count=shipments.count(),
        latest=list(shipments.latest_first().for_tables()[:LATEST_ON_COUNTRY_PAGE]),
        partners=partners(partner_rows, partner_param, **link),
        by_category=totals_by_category(shipments.category_totals(), link=link),
        url=list_url(**link),
    )


def country_profile(code):
    """What a country received (from which donor countries, of which supplies) and gave,
    and the charts of both."""
    received = direction_profile({"recipient_country": code}, partner_param="donor_country")
    given = direction_profile({"donor_country": code}, partner_param="recipient_country")
    profiles = {"received": received, "given": given}
    return {**profiles, "charts": country_charts(code, profiles)}


TOP_PARTIES = 10


@dataclass(frozen=True)
class ChartedDirection:
    """How a country page charts one direction of its aid: `key` names its profile and its
    charts, `verb` says it ("received"), `link` the list parameter selecting its shipments by
    the country, and `party` the side at the other end ("donor"), counted by `count_parties`
    (a ShipmentQuerySet method) and linked to `party_page`."""

    key: str
    verb: str
    link: str
    party: str
    count_parties: str
    party_page: str
    partner_heading: str
    party_note: str = ""


CHARTED_DIRECTIONS = [
    ChartedDirection(
        "received",
        "received",
        "recipient_country",
        "donor",
        "count_by_donor",
        "donor-detail",
        "Donor country",
        party_note=" A joint shipment counts for each of its donors.",
    ),
    ChartedDirection(
        "given",
        "gave",
        "donor_country",
        "recipient",
        "count_by_recipient",
        "recipient-detail",
        "Recipient country",
    ),
]


def country_charts(code, profiles):
    """The charts of a country's page, by direction ("received", "given"): the quantities by
    category and status, the top parties at the other end and the top partner countries.
    Quantities and partner countries are those of the `profiles` (DirectionProfile by
    direction); the parties are counted here."""
    name = country_name(code)
    charts = {}
    for direction in CHARTED_DIRECTIONS:
        profile = profiles[direction.key]
        shipments = filtered_shipments(**{direction.link: code})
        parties = getattr(shipments, direction.count_parties)()[:TOP_PARTIES]
        what = f"Published shipments of any status {name} {direction.verb}"
        charts[direction.key] = [
            quantity_chart(
                f"{direction.key}-quantities",
                f"Supplies {name} {direction.verb}, by category and status",
                profile.by_category,
            ),
            bar_chart(
                f"{direction.key}-{direction.party}s",
                f"Top {direction.party}s",
                [
                    (
                        row["name"],
                        row["shipments"],
                        reverse(direction.party_page, args=[row["slug"]]),
                    )
                    for row in parties
                ],
                direction.party.capitalize(),
                intro=f"{what}, by {direction.party}; the {TOP_PARTIES} with the most."
                f"{direction.party_note}",
            ),
            bar_chart(
                f"{direction.key}-countries",
                f"Top {direction.partner_heading.lower().replace('country', 'countries')}",
                [(p.name, p.shipments, p.url) for p in profile.partners[:TOP_COUNTRIES]],
                direction.partner_heading,
                intro=f"{what}, by {direction.partner_heading.lower()}; the {TOP_COUNTRIES} "
                "countries with the most.",
            ),
        ]
    return charts


TOP_COUNTRIES = 10
LATEST_ON_HOME = 10

# The headline reads what arrived first, then what is on its way, then what was promised.
HEADLINE_STATUSES = [
    Shipment.Status.DELIVERED,
    Shipment.Status.DISPATCHED,
    Shipment.Status.PLEDGED,
]


@dataclass(frozen=True)
class Headline:
    """The home page's headline: quantities by category and status.

    `figures` are the totals with a figure, delivered first; `unfigured` those
    whose lines give none ("medicines delivered", with no number); `leading`
    the totals of the category and unit in the most shipments, one per status,
    for the takeaway sentence.
    """

    figures: list[CategoryTotal]
    unfigured: list[CategoryTotal]
    leading: list[CategoryTotal]


def headline(by_category):
    """The Headline of CategoryTotal rows (cancelled ones are never among them)."""
    rows = sorted(
        (row for row in by_category if row.status in HEADLINE_STATUSES),
        key=lambda row: HEADLINE_STATUSES.index(row.status),
    )
    figures = [row for row in rows if row.reading[1] is not None]
    shipments = defaultdict(int)
    # In the totals' order (category, then unit), so that max() breaks ties by it.
    for row in by_category:
        if row in figures:
            shipments[row.slug, row.unit] += row.shipments
    leading = []
    if shipments:
        top = max(shipments, key=lambda key: shipments[key])
        leading = [row for row in figures if (row.slug, row.unit) == top]
    return Headline(
        figures=figures,
        unfigured=[row for row in rows if row.reading[1] is None],
        leading=leading,
    )


def timeline(shipments):
    """The timeline chart of shipments by best-known date, in periods chosen by their span."""
    span = shipments.best_date_span()
    period = timeline_period(span["first"], span["last"])
    rows = shipments.count_by_best_date(period)
    return timeline_chart(
        "timeline",
        f"Timeline: shipments per {period}, by best-known date",
        [(row["start"], row["shipments"]) for row in rows],
        period,
        undated=span["undated"],
    )


def overview():
    """The home page's figures: totals, categories, top countries, latest shipments, charts.

    Shipment counts in the charts include every status, as the list they
    link to does; quantities leave cancelled shipments out and keep
    statuses apart.
    """
    shipments = Shipment.objects.published()
    # The same figures as the whole list's, kept once in the cache.
    totals = cached("totals", lambda: selection_totals(shipments))
    by_status = totals.by_status
    total = totals.shipments
    donor_countries = partners(shipments.count_by_donor_country(), "donor_country")
    recipient_countries = partners(shipments.count_by_recipient_country(), "recipient_country")
    charts = [
        timeline(shipments),
        bar_chart(
            "donor-countries",
            "Top donor countries",
            [(c.name, c.shipments, c.url) for c in donor_countries[:TOP_COUNTRIES]],
            "Donor country",
            intro=f"Published shipments of any status given by each country's donors; the "
            f"{TOP_COUNTRIES} countries with the most.",
        ),
        bar_chart(
            "recipient-countries",
            "Top recipient countries",
            [(c.name, c.shipments, c.url) for c in recipient_countries[:TOP_COUNTRIES]],
            "Recipient country",
            intro=f"Published shipments of any status received in each country; the "
            f"{TOP_COUNTRIES} countries with the most.",
        ),
    ]
    return {
        "shipments": total,
        "by_status": by_status,
        "by_category": totals.by_category,
        "headline": headline(totals.by_category),
        "donor_countries": donor_countries[:TOP_COUNTRIES],
        "recipient_countries": recipient_countries[:TOP_COUNTRIES],
        "latest": shipments.latest_first().for_tables()[:LATEST_ON_HOME],
        "quantities": quantity_chart(
            "quantities", "Supplies by category and status", totals.by_category
        ),
        "charts": charts,
        **crises(),
    }


def crises():
    """{"crises": names of the emergencies of published shipments, the earliest first,
    "crises_named": those names in words ("COVID-19 and Mpox")}.

    The site names the emergency it tracks only from the data: "for
    COVID-19" where that is the only one, each of them where there are
    several, none before anything is published.
    """
    emergencies = Emergency.objects.with_published_shipments().in_order()
    names = list(emergencies.values_list("name", flat=True))
    named = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    return {"crises": names, "crises_named": named}
