"""Template helpers of the public pages."""

import functools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django_countries import countries
from django_countries.fields import Country

register = template.Library()


@register.simple_tag
def country_link(country):
    """A link to a country's page, named in full; "unknown" for a blank country."""
    if not country:
        return "unknown"
    if not isinstance(country, Country):
        country = Country(code=country)
    return format_html(
        '<a href="{}">{}</a>', reverse("country-detail", args=[country.code]), country.name
    )


def figure(value, places):
    """A number as the tables print it: thousands grouped, and `places` decimals unless it
    is whole (as Django's floatformat with "-<places>g"); None stays None (unknown)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return f"{value:,.0f}"
    return f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):,}"


@functools.lru_cache(maxsize=1024)
def country_name(code, language):
    """A country's name in a language; looking one up takes a tenth of a millisecond."""
    return countries.name(code)


@dataclass(frozen=True)
class TableRow:
    """One shipment as a table of shipments shows it, every value ready to print."""

    url: str
    reference: str
    donors: list  # (url, name) pairs, in name order
    recipient_url: str
    recipient: str
    route: str
    route_title: str
    status: str
    status_label: str
    shipped: str
    weight: str | None
    value: str | None


def table_rows(shipments):
    """TableRows of shipments fetched with their recipient and (prefetched) donors.

    Worked out here rather than in the template: at fifty rows a page, looking
    each value up through the template language took a third of the list's time.
    """
    language = get_language()
    rows = []
    for shipment in shipments:
        route = [str(shipment.origin_country), str(shipment.destination_country)]
        rows.append(
            TableRow(
                url=shipment.get_absolute_url(),
                reference=shipment.reference,
                donors=[(donor.get_absolute_url(), donor.name) for donor in shipment.donors.all()],
                recipient_url=shipment.recipient.get_absolute_url(),
                recipient=shipment.recipient.name,
                route=" → ".join(route),
                route_title=" to ".join(country_name(code, language) for code in route),
                status=shipment.status,
                status_label=shipment.get_status_display(),
                shipped=shipment.shipped_on.isoformat() if shipment.shipped_on else "unknown",
                weight=figure(shipment.weight_kg, 1),
                value=figure(shipment.value_usd, 2),
            )
        )
    return rows


@register.inclusion_tag("shipments/_shipment_table.html", takes_context=True)
def shipment_table(context, shipments, caption="", empty_message=""):
    """A table of shipments, with the list's sortable headings when the page has them."""
    return {
        "rows": table_rows(shipments),
        "caption": caption,
        "empty_message": empty_message,
        "headings": context.get("headings"),
    }
