"""The status workflow and publishing as admin actions, with their messages."""

import pytest
from django.contrib.messages import get_messages

from shipments.models import Shipment
from tests.admin_forms import SHIPMENT_URL
from tests.factories import ShipmentFactory, cited

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("mark_dispatched", "dispatched"),
        ("mark_delivered", "delivered"),
        ("mark_cancelled", "cancelled"),
    ],
)
def test_status_action_says_how_many_changed(data_entry_client, action, status):
    shipments = [
        *ShipmentFactory.create_batch(2, status="pledged", is_published=False),
        ShipmentFactory(status=status, is_published=False),
    ]
    response = data_entry_client.post(
        SHIPMENT_URL, {"action": action, "_selected_action": [s.pk for s in shipments]}
    )
    assert response.status_code == 302
    assert Shipment.objects.filter(status=status).count() == 3
    [message] = [m.message for m in get_messages(response.wsgi_request)]
    assert message == f"2 shipments marked {status}. 1 already was."


def test_one_shipment_is_singular(editor_client):
    shipment = cited(ShipmentFactory(is_published=False))
    response = editor_client.post(
        SHIPMENT_URL, {"action": "publish", "_selected_action": [shipment.pk]}
    )
    assert [m.message for m in get_messages(response.wsgi_request)] == ["1 shipment published."]
