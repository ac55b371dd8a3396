"""Friendly error pages: 400, 404 and 500, each with a way back."""

import logging
from unittest import mock

import pytest
from django.test import Client
from django.urls import path

from aidtracker.urls import urlpatterns as site_urls
from tests.pages import hrefs, title

pytestmark = pytest.mark.django_db


def test_not_found_page_is_friendly(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert title(response) == "Page not found · AidTracker"
    assert "/shipments/" in hrefs(response)
    assert "/countries/" in hrefs(response)


def test_bad_request_page_is_friendly(client):
    response = client.get("/shipments/?page=first")
    assert response.status_code == 400
    assert title(response) == "Bad request · AidTracker"
    assert "/about/data/" in hrefs(response)


def test_server_error_page_is_friendly_and_needs_nothing_that_may_have_failed():
    client = Client(raise_request_exception=False)
    with mock.patch("shipments.public.views.summaries.overview", side_effect=RuntimeError("boom")):
        response = client.get("/")
    assert response.status_code == 500
    content = response.content.decode()
    assert "<title>Something went wrong · AidTracker</title>" in content
    assert "boom" not in content
    assert '<a href="/shipments/">' in content


def broken_view(request):
    raise RuntimeError("secret internal detail")


urlpatterns = [*site_urls, path("broken/", broken_view)]


@pytest.mark.urls("tests.test_error_pages")
def test_a_server_error_leaks_no_internals_and_logs_the_traceback(caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.INFO):
        response = client.get("/broken/")
    assert response.status_code == 500
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


def test_forbidden_page_is_in_the_sites_style(client):
    from django.template.loader import render_to_string

    html = render_to_string("403.html")
    assert "You do not have permission" in html
    assert "site.css" in html
