"""Settings read from the environment fail loudly and name the variable at fault."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from aidtracker.env import check_secret_key, parse_bool, parse_int, parse_list, parse_rate

ROOT = Path(__file__).resolve().parent.parent
# Shaped like a generated key: long, varied, and not Django's throwaway prefix.
REAL_KEY = "q8Jf2-vL0xR7mZp4Tn9bWc3Ys6Hd1Ke5Ga0Uo8Ii7Pl2Qr4Ms6Nt9Vw3Xy5Zb1Ac7De"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("True", True), ("1", True), (" yes ", True), ("on", True), ("false", False), ("0", False)],
)
def test_booleans_in_common_spellings(raw, expected):
    assert parse_bool("DJANGO_DEBUG", raw) is expected


def test_malformed_boolean_names_the_variable():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG='yes please'"):
        parse_bool("DJANGO_DEBUG", "yes please")


def test_malformed_number_names_the_variable():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_HSTS_SECONDS"):
        parse_int("DJANGO_HSTS_SECONDS", "a year")


def test_host_list_ignores_blanks():
    assert parse_list(" aid.example.org, ,www.aid.example.org ") == [
        "aid.example.org",
        "www.aid.example.org",
    ]


def test_production_refuses_a_missing_secret_key():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY must be set"):
        check_secret_key("", debug=False)


@pytest.mark.parametrize("key", ["short", "django-insecure-" + "x" * 60, "abab" * 20])
def test_production_refuses_a_weak_secret_key(key):
    with pytest.raises(ImproperlyConfigured, match="too weak"):
        check_secret_key(key, debug=False)


def test_debug_has_a_development_key():
    assert check_secret_key("", debug=True).startswith("django-insecure")


def run_manage(*args, **env):
    """Run a management command on the real settings in a fresh process, as a deployment would."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "aidtracker.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def run_check(**env):
    return run_manage("check", **env)


def test_start_up_stops_on_a_malformed_debug_flag():
    result = run_check(DJANGO_DEBUG="yes please")
    assert result.returncode != 0
    assert "DJANGO_DEBUG='yes please' is not a boolean" in result.stderr


def test_start_up_stops_without_a_secret_key_in_production():
    result = run_check(DJANGO_DEBUG="False", DJANGO_ALLOWED_HOSTS="aid.example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_start_up_stops_without_allowed_hosts_in_production():
    result = run_check(DJANGO_DEBUG="False", DJANGO_SECRET_KEY=REAL_KEY)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_a_real_key_and_hosts():
    result = run_check(
        DJANGO_DEBUG="False", DJANGO_SECRET_KEY=REAL_KEY, DJANGO_ALLOWED_HOSTS="aid.example.org"
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("raw", ["20/m", "100/h", "5/10s", " 3/d "])
def test_rates_in_the_documented_form(raw):
    assert parse_rate("DJANGO_EXPORT_RATE", raw) == raw.strip()


@pytest.mark.parametrize("raw", ["20", "20/min", "20/M", "0/m", "many/m"])
def test_a_malformed_rate_names_the_variable(raw):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_EXPORT_RATE"):
        parse_rate("DJANGO_EXPORT_RATE", raw)


def test_import_limits_come_from_the_environment():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; "
        "print(s.IMPORT_MAX_FILE_BYTES, s.IMPORT_MAX_ROWS, s.IMPORT_MAX_CELLS)",
        DJANGO_DEBUG="True",
        DJANGO_IMPORT_MAX_FILE_MB="3",
        DJANGO_IMPORT_MAX_ROWS="500",
        DJANGO_IMPORT_MAX_CELLS="9000",
    )
    assert result.stdout.split() == [str(3 * 1024 * 1024), "500", "9000"], result.stderr


@pytest.mark.parametrize("raw", ["lots", "0"])
def test_start_up_stops_on_a_malformed_import_limit(raw):
    result = run_check(DJANGO_DEBUG="True", DJANGO_IMPORT_MAX_ROWS=raw)
    assert result.returncode != 0
    assert f"DJANGO_IMPORT_MAX_ROWS='{raw}'" in result.stderr
