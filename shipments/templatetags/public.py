"""Template helpers of the public pages."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
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
