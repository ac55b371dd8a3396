"""Admin sign-in is throttled per user name and per address, even for the right password."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def staff(settings):
    settings.AXES_FAILURE_LIMIT = 3
    return get_user_model().objects.create_user(
        "editor", password=PASSWORD, is_staff=True, is_superuser=True
    )


def sign_in(client, username, password, address="203.0.113.7"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_right_password_signs_in(client, staff):
    response = sign_in(client, "editor", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_repeated_failures_lock_the_user_out_even_with_the_right_password(client, staff):
    assert sign_in(client, "editor", "wrong").status_code == 200
    assert sign_in(client, "editor", "wrong").status_code == 200
    assert sign_in(client, "editor", "wrong").status_code == 429  # the limit is reached
    response = sign_in(client, "editor", PASSWORD)
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_lockout_by_user_name_holds_from_another_address(client, staff):
    for _ in range(3):
        sign_in(client, "editor", "wrong", address="203.0.113.7")
    assert sign_in(client, "editor", PASSWORD, address="198.51.100.9").status_code == 429


def test_an_address_guessing_many_names_is_locked_out(client, staff):
    for name in ["alice", "bob", "carol"]:
        sign_in(client, name, "guess", address="203.0.113.50")
    assert sign_in(client, "editor", PASSWORD, address="203.0.113.50").status_code == 429
    assert sign_in(client, "editor", PASSWORD, address="192.0.2.1").status_code == 302


def test_lockout_ends_after_the_cool_off(client, staff, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt

    for _ in range(3):
        sign_in(client, "editor", "wrong")
    assert sign_in(client, "editor", PASSWORD).status_code == 429
    # Age every recorded failure past the cool-off period.
    past = AccessAttempt.objects.first().attempt_time - settings.AXES_COOLOFF_TIME
    AccessAttempt.objects.update(attempt_time=past - timedelta(seconds=1))
    assert sign_in(client, "editor", PASSWORD).status_code == 302


def test_behind_a_proxy_addresses_come_from_the_last_forwarded_hop(client, staff, settings):
    settings.BEHIND_PROXY = True
    for name in ["alice", "bob", "carol"]:
        client.post(
            "/admin/login/",
            {"username": name, "password": "guess"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="203.0.113.50",
        )
    locked = client.post(
        "/admin/login/",
        {"username": "editor", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.50",
    )
    assert locked.status_code == 429
    other = client.post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="192.0.2.1",
    )
    assert other.status_code == 302
