"""The admin sign-in throttle's two limits, for django-axes (settings.AXES_FAILURE_LIMIT).

Failures are counted for a user name and an address together, so that
nobody can lock a staff member out by guessing wrong passwords for their
name from elsewhere; and for an address alone, with a higher limit, so that
one address cannot try a few passwords for each of many names.
"""

from axes.attempts import get_cool_off_threshold
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def failure_limit(request, credentials):
    """How many failures refuse this sign-in: the per-name limit once the name has
    reached it from this address, the per-address limit until then.

    Axes counts failures for each of AXES_LOCKOUT_PARAMETERS (the user name
    and address together, and the address alone) and compares the higher
    count, always the address's, with this one limit. So the attempt is
    refused when its name has failed LOGIN_FAILURE_LIMIT times from its
    address, or its address LOGIN_ADDRESS_FAILURE_LIMIT times; and the
    lockout page names the limit that was reached.
    """
    if name_failures(request, credentials) >= settings.LOGIN_FAILURE_LIMIT:
        return settings.LOGIN_FAILURE_LIMIT
    return settings.LOGIN_ADDRESS_FAILURE_LIMIT


def name_failures(request, credentials):
    """Failures for the request's user name from its address within the cool-off period."""
    attempts = AccessAttempt.objects.filter(
        username=get_client_username(request, credentials),
        ip_address=request.axes_ip_address,
        attempt_time__gte=get_cool_off_threshold(request),
    )
    return attempts.aggregate(failures=Sum("failures_since_start"))["failures"] or 0
