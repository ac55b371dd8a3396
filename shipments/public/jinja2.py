"""The Jinja2 environment every page a reader sees is drawn with (settings.TEMPLATES).

Templates reach Django through these globals and filters: `url()` and
`static()` for addresses, Django's own filters for numbers, dates and plurals,
and a few for countries and the filter form. A page that needs the request's
CSP nonce reads `request.csp_nonce`.

Text is marked for translation with Jinja2's i18n extension, `{% trans %}` and
`_()`, which call Django's gettext in the request's language (README, "Languages").
"""

import functools
import re
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import date, floatformat, linebreaksbr, pluralize, urlencode
from django.template.defaulttags import querystring as django_querystring
from django.templatetags.static import static
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.formats import get_format
from django_countries import countries
from jinja2 import Environment
from markupsafe import Markup

from shipments.models import VERIFICATION_BADGES
from shipments.public import citation, supply_lines
from shipments.public.shipment_page import gives_amount
from shipments.public.supply_lines import in_sentence, same_words


def environment(**options):
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    # A `{% trans %}` block's text is looked up with its runs of white space made one space,
    # as `manage.py catalogues` extracts it: templates may wrap it as they like.
    env.policies["ext.i18n.trimmed"] = True
    # New-style: `_("%(count)s shipments", count=n)` formats and escapes like the rest.
    env.install_gettext_callables(
        translation.gettext,
        translation.ngettext,
        newstyle=True,
        pgettext=translation.pgettext,
        npgettext=translation.npgettext,
    )
    env.globals.update(
        url=url,
        static=static,
        querystring=querystring,
        country_link=country_link,
        cite=citation.cite_today,
        line_quantity=supply_lines.line_quantity,
        line_supply=supply_lines.line_supply,
        line_what=supply_lines.line_what,
        supplies=supply_lines.supplies,
        verification_badge=verification_badge,
        languages=languages,
        current_language=translation.get_language,
    )
    env.filters.update(
        country_name=country_name,
        date=date,
        figure=figure,
        floatformat=floatformat,
        in_sentence=in_sentence,
        intcomma=intcomma,
        linebreaksbr=linebreaksbr,
        pluralize=pluralize,
        selected_values=selected_values,
        same_words=same_words,
        urlencode=urlencode,
        widget_attrs=widget_attrs,
    )
    env.tests.update(amount_given=gives_amount)
    return env


# An argument that every path converter the public URLs use takes as it is, and that
# reverse() writes as it is: references, slugs and country codes.
PLAIN_ARGUMENT = re.compile(r"[-a-zA-Z0-9_]+")
SLOT = "0plain0slot0"


@functools.lru_cache(maxsize=256)
def _address_pattern(prefix, urlconf, language, name, arity):
    """The address of `name` with `arity` slots to fill, or None when its converters do not
    take plain arguments (the prefix, urlconf and language, though unused, key the cache)."""
    try:
        address = reverse(name, args=[SLOT] * arity)
    except NoReverseMatch:
        return None
    return address.split(SLOT) if address.count(SLOT) == arity else None


def url(name, *args):
    """The address of a named URL, e.g. `url("country-detail", "IT")`.

    A table of shipments links every row's shipment, donors, recipient and
    countries: reversing each took a fifth of a millisecond, so an address of
    plain arguments is filled into its reversed pattern instead.
    """
    if args and all(PLAIN_ARGUMENT.fullmatch(str(arg)) for arg in args):
        parts = _address_pattern(
            get_script_prefix(), get_urlconf(), translation.get_language(), name, len(args)
        )
        if parts is not None:
            filled = [parts[0]]
            for arg, part in zip(args, parts[1:], strict=True):
                filled += [str(arg), part]
            return "".join(filled)
    return reverse(name, args=args)


def languages(request):
    """The page in each language, for the language switcher: (code, name, address, current)
    for each of settings.LANGUAGES. The address keeps the page's query; a page that no
    address names (a 404) offers each language's home page."""
    match = request.resolver_match if request else None
    query = request.META.get("QUERY_STRING", "") if match else ""
    current = translation.get_language()
    links = []
    for code, name in settings.LANGUAGES:
        with translation.override(code):
            if match and match.url_name:
                address = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
            else:
                address = reverse("home")
        links.append((code, name, f"{address}?{query}" if query else address, code == current))
    return links


def querystring(params, **changes):
    """`params` with `changes` as a query string starting with "?", as Django's tag writes it."""
    return django_querystring(None, params, **changes)


@functools.lru_cache(maxsize=16)
def country_names(language):
    """Every country's name in `language`, by code: looking one up in django-countries
    takes a tenth of a millisecond, and a table of shipments names a hundred."""
    with translation.override(language):
        return {code: str(name) for code, name in countries}


def country_name(country):
    """A country's name in the current language, from its code or Country; "" if unknown."""
    return country_names(translation.get_language()).get(str(country), "")


def country_link(country):
    """A link to a country's page, named in full; "unknown" for a blank country."""
    code = str(country or "")
    if not code:
        return "unknown"
    return Markup('<a href="{}">{}</a>').format(url("country-detail", code), country_name(code))


def figure(value, places):
    """A number as the tables print it: thousands grouped, and `places` decimals unless it
    is whole (as Django's floatformat with "-<places>g", in a fraction of the time), with
    the separators of the page's language; None stays None (unknown)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        text = f"{value:,.0f}"
    else:
        text = f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):,}"
    separators = _separators(translation.get_language())
    return text.translate(separators) if separators else text


@functools.lru_cache(maxsize=16)
def _separators(language):
    """What turns Python's "1,234.5" into the language's way (Italian "1.234,5"), as a
    str.translate table; None where it is Python's own."""
    thousands = get_format("THOUSAND_SEPARATOR", lang=language)
    decimal = get_format("DECIMAL_SEPARATOR", lang=language)
    if (thousands, decimal) == (",", "."):
        return None
    return str.maketrans({",": thousands, ".": decimal})


def verification_badge(level):
    """A shipment's verification level as a badge: its name in words (never its colour
    alone), linked to its definition on /about/data/; nothing for no level."""
    if not level:
        return ""
    return _badge(translation.get_language(), level)


@functools.lru_cache(maxsize=64)
def _badge(language, level):
    # A table shows a badge on every row: each language's four are drawn once.
    return Markup(
        '<a class="verification verification-{level}" href="{about}#verification-{level}">'
        '<span class="visually-hidden">{verification} </span>{name}</a>'
    ).format(
        level=level,
        about=url("about-data"),
        verification=translation.gettext("Verification:"),
        name=VERIFICATION_BADGES[level],
    )


# The filter form draws its lists of choices in templates (public/shipments/_fields.html).


def widget_attrs(field):
    """The attributes Django would give a bound field's widget, in its order: the widget's
    own, then ARIA ones for errors and help text, then the id."""
    attrs = field.build_widget_attrs(field.field.widget.attrs)
    if field.auto_id:
        attrs.setdefault("id", field.auto_id)
    return attrs


def selected_values(field):
    """The values a bound field's widget shows as selected (see filters.SplitValuesMixin)."""
    return set(field.field.widget.format_value(field.value()))
