"""Friendly error pages: 400, 404 and 500, each with a way back."""

from unittest import mock

import pytest
from django.test import Client

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
    with mock.patch("aidtracker.views.summaries.overview", side_effect=RuntimeError("boom")):
        response = client.get("/")
    assert response.status_code == 500
    content = response.content.decode()
    assert "<title>Something went wrong · AidTracker</title>" in content
    assert "boom" not in content
    assert '<a href="/shipments/">' in content
