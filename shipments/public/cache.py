"""Public figures kept in the cache until the data behind them changes.

Adding up a million shipments takes seconds, and the home page, the country
pages and the totals of the whole list show the same figures to every
reader; drawing the pages' tables and charts takes tens of milliseconds more,
so those pages are kept whole. Each cached value is keyed by the data version (`DataVersion`),
a random token that every write path replaces, so a change shows on the next
request on every app server; values of older versions are never read again
and expire, and no version ever comes back (not even after a restore).
The cache is Redis when REDIS_URL is set (shared by every app server),
else each process's memory.
"""

import time

from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from shipments import as_of
from shipments.models import DataVersion

# Long: a value is replaced as soon as the data changes, not when this runs out.
TIMEOUT = 24 * 60 * 60
# Longer than adding up any page's figures takes; a request that died while
# adding them up holds up the others no longer than this.
COMPUTE_TIMEOUT = 120
WAIT = 0.1


def cached(name, compute, version=None):
    """`compute()`, or the value it returned earlier for the current data version.

    `name` must say everything the value depends on besides the data, e.g.
    `country:IT`. One query for the version, unless the caller read it
    (`version`, for several values of one request); none more on a hit.
    After a change, the first request adds the figures up again (seconds, at
    a million shipments) and the others asking for them meanwhile wait for
    its result rather than add them up alongside it.
    """
    if version is None:
        version = DataVersion.current()
    key = f"public:{version}:{name}"
    moment = as_of.reading()
    if moment is not None:
        # Of the data as of that moment. Still keyed by today's version: a database
        # restored from a backup may hold another past.
        key = f"public:{version}:as-of:{as_of.stamp(moment)}:{name}"
    value = cache.get(key)
    if value is not None:
        return value
    lock = f"{key}:computing"
    deadline = time.monotonic() + COMPUTE_TIMEOUT
    while not cache.add(lock, True, COMPUTE_TIMEOUT) and time.monotonic() < deadline:
        time.sleep(WAIT)
        value = cache.get(key)
        if value is not None:
            return value
    try:
        value = compute()
        cache.set(key, value, TIMEOUT)
    finally:
        cache.delete(lock)
    return value


# Where a shared page's language switcher goes (templates/base.html).
LANGUAGES_SLOT = "<!--languages-->"
LANGUAGES_TEMPLATE = "public/_languages.html"


def cached_page(request, name, template, context):
    """A public page rendered once per data version and language, from `context()`; a
    response.

    Only for pages that are the same for every reader: the HTML is shared.
    `name` must say everything the page depends on besides the data and the
    language, and never take raw input, so that nobody can fill the cache with
    variants. The language switcher, which keeps the reader's own query string,
    is drawn for each request into the shared page.
    """
    html = cached(
        f"page:{translation.get_language()}:{name}",
        lambda: render_to_string(template, {**context(), "shared_page": True}, request),
    )
    switcher = render_to_string(LANGUAGES_TEMPLATE, request=request)
    return HttpResponse(html.replace(LANGUAGES_SLOT, switcher, 1))
