"""Public figures kept in the cache until the data behind them changes.

Adding up a million shipments takes seconds, and the home page, the country
pages and the totals of the whole list show the same figures to every
reader; drawing the pages' tables and charts takes tens of milliseconds more,
so those pages are kept whole. Each cached value is keyed by the data version (`DataVersion`),
which every write path raises, so a change shows on the next request on
every app server; values of older versions are never read again and expire.
The cache is Redis when REDIS_URL is set (shared by every app server),
else each process's memory.
"""

from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string

from shipments.models import DataVersion

# Long: a value is replaced as soon as the data changes, not when this runs out.
TIMEOUT = 24 * 60 * 60


def cached(name, compute):
    """`compute()`, or the value it returned earlier for the current data version.

    `name` must say everything the value depends on besides the data, e.g.
    `country:IT`. One query for the version; none more on a hit.
    """
    key = f"public:{DataVersion.current()}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def cached_page(request, name, template, context):
    """A public page rendered once per data version, from `context()`; a response.

    Only for pages that are the same for every reader: the HTML is shared.
    `name` must say everything the page depends on besides the data, and
    never take raw input, so that nobody can fill the cache with variants.
    """
    html = cached(f"page:{name}", lambda: render_to_string(template, context(), request))
    return HttpResponse(html)
