from datetime import date
from unittest import mock

import pytest
from django.template.backends import jinja2
from django.test.signals import template_rendered

from tests.factories import (
    DonorFactory,
    RecipientFactory,
    ShipmentFactory,
    ShipmentItemFactory,
    category,
)


@pytest.fixture
def demo_data(db):
    from shipments.demo.loader import load_demo

    load_demo()


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters and cached pages live in the cache; no test inherits another's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def fresh_process_state(monkeypatch):
    """What a process keeps across requests: no test inherits another's downloads still
    streaming (a test may leave a response unread, which a WSGI server would close) nor
    replicas marked down."""
    from aidtracker import cache, replicas
    from shipments.exports import slots

    monkeypatch.setattr(slots, "process_slots", slots.ProcessSlots())
    monkeypatch.setattr(replicas, "_down_until", {})
    monkeypatch.setattr(cache, "_down_until", {})


# Keys of the uploads tests store in Redis, deleted after each test; never
# cache.clear(), which would empty the Redis database others use.
REDIS_UPLOADS_PREFIX = "aidtracker-tests-imports"


@pytest.fixture(params=["folder", "redis"])
def import_storage(request, settings):
    """Where an upload waits for its confirmation: a temporary folder, or Redis (REDIS_URL)."""
    if request.param == "folder":
        yield request.param
        return
    from django.core.cache import cache

    settings.IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.CacheStorage"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": REDIS_UPLOADS_PREFIX,
        }
    }
    yield request.param
    redis = cache._cache.get_client()
    for key in redis.scan_iter(f"{REDIS_UPLOADS_PREFIX}:*"):
        redis.delete(key)


@pytest.fixture(autouse=True, scope="session")
def jinja2_templates_report_their_context():
    """The test client gathers `response.context` from Django's template_rendered signal,
    which only Django's own engine sends; in tests, Jinja2 templates send it too."""
    render = jinja2.Template.render

    def render_and_report(self, context=None, request=None):
        context = {} if context is None else context
        template_rendered.send(sender=self, template=self, context=context)
        return render(self, context, request)

    with mock.patch.object(jinja2.Template, "render", render_and_report):
        yield


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
    categories, emergencies, staff roles and data version included; the next one starts by
    recreating them as the migrations do.
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
        ("shipments.migrations.0012_pending_changes", "let_staff_see_pending_changes"),
        ("shipments.migrations.0014_rejections", "let_staff_record_rejections"),
        ("shipments.migrations.0017_emergencies", "create_covid_19"),
        ("shipments.migrations.0017_emergencies", "let_staff_pick_emergencies"),
    ]:
        getattr(import_module(migration), function)(apps, None)
    # Migration 0011 draws the database's first data version.
    from shipments.models import DataVersion

    DataVersion.bump()


@pytest.fixture
def world():
    """Three published shipments and a draft, with distinct parties, dates and supplies.

    Shared by the FilterSet's tests and the list page's, which must agree.
    """
    jack_ma = DonorFactory(slug="jack-ma", name="Jack Ma Foundation", country="CN")
    zhejiang = DonorFactory(
        slug="zhejiang", name="Zhejiang", country="CN", kind="regional-government"
    )
    france = DonorFactory(
        slug="france", name="French government", country="FR", kind="national-government"
    )
    belgium = RecipientFactory(slug="belgium", name="Belgian hospitals", country="BE")
    italy = RecipientFactory(slug="lombardy", name="Lombardy", country="IT")
    china = RecipientFactory(slug="wuhan", name="Wuhan hospitals", country="CN")
    be = ShipmentFactory(
        reference="BE-1",
        recipient=belgium,
        donors=[jack_ma],
        shipped_on=date(2020, 3, 16),
        status="delivered",
        value_usd=10,
    )
    it = ShipmentFactory(
        reference="IT-1",
        recipient=italy,
        donors=[jack_ma, zhejiang],
        shipped_on=date(2020, 3, 14),
        status="dispatched",
        value_usd=30,
        notes="Landed at Malpensa",
    )
    cn = ShipmentFactory(
        reference="CN-1",
        recipient=china,
        donors=[france],
        origin_country="FR",
        shipped_on=None,
        status="pledged",
    )
    draft = ShipmentFactory(
        reference="DRAFT-1",
        recipient=italy,
        donors=[zhejiang, france],
        is_published=False,
        shipped_on=date(2020, 3, 15),
        status="pledged",
    )
    ShipmentItemFactory(shipment=be, category=category("masks"), description="Masks")
    ShipmentItemFactory(shipment=it, category=category("ventilators"), description="Ventilators")
    ShipmentItemFactory(shipment=it, category=category("masks"), description="N95 masks")
    ShipmentItemFactory(shipment=cn, category=category("gloves"), description="Gloves")
    ShipmentItemFactory(shipment=draft, category=category("gloves"), description="Gloves")
