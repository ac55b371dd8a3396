"""What the list's filter form offers: the countries that gave or received published
shipments, each with how many, the names of the donors and recipients with the most,
as suggestions for the name boxes, and the emergencies, when there is more than one.

Counting them takes seconds at a million shipments, and they are the same for
every reader: they are read in a constant number of queries and kept in the
cache until the data changes, with the categories the form validates against.
"""

from dataclasses import dataclass

from django.utils import translation

from shipments import as_of
from shipments.filters import emergencies, supply_categories
from shipments.models import Shipment
from shipments.public.cache import cached
from shipments.public.jinja2 import country_names, selected_values

# Suggestions a name box offers: enough for every party a reader is likely to
# look for, few enough to keep the page light (the box takes any name).
NAMES_OFFERED = 300

COUNTRY_FIELDS = ("donor_country", "recipient_country")
NAME_FIELDS = ("donor_name", "recipient_name")
# Parameters the form draws only when a link gave them (the parties' pages link
# to the list by slug): readers choose donors and recipients by name.
LINK_ONLY_FIELDS = ("donor", "recipient")


@dataclass(frozen=True)
class FormChoices:
    # Published shipments per country code, by field name (`donor_country`, ...).
    country_counts: dict[str, dict[str, int]]
    # The names offered, the most shipments first, by field name (`donor_name`, ...).
    names: dict[str, list[str]]
    # (slug, name, key) of every category, for the FilterSet.
    categories: list[tuple[str, str, int]]
    # (GLIDE number, name, key) of every emergency, for the FilterSet.
    crises: list[tuple[str, str, int]]


def form_choices():
    """The FormChoices of the current data, from the cache (seven queries when it is cold).

    The list read as of a past moment offers today's choices: counting a million
    shipments of the past takes a minute. `offered()` then leaves their counts out."""
    with as_of.reading_today():
        return cached("form-choices", read_choices)


def read_choices():
    published = Shipment.objects.published()
    return FormChoices(
        country_counts={
            "donor_country": _counts(published.count_by_donor_country(), "country"),
            "recipient_country": _counts(published.count_by_recipient_country(), "country"),
        },
        names={
            "donor_name": _names(published.count_by_donor()[:NAMES_OFFERED]),
            "recipient_name": _names(published.count_by_recipient()[:NAMES_OFFERED]),
        },
        categories=supply_categories(),
        crises=emergencies(),
    )


def _names(rows):
    # Parties of the same name are one suggestion: a name selects them all.
    return list(dict.fromkeys(row["name"] for row in rows))


def _counts(rows, key):
    return {row[key]: row["shipments"] for row in rows if row[key]}


@dataclass(frozen=True)
class Offered:
    """What the filter form draws besides each field's own widget."""

    # By field name: (code, label) options of a country field, names suggested by a name field.
    options: dict
    link_only: tuple[str, ...] = LINK_ONLY_FIELDS


def offered(choices, form):
    """The Offered of the bound `form`: for a country field, (code, label) options by
    country name, labelled with their counts ("Italy (6)"), with any country the reader
    chose that has none; for a name field, the names to suggest."""
    options = {}
    names = country_names(translation.get_language())
    # Today's counts say nothing of the data as of a past moment.
    counted = as_of.reading() is None
    for name in COUNTRY_FIELDS:
        counts = choices.country_counts[name]
        codes = set(counts) | {code for code in selected_values(form[name]) if code in names}
        options[name] = sorted(
            (
                (code, f"{names[code]} ({counts.get(code, 0):,})" if counted else names[code])
                for code in codes
            ),
            key=lambda option: option[1].casefold(),
        )
    for name in NAME_FIELDS:
        options[name] = choices.names[name]
    # A deployment that tracks one emergency offers no choice of it; a link
    # may still carry one.
    if len(choices.crises) < 2:
        return Offered(options, link_only=(*LINK_ONLY_FIELDS, "crisis"))
    return Offered(options)
