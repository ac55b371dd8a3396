"""Site-wide middleware: request logging, the send timeout and the Permissions-Policy header."""

import logging
import time

from django.conf import settings

logger = logging.getLogger("aidtracker.requests")


class RequestLogMiddleware:
    """One log line per request: method, path, status and server time.

    Outermost, so the time includes every other middleware. Query strings are
    left out: they can carry search terms that are nobody else's business.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = (time.perf_counter() - started) * 1000
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        logger.log(
            level,
            "%s %s %s %.1fms",
            request.method,
            request.path,
            response.status_code,
            duration_ms,
            extra={"status_code": response.status_code, "duration_ms": duration_ms},
        )
        return response


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class SendTimeoutMiddleware:
    """Cuts off a client that stops reading its response, under gunicorn.

    gunicorn writes each response to a blocking socket with no time limit: a
    client that reads nothing would hold the thread for as long as the
    response lasts (a download: up to its statement timeout). With a timeout
    on the socket, a write that waits longer than SEND_TIMEOUT fails, gunicorn
    closes the connection and the response (freeing a download's slot and
    its query), and the thread serves others. gunicorn puts the socket back
    to blocking before the connection's next request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sock = request.META.get("gunicorn.socket")
        if sock is not None:
            sock.settimeout(settings.SEND_TIMEOUT)
        return self.get_response(request)
