"""A CSV file in another encoding than UTF-8 is refused, saying what it is and what to do."""

import pytest

from shipments.models import ShipmentItem
from tests.imports.test_import import confirm, csv_bytes, row, upload
from tests.imports.test_limits import upload_error, xlsx_bytes

pytestmark = pytest.mark.django_db

HOW_TO_SAVE = "Save it as CSV UTF-8 and upload that file: in Excel, File > Save As > 'CSV UTF-8"


def text(**values):
    return csv_bytes([row(**values)]).decode()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_file_is_named_with_or_without_its_byte_order_mark(data_entry_client, encoding):
    response = upload(data_entry_client, text().encode(encoding))
    message = upload_error(response)
    assert message.startswith("The file is in UTF-16, as Excel's 'Unicode Text' saves it")
    assert HOW_TO_SAVE in message
    assert "'Unicode (UTF-8)'" in message


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_a_latin1_file_names_the_line_and_what_it_reads(data_entry_client, encoding):
    response = upload(data_entry_client, text(recipient="Hôpital de Liège").encode(encoding))
    message = upload_error(response)
    assert message.startswith(
        "The file is not in UTF-8, the encoding the import reads: line 2 (the header is "
        "line 1) has the byte 0xF4 where UTF-8 cannot have it. It is probably in "
        "Windows-1252 or Latin-1"
    )
    quoted = message.split("in which line 2 reads '", 1)[1].split("'")[0]
    assert quoted.startswith("...") and quoted.endswith("...")
    assert ",Hôpital de Liège," in quoted
    assert HOW_TO_SAVE in message


def test_a_byte_windows_1252_does_not_use_either_makes_no_guess(data_entry_client):
    response = upload(data_entry_client, text().encode() + b"\x81\r\n")
    message = upload_error(response)
    assert "line 3 (the header is line 1) has the byte 0x81" in message
    assert "Windows-1252" not in message
    assert HOW_TO_SAVE in message


def test_a_character_cut_short_at_the_end_is_refused(data_entry_client):
    response = upload(data_entry_client, text().encode() + "é".encode()[:1])
    assert "has the byte 0xC3" in upload_error(response)


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (xlsx_bytes([row()]), "an Excel workbook (.xlsx)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "an old Excel workbook (.xls)"),
    ],
)
def test_a_workbook_given_as_csv_is_named(data_entry_client, content, named):
    assert f"The file is {named}" in upload_error(upload(data_entry_client, content))


def test_utf8_with_a_byte_order_mark_imports(data_entry_client):
    data = csv_bytes([row(recipient="Hôpital de Liège", description="Masques")], bom=True)
    preview = upload(data_entry_client, data)
    assert preview.context["confirm_form"] is not None
    confirm(data_entry_client, preview)
    item = ShipmentItem.objects.select_related("shipment__recipient").get()
    assert (item.shipment.recipient.name, item.description) == ("Hôpital de Liège", "Masques")
