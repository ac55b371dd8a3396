"""Error pages in the site's style that leak nothing; one log line per request."""

import logging

import pytest
from django.test import Client
from django.urls import path

from aidtracker.urls import urlpatterns as site_urls

pytestmark = pytest.mark.django_db


def broken_view(request):
    raise RuntimeError("secret internal detail")


urlpatterns = [*site_urls, path("broken/", broken_view)]


def test_404_page_is_helpful_and_styled(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"There is no published page at this address" in response.content
    assert b"site.css" in response.content


@pytest.mark.urls("tests.test_error_pages")
def test_500_page_leaks_no_internals_and_logs_the_traceback(caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.INFO):
        response = client.get("/broken/")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"secret internal detail" not in response.content
    assert b"Traceback" not in response.content
    errors = [r for r in caplog.records if r.name == "django.request"]
    assert errors and errors[0].exc_info[0] is RuntimeError


def test_each_request_is_logged_with_method_path_status_and_duration(client, caplog):
    with caplog.at_level(logging.INFO, logger="aidtracker.requests"):
        client.get("/healthz?token=private")
    [record] = [r for r in caplog.records if r.name == "aidtracker.requests"]
    assert record.getMessage().startswith("GET /healthz 200 ")
    assert record.getMessage().endswith("ms")
    assert "private" not in record.getMessage()
    assert record.duration_ms >= 0
