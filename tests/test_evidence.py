"""Nothing is public without its evidence (issue 14, point 3): a published shipment cites at
least one source, and gives its supplies (a line) or its weight. Publishing refuses
otherwise, naming what is missing, in the admin form, the publish action and
ShipmentQuerySet.set_published(); check_published finds any that slipped through."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from shipments.models import Shipment
from tests.admin_forms import SHIPMENT_URL, change_url, existing_shipment_data
from tests.factories import ShipmentFactory, ShipmentItemFactory, SourceFactory, cited

pytestmark = pytest.mark.django_db


def draft(reference, source=True, item=True, weight=None):
    shipment = ShipmentFactory(reference=reference, is_published=False, weight_kg=weight)
    if source:
        SourceFactory(shipment=shipment)
    if item:
        ShipmentItemFactory(shipment=shipment)
    return shipment


def messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_publishing_needs_a_source_and_supplies_or_a_weight():
    draft("WITH-ALL")
    draft("WEIGHT-ONLY", item=False, weight=31_000)
    draft("NO-SOURCE", source=False)
    draft("NOTHING-STATED", item=False)
    assert sorted(Shipment.objects.lacking_evidence().values_list("reference", flat=True)) == [
        "NO-SOURCE",
        "NOTHING-STATED",
    ]
    ok = Shipment.objects.filter(reference__in=["WITH-ALL", "WEIGHT-ONLY"])
    assert ok.set_published(True) == 2


def test_set_published_refuses_and_names_what_is_missing():
    draft("WITH-ALL")
    draft("NO-SOURCE", source=False)
    draft("NOTHING-STATED", item=False)
    with pytest.raises(ValidationError) as refused:
        Shipment.objects.all().set_published(True)
    assert refused.value.messages == [
        "A published shipment needs at least one source, and supply lines or a weight: "
        "NO-SOURCE has no source; NOTHING-STATED has no supply lines and no weight."
    ]
    # All or nothing.
    assert not Shipment.objects.published().exists()
    # Unpublishing never needs evidence.
    assert Shipment.objects.filter(reference="WITH-ALL").set_published(False) == 0


def test_the_publish_action_publishes_only_what_has_its_evidence(editor_client):
    shipments = [draft("WITH-ALL"), draft("NO-SOURCE", source=False)]
    response = editor_client.post(
        SHIPMENT_URL, {"action": "publish", "_selected_action": [s.pk for s in shipments]}
    )
    assert messages(response) == [
        "Not published, for a published shipment needs at least one source, and supply lines "
        "or a weight: NO-SOURCE has no source.",
        "1 shipment published.",
    ]
    assert list(Shipment.objects.published().values_list("reference", flat=True)) == ["WITH-ALL"]


def test_the_form_refuses_to_publish_without_a_source(editor_client):
    shipment = draft("NO-SOURCE", source=False)
    response = editor_client.post(
        change_url(shipment), existing_shipment_data(shipment, is_published="on")
    )
    assert response.status_code == 200
    assert "A published shipment needs at least one source" in response.content.decode()
    shipment.refresh_from_db()
    assert not shipment.is_published


def test_the_form_refuses_to_publish_without_supplies_or_weight(editor_client):
    shipment = draft("NOTHING-STATED", item=False)
    data = existing_shipment_data(shipment, is_published="on")
    response = editor_client.post(change_url(shipment), data)
    assert "needs its supplies (a line here) or its total weight" in response.content.decode()
    shipment.refresh_from_db()
    assert not shipment.is_published
    # With a weight it may be published.
    data["weight_kg"] = "31000"
    data["loaded_version"] = str(Shipment.objects.get(pk=shipment.pk).version)
    response = editor_client.post(change_url(shipment), data)
    assert response.status_code == 302, response.context["errors"]
    shipment.refresh_from_db()
    assert shipment.is_published


def test_the_form_refuses_to_take_the_last_source_from_a_published_shipment(editor_client):
    shipment = ShipmentFactory(reference="PUBLISHED-1")
    source = SourceFactory(shipment=shipment)
    ShipmentItemFactory(shipment=shipment)
    data = existing_shipment_data(shipment)
    data.update(
        {
            "sources-TOTAL_FORMS": "1",
            "sources-INITIAL_FORMS": "1",
            "sources-0-id": str(source.pk),
            "sources-0-shipment": str(shipment.pk),
            "sources-0-title": source.title,
            "sources-0-DELETE": "on",
        }
    )
    response = editor_client.post(change_url(shipment), data)
    assert "A published shipment needs at least one source" in response.content.decode()
    assert shipment.sources.exists()


def test_check_published_lists_what_slipped_through(capsys):
    ShipmentFactory(reference="OLD-1")  # published directly, with nothing
    with pytest.raises(CommandError, match="1 published shipment lack"):
        call_command("check_published")
    assert "OLD-1 has no source and no supply lines and no weight" in capsys.readouterr().out


def test_check_published_is_quiet_when_all_is_well(capsys, demo_data):
    call_command("check_published")
    assert "All 12 published shipments cite a source" in capsys.readouterr().out


def test_the_admin_finds_what_slipped_through(editor_client):
    ShipmentFactory(reference="OLD-1")
    draft("DRAFT-1", source=False)
    response = editor_client.get(SHIPMENT_URL + "?evidence=missing")
    assert [s.reference for s in response.context["cl"].result_list] == ["OLD-1"]


def test_a_published_shipments_last_source_cannot_be_deleted_on_its_own(editor_client):
    shipment = cited(ShipmentFactory(reference="PUBLISHED-1"))
    only = shipment.sources.get()
    url = f"/admin/shipments/source/{only.pk}/delete/"
    assert editor_client.post(url, {"post": "yes"}).status_code == 403
    assert shipment.sources.exists()
    # With a second source, either may go.
    SourceFactory(shipment=shipment)
    assert editor_client.post(url, {"post": "yes"}).status_code == 302
    assert shipment.sources.count() == 1


def test_a_published_shipments_last_supply_line_goes_only_if_it_gives_a_weight(editor_client):
    shipment = cited(ShipmentFactory(reference="PUBLISHED-1"))
    only = shipment.items.get()
    url = f"/admin/shipments/shipmentitem/{only.pk}/delete/"
    assert editor_client.post(url, {"post": "yes"}).status_code == 403
    Shipment.objects.filter(pk=shipment.pk).update(weight_kg=500)
    assert editor_client.post(url, {"post": "yes"}).status_code == 302
    assert not shipment.items.exists()


def test_deleting_all_sources_at_once_is_refused_for_a_published_shipment(editor_client):
    shipment = cited(ShipmentFactory(reference="PUBLISHED-1"))
    SourceFactory(shipment=shipment)
    both = [str(pk) for pk in shipment.sources.values_list("pk", flat=True)]
    response = editor_client.post(
        "/admin/shipments/source/",
        {"action": "delete_selected", "_selected_action": both, "post": "yes"},
    )
    assert shipment.sources.count() == 2
    assert "the last source of published shipment PUBLISHED-1" in response.content.decode()


def test_the_last_source_cannot_be_moved_to_another_shipment(editor_client):
    shipment = cited(ShipmentFactory(reference="PUBLISHED-1"))
    other = ShipmentFactory(reference="OTHER-1", is_published=False)
    only = shipment.sources.get()
    response = editor_client.post(
        f"/admin/shipments/source/{only.pk}/change/",
        {
            "shipment": str(other.pk),
            "title": only.title,
            "publisher": "",
            "published_on": "",
            "url": "",
            "excerpt": "",
            "notes": "",
        },
    )
    assert response.status_code == 200
    assert "cannot be moved while that is published" in response.content.decode()
    only.refresh_from_db()
    assert only.shipment == shipment
