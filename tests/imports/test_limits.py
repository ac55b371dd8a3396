"""An import file beyond the size, row or cell limits is refused before it is parsed."""

import io
import re
import zipfile
from unittest import mock

import pytest
import tablib
from django.test import override_settings
from import_export.formats.base_formats import CSV, XLSX

from shipments.imports.rows import COLUMN_NAMES
from shipments.models import Shipment
from tests.imports.test_import import IMPORT_URL, XLSX_FORMAT, csv_bytes, row, upload

pytestmark = pytest.mark.django_db


def lines(count):
    return [row(shipment_reference=f"2020-CN-IT-{number:03d}") for number in range(count)]


def xlsx_bytes(rows):
    dataset = tablib.Dataset(headers=COLUMN_NAMES)
    for line in rows:
        dataset.append([line[name] for name in COLUMN_NAMES])
    return dataset.export("xlsx")


def upload_error(response):
    [error] = response.context["form"].errors["import_file"]
    return error


@pytest.fixture
def parsing():
    """The parsers of both formats, watched: a refused file never reaches them."""
    with (
        mock.patch.object(CSV, "create_dataset", autospec=True, side_effect=CSV.create_dataset),
        mock.patch.object(XLSX, "create_dataset", autospec=True, side_effect=XLSX.create_dataset),
    ):
        yield [CSV.create_dataset, XLSX.create_dataset]


def test_the_import_page_states_the_limits(data_entry_client):
    page = data_entry_client.get(IMPORT_URL).content.decode()
    assert "40.0\xa0MB, 20,000 rows below the header and 1,000,000 cells" in page


@override_settings(IMPORT_MAX_FILE_BYTES=1000)
def test_a_file_over_the_size_limit_is_refused_unread(data_entry_client, parsing):
    data = csv_bytes(lines(5))
    assert len(data) > 1000
    with mock.patch("shipments.imports.files.csv_rows") as read:
        response = upload(data_entry_client, data)
    assert response.status_code == 200
    message = upload_error(response)
    assert message.startswith("The file is 1.")
    assert "KB; the import takes files of up to 1000\xa0bytes. Split it" in message
    read.assert_not_called()
    assert not any(parser.called for parser in parsing)


@override_settings(IMPORT_MAX_ROWS=3)
def test_a_csv_with_too_many_rows_is_refused_before_it_is_parsed(data_entry_client, parsing):
    response = upload(data_entry_client, csv_bytes(lines(4)))
    assert upload_error(response).startswith(
        "The file has more than 3 rows below its header, the most one import takes."
    )
    assert not any(parser.called for parser in parsing)
    assert not Shipment.objects.exists()


@override_settings(IMPORT_MAX_ROWS=3)
def test_rows_are_counted_not_lines(data_entry_client):
    """A quoted cell may run over several lines; empty lines are not rows."""
    rows = lines(3)
    for line in rows:
        line["quantity_note"] = "first line\nsecond line\nthird line"
    response = upload(data_entry_client, csv_bytes(rows) + b"\r\n\r\n")
    assert response.context["confirm_form"] is not None
    assert response.context["result"].totals["new"] == 3


@override_settings(IMPORT_MAX_CELLS=len(COLUMN_NAMES) * 2)
def test_a_file_with_too_many_cells_is_refused(data_entry_client, parsing):
    ok = upload(data_entry_client, csv_bytes(lines(2)))
    assert ok.context["confirm_form"] is not None
    response = upload(data_entry_client, csv_bytes(lines(3)))
    assert upload_error(response).startswith(
        f"The file has more than {len(COLUMN_NAMES) * 2} cells ({len(COLUMN_NAMES)} columns "
        "by 3 rows and more)"
    )


@override_settings(IMPORT_MAX_ROWS=3)
def test_an_xlsx_with_too_many_rows_is_refused_before_it_is_parsed(data_entry_client, parsing):
    response = upload(data_entry_client, xlsx_bytes(lines(4)), "lines.xlsx", XLSX_FORMAT)
    assert "more than 3 rows below its header" in upload_error(response)
    assert not any(parser.called for parser in parsing)


def with_sheet(workbook, change):
    """`workbook` (XLSX bytes) with its sheet's XML passed through `change`."""
    changed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as original, zipfile.ZipFile(changed, "w") as copy:
        for member in original.infolist():
            content = original.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            copy.writestr(member, content)
    return changed.getvalue()


def stating_size(size):
    return lambda xml: re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{size}"'.encode(), xml)


@override_settings(IMPORT_MAX_ROWS=3)
def test_an_xlsx_that_states_its_size_within_the_limits_is_not_counted(data_entry_client):
    with mock.patch("shipments.imports.files.check_rows") as count:
        response = upload(data_entry_client, xlsx_bytes(lines(3)), "lines.xlsx", XLSX_FORMAT)
    count.assert_not_called()
    assert response.context["confirm_form"] is not None


@override_settings(IMPORT_MAX_ROWS=3)
def test_an_xlsx_is_judged_by_the_size_it_states(data_entry_client):
    """openpyxl, as the import runs it, reads no further than that."""
    workbook = with_sheet(xlsx_bytes(lines(3)), stating_size("A1:Z100000"))
    response = upload(data_entry_client, workbook, "lines.xlsx", XLSX_FORMAT)
    assert "more than 3 rows below its header" in upload_error(response)


@override_settings(IMPORT_MAX_CELLS=1000)
def test_an_xlsx_that_states_no_size_is_counted(data_entry_client):
    """A cell in the last column, in a sheet that does not give its size: as wide as that."""

    def widen(xml):
        xml = xml.replace(b"</row>", b'<c r="XFD1"><v>1</v></c></row>', 1)
        return re.sub(rb"<dimension [^>]*>", b"", xml)

    wide = with_sheet(xlsx_bytes(lines(1)), widen)
    response = upload(data_entry_client, wide, "wide.xlsx", XLSX_FORMAT)
    assert "16,384 columns" in upload_error(response)


@override_settings(IMPORT_MAX_FILE_BYTES=100_000)
def test_a_zip_bomb_is_refused_before_it_is_opened(data_entry_client, parsing):
    """Two megabytes of zeros compress to a few kilobytes."""
    bomb = io.BytesIO(xlsx_bytes(lines(1)))
    with zipfile.ZipFile(bomb, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet2.xml", bytes(2_100_000))
    assert len(bomb.getvalue()) < 100_000
    with mock.patch("openpyxl.load_workbook") as load:
        response = upload(data_entry_client, bomb.getvalue(), "bomb.xlsx", XLSX_FORMAT)
    assert upload_error(response).startswith(
        "The workbook unpacks to 2.0\xa0MB; the import takes workbooks of up to "
        "976.6\xa0KB unpacked."
    )
    load.assert_not_called()
    assert not any(parser.called for parser in parsing)


def test_a_file_that_is_no_workbook_says_so(data_entry_client):
    response = upload(data_entry_client, csv_bytes(lines(1)), "lines.csv", XLSX_FORMAT)
    assert upload_error(response).startswith("The file is not an Excel workbook (.xlsx)")


@override_settings(IMPORT_MAX_ROWS=3)
def test_a_file_within_the_limits_imports(data_entry_client):
    response = upload(data_entry_client, xlsx_bytes(lines(3)), "lines.xlsx", XLSX_FORMAT)
    assert response.context["confirm_form"] is not None
