"""Confirming an import: once, of a file this session previewed, and never a server error.

Each test runs with the upload waiting in a temporary folder and in Redis
(as with REDIS_URL set), where a file no longer there reads as None.
"""

import os
import tempfile

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.test import Client

from shipments.models import Shipment, ShipmentItem
from tests.imports.test_import import CONFIRM_URL, IMPORT_URL, confirm, csv_bytes, row, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_storage")]

UPLOAD_AGAIN = (
    "The uploaded file is no longer here (already imported, or too old): upload it again."
)


@pytest.fixture
def previewed(data_entry_client):
    """The confirmation a preview offers, as the browser sends it back."""
    preview = upload(data_entry_client, csv_bytes([row()]))
    return dict(preview.context["confirm_form"].initial)


def messages_of(response):
    return [message.message for message in get_messages(response.wsgi_request)]


def sent_back_to_upload(response):
    redirected = (response.status_code, response["Location"]) == (302, IMPORT_URL)
    return redirected and messages_of(response)[-1] == UPLOAD_AGAIN


def test_confirming_twice_imports_once(data_entry_client, previewed):
    first = data_entry_client.post(CONFIRM_URL, previewed)
    assert first.status_code == 302
    assert first["Location"] != IMPORT_URL
    second = data_entry_client.post(CONFIRM_URL, previewed)
    assert sent_back_to_upload(second)
    assert ShipmentItem.objects.count() == 1


def test_a_file_gone_from_the_storage_is_uploaded_again(data_entry_client, previewed):
    storage = admin.site.get_model_admin(Shipment).get_tmp_storage_class()
    storage(name=os.path.basename(previewed["import_file_name"])).remove()
    assert sent_back_to_upload(data_entry_client.post(CONFIRM_URL, previewed))
    assert not Shipment.objects.exists()


def test_another_sessions_preview_cannot_be_confirmed(previewed, editor):
    other = Client()
    other.force_login(editor)
    assert sent_back_to_upload(other.post(CONFIRM_URL, previewed))
    assert not Shipment.objects.exists()


@pytest.mark.parametrize(
    "tampered",
    [
        {"format": "9"},
        {"format": "1"},  # a format the file was not previewed in
        {"format": "-1"},
        {"format": "²"},  # a digit to str.isdigit(), not to int()
        {"format": ""},
        {"resource": "7"},
        {"resource": "-1"},
        {"resource": "9" * 40},
        {"resource": "x"},
        {"import_file_name": ""},
        {"original_file_name": "shipments\x00.csv"},
    ],
)
def test_a_tampered_confirmation_is_a_bad_request(data_entry_client, previewed, tampered):
    response = data_entry_client.post(CONFIRM_URL, {**previewed, **tampered})
    assert response.status_code == 400
    assert not Shipment.objects.exists()


@pytest.mark.parametrize("name", ["../../etc/passwd", "passwd", "x/", "tmp", "."])
def test_a_confirmation_reads_no_file_but_its_own(data_entry_client, previewed, name):
    response = data_entry_client.post(CONFIRM_URL, {**previewed, "import_file_name": name})
    assert sent_back_to_upload(response)
    assert not Shipment.objects.exists()


def test_a_confirmation_naming_another_file_neither_reads_nor_removes_it(
    data_entry_client, previewed
):
    with tempfile.NamedTemporaryFile(delete=False) as other:
        other.write(csv_bytes([row()]))
    try:
        name = os.path.basename(other.name)
        response = data_entry_client.post(CONFIRM_URL, {**previewed, "import_file_name": name})
        assert sent_back_to_upload(response)
        assert os.path.exists(other.name)
    finally:
        os.remove(other.name)
    assert not Shipment.objects.exists()
    # The file previewed is still the session's to confirm.
    assert data_entry_client.post(CONFIRM_URL, previewed).status_code == 302
    assert Shipment.objects.count() == 1


def test_a_confirmation_is_posted(data_entry_client, previewed):
    assert data_entry_client.get(CONFIRM_URL, previewed).status_code == 405


def test_confirming_a_preview_still_works_after_a_later_one(data_entry_client, previewed):
    later = upload(data_entry_client, csv_bytes([row(shipment_reference="2020-CN-IT-002")]))
    confirm(data_entry_client, later)
    assert data_entry_client.post(CONFIRM_URL, previewed).status_code == 302
    assert sorted(Shipment.objects.values_list("reference", flat=True)) == [
        "2020-CN-IT-001",
        "2020-CN-IT-002",
    ]


def test_a_preview_that_cannot_be_confirmed_keeps_no_file(data_entry_client, import_storage):
    response = upload(data_entry_client, csv_bytes([row(unit="")]))
    assert "confirm_form" not in response.context
    stored = response.context["form"].cleaned_data["import_file"].tmp_storage_name
    if import_storage == "redis":
        storage = admin.site.get_model_admin(Shipment).get_tmp_storage_class()
        assert storage(name=stored).read() is None
    else:
        assert not os.path.exists(os.path.join(tempfile.gettempdir(), stored))
