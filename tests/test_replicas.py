"""Public reads from a replica: the public's pages and downloads read it, staff and writes
the primary.

The replica here is Django's test mirror: a second alias, and a second
connection, on the primary's test database (tests/settings.py). The tests
are transactional so that what one connection writes the other can read.
"""

import time
from contextlib import ExitStack, contextmanager
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, OperationalError, connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from aidtracker import replicas
from aidtracker.replicas import ROUTER, ReplicaRouter, is_public_read, reads_from
from donors.models import Donor
from shipments.exports import csv as exports
from shipments.models import Shipment
from tests.test_settings import run_manage

pytestmark = [
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]


@pytest.fixture(autouse=True)
def routed():
    with override_settings(DATABASE_ROUTERS=[ROUTER]):
        yield


@contextmanager
def queries():
    """The queries run on each alias within the block: {"default": [...], "replica": [...]}."""
    with ExitStack() as stack:
        captured = {
            alias: stack.enter_context(CaptureQueriesContext(connections[alias]))
            for alias in ("default", "replica")
        }
        yield captured


PUBLIC_PAGES = [
    "/",
    "/shipments/",
    "/shipments/?recipient_country=IT&sort=-value_usd",
    "/shipments/IT-1/",
    "/countries/",
    "/countries/IT/",
    "/donors/jack-ma/",
    "/shipments.json",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_the_public_reads_its_pages_from_the_replica(client, world, path):
    with queries() as captured:
        response = client.get(path)
    assert response.status_code == 200
    assert len(captured["replica"]) > 0
    assert len(captured["default"]) == 0, [q["sql"] for q in captured["default"]]


def test_a_page_read_from_the_replica_shows_what_the_primary_holds(client, world):
    with queries() as captured:
        content = client.get("/shipments/IT-1/").content.decode()
    assert captured["replica"] and not captured["default"]
    assert "Lombardy" in content and "Landed at Malpensa" in content
    assert client.get("/shipments/DRAFT-1/").status_code == 404


@pytest.mark.parametrize("path", ["/items.csv", "/shipments.csv?recipient_country=IT"])
def test_a_download_streams_from_the_replica_after_the_view_has_returned(client, world, path):
    """The rows are read while the response streams, outside the middleware's reach."""
    copy_stream = mock.patch.object(exports, "CopyStream", wraps=exports.CopyStream)
    with copy_stream as copy_stream, queries() as captured:
        response = client.get(path)
        body = b"".join(response.streaming_content).decode()
    assert response.status_code == 200
    assert int(response["X-Row-Count"]) == body.count("\n") - 1 > 0
    assert not captured["default"], [q["sql"] for q in captured["default"]]
    if connections["default"].vendor == "postgresql":
        # COPY runs on a connection of the export's own, opened for the replica.
        copy_stream.assert_called_once_with("replica")
    else:
        assert captured["replica"]


def test_staff_read_the_primary_even_on_public_pages(editor_client, world):
    """So an editor sees a change at once, before it has reached the replica."""
    with queries() as captured:
        assert editor_client.get("/shipments/").status_code == 200
        assert editor_client.get("/admin/shipments/shipment/").status_code == 200
    assert captured["default"] and not captured["replica"]


def session_reads(captured_queries):
    return [query["sql"] for query in captured_queries if "django_session" in query["sql"]]


def assert_only_the_session_is_read_from_the_primary(captured):
    assert captured["replica"]
    # One query on the primary, looking the session up by its key.
    assert len(captured["default"]) == len(session_reads(captured["default"])) == 1


@pytest.mark.parametrize("path", ["/shipments/", "/shipments.json"])
def test_a_made_up_session_cookie_reads_the_replica(client, world, path):
    """A cookie alone proves nothing: anyone could aim their downloads at the primary with one."""
    client.cookies[settings.SESSION_COOKIE_NAME] = "madeupsessionkeythatnobodysignedinwith"
    with queries() as captured:
        assert client.get(path).status_code == 200
    assert_only_the_session_is_read_from_the_primary(captured)


def test_an_anonymous_session_reads_the_replica(client, world):
    """A real session that nobody has signed in with, as a page that stores something sets."""
    session = client.session
    session["seen_notice"] = True
    session.save()
    with queries() as captured:
        assert client.get("/shipments/").status_code == 200
    assert_only_the_session_is_read_from_the_primary(captured)


def test_a_staff_session_is_read_once_from_the_primary(editor_client, world):
    with queries() as captured:
        assert editor_client.get("/shipments/").status_code == 200
    assert len(session_reads(captured["default"])) == 1
    assert not captured["replica"]


@pytest.mark.parametrize(
    "method, path, signed_in, public",
    [
        ("get", "/shipments/", False, True),
        ("head", "/countries/IT/", False, True),
        ("get", "/admin/", False, False),
        ("get", "/admin/shipments/shipment/", False, False),
        ("get", "/shipments/", True, False),
        ("post", "/shipments/", False, False),
    ],
)
def test_only_the_anonymous_public_reading_the_site_counts_as_a_public_read(
    rf, method, path, signed_in, public
):
    request = getattr(rf, method)(path)
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "a session key"
    request.user = get_user_model()(username="editor") if signed_in else AnonymousUser()
    assert is_public_read(request) is public


def test_writes_inside_a_public_request_go_to_the_primary(world):
    shipment = Shipment.objects.get(reference="IT-1")
    donor = Donor.objects.get(slug="france")
    with reads_from("replica"), queries() as captured:
        shipment.notes = "Written during a public request"
        shipment.save()
        Shipment.objects.filter(pk=shipment.pk).update(status="delivered")
        shipment.donors.add(donor)
    assert captured["default"]
    write_statements = [
        query["sql"]
        for query in captured["replica"]
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert write_statements == []
    # What the write read along the way came from the primary, so nothing is stale.
    assert " FR " in Shipment.objects.get(pk=shipment.pk).donor_countries


def test_an_admin_action_writes_the_primary(editor_client, world):
    shipment = Shipment.objects.get(reference="IT-1")
    with queries() as captured:
        response = editor_client.post(
            "/admin/shipments/shipment/",
            {"action": "mark_delivered", "_selected_action": [shipment.pk]},
        )
    assert response.status_code == 302
    assert not captured["replica"]
    assert Shipment.objects.get(pk=shipment.pk).status == "delivered"


def test_a_replica_that_does_not_answer_leaves_its_reads_to_the_primary(client, world):
    down = mock.patch.object(
        connections["replica"], "ensure_connection", side_effect=OperationalError
    )
    with queries() as captured, down:
        response = client.get("/shipments/IT-1/")
    assert response.status_code == 200
    assert "Lombardy" in response.content.decode()
    assert captured["default"] and not captured["replica"]


def test_a_replica_that_did_not_answer_is_left_alone_for_a_while(client, world, monkeypatch):
    down = mock.patch.object(
        connections["replica"], "ensure_connection", side_effect=OperationalError("timeout")
    )
    with down as ensure_connection:
        for _ in range(3):
            assert client.get("/shipments/IT-1/").status_code == 200
        assert client.get("/healthz").content == b"ok; not answering: replica\n"
    # Asked once; no later request waited for it.
    assert ensure_connection.call_count == 1
    later = time.monotonic() + settings.REPLICA_RETRY_SECONDS + 1
    monkeypatch.setattr(replicas.time, "monotonic", lambda: later)
    with queries() as captured:
        assert client.get("/shipments/IT-1/").status_code == 200
    assert captured["replica"]


def test_a_query_that_fails_on_the_replica_marks_it_down(client, world):
    failing = mock.patch(
        "shipments.public.views.get_object_or_404", side_effect=OperationalError("canceled")
    )
    with failing, pytest.raises(OperationalError):
        client.get("/shipments/IT-1/")
    assert replicas.is_marked_down("replica")
    with queries() as captured:
        assert client.get("/shipments/IT-1/").status_code == 200
    assert captured["default"] and not captured["replica"]


def test_a_query_the_replica_stopped_itself_does_not_mark_it_down(client, world):
    """A statement timeout on the replica: it answers; the query was too heavy."""
    cause = Exception("canceling statement due to statement timeout")
    cause.pgcode = "57014"  # as psycopg2's QueryCanceled carries it
    cancelled = OperationalError(str(cause))
    cancelled.__cause__ = cause
    failing = mock.patch("shipments.public.views.get_object_or_404", side_effect=cancelled)
    with failing, pytest.raises(OperationalError):
        client.get("/shipments/IT-1/")
    assert not replicas.is_marked_down("replica")


def test_reads_outside_a_public_request_use_the_primary(world):
    assert Shipment.objects.all().db == "default"
    with reads_from("replica"):
        assert Shipment.objects.all().db == "replica"
        # Writes never go to a replica, even inside a public request.
        assert Shipment.objects.all()._chain().select_for_update().db == "default"
    assert Shipment.objects.all().db == "default"


def test_objects_read_from_the_replica_fetch_their_relations_there(world):
    with reads_from("replica"):
        shipment = Shipment.objects.get(reference="IT-1")
    assert shipment._state.db == "replica"
    with queries() as captured:
        names = sorted(donor.name for donor in shipment.donors.all())
    assert names == ["Jack Ma Foundation", "Zhejiang"]
    assert captured["replica"] and not captured["default"]


def test_migrations_run_on_the_primary_only():
    router = ReplicaRouter()
    assert router.allow_migrate("default", "shipments")
    assert not router.allow_migrate("replica", "shipments")


def test_healthz_checks_the_primary_and_the_replica(client):
    with queries() as captured:
        response = client.get("/healthz")
    assert response.content == b"ok\n"
    assert len(captured["default"]) == len(captured["replica"]) == 1


def test_healthz_names_a_replica_that_does_not_answer_but_stays_up(client):
    with mock.patch.object(connections["replica"], "cursor", side_effect=DatabaseError):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok; not answering: replica\n"


def test_healthz_fails_when_the_primary_does_not_answer(client):
    with mock.patch.object(connections["default"], "cursor", side_effect=DatabaseError):
        response = client.get("/healthz")
    assert response.status_code == 503


SHOW_DATABASES = """
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
for alias, config in settings.DATABASES.items():
    print(alias, config["HOST"], config.get("TEST", {}).get("MIRROR"))
print("routers", settings.DATABASE_ROUTERS)
for alias, config in settings.DATABASES.items():
    options = config["OPTIONS"]
    print(alias, options["connect_timeout"], options["options"].split()[-1])
"""


def show_databases(**env):
    result = run_manage("shell", "--no-imports", "-c", SHOW_DATABASES, DJANGO_DEBUG="True", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


@pytest.mark.django_db(databases=[])
def test_each_replica_url_becomes_an_alias_and_turns_on_the_router():
    lines = show_databases(
        DATABASE_URL="postgres://aid@primary.example:5432/aidtracker",
        DATABASE_REPLICA_URL="postgres://aid@replica-a.example/aidtracker, "
        "postgres://aid@replica-b.example/aidtracker",
    )
    assert lines == [
        "default primary.example None",
        "replica replica-a.example default",
        "replica2 replica-b.example default",
        f"routers {[ROUTER]}",
        # A replica that connects but never answers holds a request 2 s at most,
        # a public query on one runs 30 s at most.
        "default 10 random_page_cost=1.1",
        "replica 2 statement_timeout=30000",
        "replica2 2 statement_timeout=30000",
    ]


@pytest.mark.django_db(databases=[])
def test_the_replica_timeouts_come_from_the_environment():
    lines = show_databases(
        DATABASE_URL="postgres://aid@primary.example:5432/aidtracker",
        DATABASE_REPLICA_URL="postgres://aid@replica-a.example/aidtracker",
        DJANGO_REPLICA_CONNECT_TIMEOUT="5",
        DJANGO_REPLICA_STATEMENT_TIMEOUT="12",
    )
    assert lines[-1] == "replica 5 statement_timeout=12000"


@pytest.mark.django_db(databases=[])
def test_without_replicas_there_is_no_router():
    lines = show_databases(
        DATABASE_URL="postgres://aid@primary.example:5432/aidtracker", DATABASE_REPLICA_URL=""
    )
    assert lines == [
        "default primary.example None",
        "routers []",
        "default 10 random_page_cost=1.1",
    ]
