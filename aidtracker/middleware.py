"""Site-wide middleware: request logging, the send timeout, the Permissions-Policy header
and the language of each request."""

import functools
import logging
import time

from django.conf import settings
from django.http import HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers

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


@functools.cache
def staff_prefix():
    return reverse("admin:index")


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware for the language-prefixed public pages, with two changes.

    - The staff admin, which has no prefix, is in the staff member's language: the
      language cookie's, else the browser's (Accept-Language), rather than always English.
    - A reader's first visit to `/` (no language cookie yet) goes to the home page in the
      browser's language when that is not English; the cookie then marks the visit, so
      `/` is the English home page from then on, as a link to it promises.

    Every other unprefixed address (the English pages, the CSVs, the JSON, the feeds) is
    read in English whatever the browser says, so that a link or a download is the same
    for everybody.
    """

    def process_request(self, request):
        if request.path_info.startswith(staff_prefix()):
            translation.activate(translation.get_language_from_request(request))
            request.LANGUAGE_CODE = translation.get_language()
            return None
        super().process_request(request)
        if request.path_info == "/" and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            language = translation.get_language_from_request(request)
            if language != settings.LANGUAGE_CODE:
                return self.first_visit_redirect(language)
        return None

    def first_visit_redirect(self, language):
        with translation.override(language):
            response = HttpResponseRedirect(reverse("home"))
        # Caches must tell first visits from the others, and one browser's from another's.
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if request.path_info == "/":
            patch_vary_headers(response, ("Cookie",))
        return response
