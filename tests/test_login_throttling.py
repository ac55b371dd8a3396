"""Admin sign-in is throttled per user name and address together, and per address with a
higher limit, even for the right password; a user name alone is never locked."""

import pytest
from django.contrib.auth import get_user_model

from tests.test_settings import run_manage

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def staff(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
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
    assert b"Try again in 15 minutes." in response.content
    assert "_auth_user_id" not in client.session


def test_failures_from_one_address_do_not_lock_the_user_out_from_another(client, staff):
    """Knowing an editor's user name is not enough to keep them out."""
    for _ in range(3):
        sign_in(client, "editor", "wrong", address="203.0.113.7")
    assert sign_in(client, "editor", PASSWORD, address="203.0.113.7").status_code == 429
    assert sign_in(client, "editor", PASSWORD, address="198.51.100.9").status_code == 302


def test_failures_for_one_name_do_not_lock_other_names_out_of_that_address(client, staff):
    for _ in range(3):
        sign_in(client, "alice", "guess", address="203.0.113.50")
    assert sign_in(client, "alice", "guess", address="203.0.113.50").status_code == 429
    assert sign_in(client, "editor", PASSWORD, address="203.0.113.50").status_code == 302


def test_an_address_failing_for_many_names_is_locked_out(client, staff):
    # Six failures, the per-address limit, none of the names at its own limit of three.
    for name in ["alice", "bob", "carol"] * 2:
        sign_in(client, name, "guess", address="203.0.113.50")
    assert sign_in(client, "editor", PASSWORD, address="203.0.113.50").status_code == 429
    assert sign_in(client, "editor", PASSWORD, address="192.0.2.1").status_code == 302


@pytest.mark.parametrize("names, limit", [(["editor"] * 3, 3), (["alice", "bob", "carol"] * 2, 6)])
def test_the_lockout_page_names_the_limit_reached(client, staff, names, limit):
    for name in names[:-1]:
        sign_in(client, name, "wrong")
    response = sign_in(client, names[-1], "wrong")
    assert response.status_code == 429
    assert f"paused after {limit} failed attempts" in response.content.decode()


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
    for name in ["alice", "bob", "carol"] * 2:
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


SHOW_LIMITS = """
from django.conf import settings
print(settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_ADDRESS_FAILURE_LIMIT)
"""


def show_limits(**env):
    return run_manage("shell", "--no-imports", "-c", SHOW_LIMITS, DJANGO_DEBUG="True", **env)


@pytest.mark.django_db(databases=[])
def test_both_limits_come_from_the_environment():
    assert show_limits().stdout.split() == ["5", "20"]
    configured = show_limits(
        DJANGO_LOGIN_FAILURE_LIMIT="4", DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT="40"
    )
    assert configured.stdout.split() == ["4", "40"], configured.stderr


@pytest.mark.django_db(databases=[])
def test_an_address_limit_below_the_per_name_limit_stops_start_up():
    result = show_limits(DJANGO_LOGIN_FAILURE_LIMIT="10", DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT="8")
    assert result.returncode != 0
    assert "DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT (8) must be at least" in result.stderr
