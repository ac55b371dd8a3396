"""One download budget per client address, shared by every export endpoint.

Pages are never limited. The counter lives in the cache (Redis when REDIS_URL
is set, so that every app server counts together; while Redis is lost, each
process counts on its own, see aidtracker/cache.py).
"""

from django.conf import settings
from django.http import HttpResponse
from django_ratelimit.core import is_ratelimited

from aidtracker.client_address import rate_limit_key

RATE_LIMIT_GROUP = "exports"


def over_limit(request):
    """Count one export for the request's address; True once it has had its share.

    Called only for valid requests: a mistyped parameter costs nothing.
    """
    return is_ratelimited(
        request,
        group=RATE_LIMIT_GROUP,
        key=rate_limit_key,
        rate=lambda group, request: settings.EXPORT_RATE,
        increment=True,
    )


def rate_limited():
    """429 with the time to wait, for an address that asked for too many exports."""
    count, period = settings.EXPORT_RATE.split("/")
    response = HttpResponse(
        f"Too many exports from this address: at most {count} per {period_words(period)}. "
        "Please wait a minute and try again.\n",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(period_seconds(period))
    return response


PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def period_seconds(period):
    multiplier = period[:-1]
    return int(multiplier or 1) * PERIODS[period[-1]]


def period_words(period):
    seconds = period_seconds(period)
    return {1: "second", 60: "minute", 3600: "hour", 86400: "day"}.get(
        seconds, f"{seconds} seconds"
    )
