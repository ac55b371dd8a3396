"""The address of the client, for the login throttle and the export rate limit."""

from django.conf import settings


def client_address(request):
    """REMOTE_ADDR, or behind our own proxy the address that proxy saw.

    A proxy appends the address it received the request from to
    X-Forwarded-For, so only the last entry is trustworthy: the earlier ones
    are whatever the client chose to send.
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "")


def rate_limit_key(group, request):
    return client_address(request)
