"""Production settings pass Django's deployment checks and every response carries the headers."""

import pytest

from tests.test_settings import REAL_KEY, run_manage

pytestmark = pytest.mark.django_db

PRODUCTION = {
    "DJANGO_DEBUG": "False",
    "DJANGO_SECRET_KEY": REAL_KEY,
    "DJANGO_ALLOWED_HOSTS": "aid.example.org",
}


def test_deploy_check_reports_nothing_in_production():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_warns_when_https_is_off():
    """DJANGO_HTTPS=False turns off exactly the HTTPS-only protections."""
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", DJANGO_HTTPS="False", **PRODUCTION
    )
    assert result.returncode != 0
    for check in ["security.W004", "security.W008", "security.W012", "security.W016"]:
        assert check in result.stderr
    assert "security.W019" not in result.stderr  # X-Frame-Options stays DENY


def test_https_settings_follow_the_switch():
    on = run_manage("diffsettings", "--all", **PRODUCTION).stdout
    off = run_manage("diffsettings", "--all", DJANGO_HTTPS="False", **PRODUCTION).stdout
    for name in ["SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"]:
        assert f"{name} = True" in on
        assert f"{name} = False" in off
    assert "SECURE_HSTS_SECONDS = 31536000" in on
    assert "SECURE_HSTS_SECONDS = 0" in off
    for same in ["X_FRAME_OPTIONS = 'DENY'", "SECURE_CONTENT_TYPE_NOSNIFF = True"]:
        assert same in on and same in off


def test_hsts_subdomains_and_preload_are_opt_in():
    default = run_manage("diffsettings", "--all", **PRODUCTION).stdout
    assert "SECURE_HSTS_INCLUDE_SUBDOMAINS = False" in default
    assert "SECURE_HSTS_PRELOAD = False" in default
    opted = run_manage(
        "diffsettings",
        "--all",
        DJANGO_HSTS_INCLUDE_SUBDOMAINS="True",
        DJANGO_HSTS_PRELOAD="True",
        **PRODUCTION,
    ).stdout
    assert "SECURE_HSTS_INCLUDE_SUBDOMAINS = True" in opted
    assert "SECURE_HSTS_PRELOAD = True" in opted


@pytest.mark.parametrize("url", ["/", "/healthz", "/admin/login/", "/no-such-page/"])
def test_every_response_carries_the_security_headers(client, url):
    response = client.get(url)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_https_redirect_and_hsts_when_on(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    response = client.get("/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/"
    secure = client.get("/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=3600"


def test_health_checks_are_answered_over_plain_http(client, settings):
    """Load balancers probe app servers directly, without TLS."""
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301
