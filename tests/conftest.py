import pytest


@pytest.fixture
def demo_data(db):
    from shipments.demo.loader import load_demo

    load_demo()


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters and cached pages live in the cache; no test inherits another's."""
    from django.core.cache import cache

    cache.clear()


ROLES = ["anonymous", "data_entry", "editor", "superuser"]


@pytest.fixture
def data_entry(db):
    from tests.factories import StaffFactory

    return StaffFactory(role="Data entry")


@pytest.fixture
def editor(db):
    from tests.factories import StaffFactory

    return StaffFactory(role="Editor")


@pytest.fixture
def data_entry_client(client, data_entry):
    client.force_login(data_entry)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture(params=ROLES)
def role_client(request, client, db):
    """A client signed in as each role in turn (and once not signed in); `.role` names it."""
    from tests.factories import StaffFactory

    users = {
        "anonymous": None,
        "data_entry": lambda: StaffFactory(role="Data entry"),
        "editor": lambda: StaffFactory(role="Editor"),
        "superuser": lambda: StaffFactory(is_superuser=True),
    }
    make_user = users[request.param]
    if make_user is not None:
        client.force_login(make_user())
    client.role = request.param
    return client


@pytest.fixture(autouse=True)
def reference_data(request):
    """Put back the rows data migrations create, for transactional tests.

    A transactional test empties every table when it ends, the supply
    categories and staff roles included; the next one starts by recreating
    them exactly as the migrations do.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from importlib import import_module

    from django.apps import apps

    for migration, function in [
        ("shipments.migrations.0002_supply_categories", "create_categories"),
        ("shipments.migrations.0004_roles", "create_roles"),
    ]:
        getattr(import_module(migration), function)(apps, None)
