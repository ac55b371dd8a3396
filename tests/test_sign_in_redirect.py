"""After signing in, staff land where `next` points if it is on this site, else on the admin."""

import pytest

from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def editor():
    return StaffFactory(username="editor", password=PASSWORD, role="Editor")


def sign_in(client, next_url):
    """Post the login form as a browser does: `next` in the address and in a hidden field."""
    return client.post(
        f"/admin/login/?next={next_url}",
        {"username": "editor", "password": PASSWORD, "next": next_url},
    )


def test_a_next_on_this_site_is_followed(client, editor):
    response = sign_in(client, "/admin/shipments/shipment/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/shipments/shipment/"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_a_refused_next_lands_on_the_admin_index(client, editor, next_url):
    response = sign_in(client, next_url)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get(response["Location"]).status_code == 200
