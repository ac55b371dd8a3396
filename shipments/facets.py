"""How many shipments of a selection hold each value of the list's facets: status,
category, donor country, recipient country, donor kind, verification level and emergency
(crisis).

A shipment has one status, one recipient, one verification level and one emergency, so
those counts add up to the
selection's count; it may hold several categories, donor countries and donor
kinds, and counts under each of them. The counting reads the shipments' own
columns alone (the donor and category columns of `shipments.search` spare
reading their donors and supply lines): one grouped query of a whole
selection, or none beyond the rows the list reads anyway.

Beyond the list's count limit the counts are of a bounded sample of the
selection (the rows the list read to count it): each is then a lower bound
of the true count, and says so (`FacetCounts.exact`).
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count
from django_countries import countries

from donors.models import Donor
from shipments.models import Shipment, Verification

# Counting every row of a large selection takes longer than showing a page of
# it: the list counts up to this many (see shipments.public.listing), and the
# facets are exact up to it too.
COUNT_LIMIT = 1_000

# The columns of a shipment the counts read, in the order `_count` takes them.
SHIPMENT_FIELDS = (
    "status",
    "recipient__country",
    "donor_countries",
    "donor_kinds",
    "category_keys",
    "emergency",
    "verification",
)

# The facets, in the order the list and the JSON give them; each is a filter
# of the list (shipments.filters.ShipmentFilter) of the same name.
FACETS = (
    "status",
    "category",
    "donor_country",
    "recipient_country",
    "donor_kind",
    "verification",
    "crisis",
)


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class FacetCounts:
    """{facet: {value: shipments}}, and whether every count is exact (else a lower bound).

    `category_names` names the categories counted, by slug; `crisis_names` the
    emergencies, by GLIDE number.
    """

    counts: dict[str, dict[str, int]]
    exact: bool
    category_names: dict[str, str]
    crisis_names: dict[str, str]

    def values(self):
        """{facet: [FacetValue]}, the most shipments first, then by label.

        Labels are those of the data dictionary: statuses and donor kinds as
        the models name them, countries by name, categories by their names.
        """
        labels = {
            "status": dict(Shipment.Status.choices),
            "category": self.category_names,
            "donor_country": dict(countries),
            "recipient_country": dict(countries),
            "donor_kind": dict(Donor.Kind.choices),
            "verification": dict(Verification.choices),
            "crisis": self.crisis_names,
        }
        facets = {}
        for name in FACETS:
            found = [
                FacetValue(value, str(labels[name].get(value, value)), count)
                for value, count in self.counts[name].items()
            ]
            facets[name] = sorted(found, key=lambda one: (-one.count, one.label))
        return facets


def _count(rows, categories, crises, exact):
    """FacetCounts of rows of `SHIPMENT_FIELDS` then a number of shipments, categories named
    from `categories` ((slug, name, key) rows) and emergencies from `crises` ((GLIDE
    number, name, key) rows)."""
    counts = {name: Counter() for name in FACETS}
    for (
        status,
        recipient_country,
        donor_countries,
        donor_kinds,
        category_keys,
        emergency,
        verification,
        shipments,
    ) in rows:
        counts["status"][status] += shipments
        # Empty only for a shipment without a source, which is never published.
        if verification:
            counts["verification"][verification] += shipments
        counts["recipient_country"][recipient_country] += shipments
        counts["crisis"][emergency] += shipments
        # Each code once per shipment: see shipments.search.codes.
        for code in donor_countries.split():
            counts["donor_country"][code] += shipments
        for kind in donor_kinds.split():
            counts["donor_kind"][kind] += shipments
        for key in category_keys.split():
            counts["category"][key] += shipments
    category_names = _named(
        counts, "category", {str(key): (slug, name) for slug, name, key in categories}
    )
    crisis_names = _named(counts, "crisis", {key: (glide, name) for glide, name, key in crises})
    return FacetCounts(
        {name: dict(counter) for name, counter in counts.items()},
        exact,
        category_names,
        crisis_names,
    )


def _named(counts, facet, values):
    """Replace the keys counted under `facet` by the values they stand for, `values` giving
    (value, name) by key; return the names of those values."""
    names, by_value = {}, Counter()
    for key, shipments in counts[facet].items():
        value, names[value] = values[key]
        by_value[value] += shipments
    counts[facet] = by_value
    return names


def of_selection(shipments, categories, crises):
    """Exact FacetCounts of a whole selection of published shipments, in one grouped query
    (for selections whose figures are kept in the cache: at a million shipments, seconds).

    `categories` are the (slug, name, key) rows of every supply category, as
    `ShipmentFilter.categories()` reads them; `crises` the (GLIDE number, name,
    key) rows of every emergency, as `ShipmentFilter.crises()` does.
    """
    rows = shipments.order_by().values_list(*SHIPMENT_FIELDS).annotate(Count("pk"))
    return _count(rows, categories, crises, exact=True)


def of_head(head, categories, crises, exact):
    """FacetCounts of rows of a shipment's key then `SHIPMENT_FIELDS`, read from a selection
    (all of it when `exact`, else a sample of it), without a query."""
    return _count([(*row[1:], 1) for row in head], categories, crises, exact)


def read_head(shipments, limit=None):
    """Up to `limit` + 1 rows of a selection, in no order: each a key then `SHIPMENT_FIELDS`."""
    limit = COUNT_LIMIT if limit is None else limit
    return list(shipments.order_by().values_list("pk", *SHIPMENT_FIELDS)[: limit + 1])


def of_sample(shipments, categories, crises, limit=None):
    """FacetCounts of a selection, exact up to `limit` shipments (COUNT_LIMIT by default),
    beyond it lower bounds from `limit` + 1 of them; one query."""
    limit = COUNT_LIMIT if limit is None else limit
    head = read_head(shipments, limit)
    return of_head(head, categories, crises, exact=len(head) <= limit)
