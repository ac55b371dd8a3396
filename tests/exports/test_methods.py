"""The exports and their description are read-only: another method is a 405 naming the
methods allowed, as a real client sees it (with the CSRF check on), never a 403."""

import pytest
from django.test import Client

PATHS = ["/shipments.json", "/shipments.csv", "/items.csv", "/openapi.json", "/datapackage.json"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "QUERY"])
def test_other_methods_are_not_allowed(path, method):
    response = Client(enforce_csrf_checks=True).generic(method, path)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
