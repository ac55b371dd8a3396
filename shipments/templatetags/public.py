"""Template helpers of the public pages."""

import functools
import re
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
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


SLUG = re.compile(r"[-a-zA-Z0-9_]+")
PLACEHOLDER = "url-argument"


@functools.lru_cache(maxsize=64)
def _url_around(name, script_prefix):
    """What reverse(name, args=[slug]) puts before and after the slug."""
    before, _, after = reverse(name, args=[PLACEHOLDER]).partition(PLACEHOLDER)
    return before, after


def slug_url(name, slug):
    """reverse(name, args=[slug]) for a URL whose one argument is a slug, in a fraction
    of the time (a table of fifty shipments needs some 150 addresses)."""
    if not SLUG.fullmatch(slug):
        return reverse(name, args=[slug])
    before, after = _url_around(name, get_script_prefix())
    return f"{before}{slug}{after}"


UNKNOWN = mark_safe('<span class="unknown">unknown</span>')
# One row of a table of shipments (templates/shipments/_shipment_table.html).
ROW = """
    <tr>
      <th scope="row"><a href="{}">{}</a></th>
      <td>{}</td>
      <td><a href="{}">{}</a></td>
      <td><abbr title="{}">{}</abbr></td>
      <td><span class="status status-{}">{}</span></td>
      <td>{}</td>
      <td class="num">{}</td>
      <td class="num">{}</td>
    </tr>
  """


def table_rows(shipments):
    """The rows, as HTML, of a table of shipments fetched with their recipient and
    (prefetched) donors.

    Drawn here rather than by the template language: at fifty rows a page,
    looking each value up through it took a third of the list's time.
    """
    language = get_language()
    rows = []
    for shipment in shipments:
        route = [str(shipment.origin_country), str(shipment.destination_country)]
        donors = format_html_join(
            "; ",
            '<a href="{}">{}</a>',
            ((slug_url("donor-detail", donor.slug), donor.name) for donor in shipment.donors.all()),
        )
        weight, value = figure(shipment.weight_kg, 1), figure(shipment.value_usd, 2)
        rows.append(
            format_html(
                ROW,
                slug_url("shipment-detail", shipment.reference),
                shipment.reference,
                donors,
                slug_url("recipient-detail", shipment.recipient.slug),
                shipment.recipient.name,
                " to ".join(country_name(code, language) for code in route),
                " → ".join(route),
                shipment.status,
                shipment.get_status_display(),
                shipment.shipped_on.isoformat() if shipment.shipped_on else "unknown",
                UNKNOWN if weight is None else weight,
                UNKNOWN if value is None else value,
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
