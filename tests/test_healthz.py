"""The health check: plain text, 200 when the database answers, 503 when it does not."""

from unittest import mock

import pytest
from django.db import DatabaseError, connections

pytestmark = pytest.mark.django_db


def test_healthz_checks_the_database(client, django_assert_num_queries):
    # SELECT 1
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")
    assert response["Content-Type"].startswith("text/plain")


def test_healthz_reports_a_database_failure(client):
    with mock.patch.object(connections["default"], "cursor", side_effect=DatabaseError):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"database unavailable\n"
    assert response["Content-Type"].startswith("text/plain")
