"""Spreadsheet import: one row per supply line, in the columns of /items.csv."""

import csv
import io

import pytest
import tablib
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from import_export.formats.base_formats import CSV

from donors.models import Donor, Recipient
from shipments.imports.resource import ShipmentItemResource
from shipments.imports.rows import COLUMN_NAMES, OPTIONAL_COLUMNS
from shipments.imports.run import ImportRun
from shipments.models import Shipment, ShipmentItem
from tests.admin_forms import SHIPMENT_URL
from tests.factories import DonorFactory, RecipientFactory, ShipmentFactory, ShipmentItemFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = f"{SHIPMENT_URL}import/"
CONFIRM_URL = f"{SHIPMENT_URL}process_import/"
CSV_FORMAT, XLSX_FORMAT = "0", "1"


def row(**values):
    """One line of the file: a box of masks from a Chinese foundation to Italy."""
    line = dict.fromkeys(COLUMN_NAMES, "")
    line.update(
        shipment_reference="2020-CN-IT-001",
        status="delivered",
        donors="Jack Ma Foundation",
        donor_countries="CN",
        donor_kinds="foundation",
        recipient="Italian Red Cross",
        recipient_country="IT",
        recipient_kind="red-cross",
        shipped_on="2020-03-12",
        category="masks",
        description="Surgical masks",
        quantity="1000",
        unit="pieces",
        quantity_is_estimate="false",
        terms="donation",
    )
    line.update(values)
    return line


def csv_bytes(rows, columns=COLUMN_NAMES, bom=False):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode()


def import_file(data, dry_run=False, user=None):
    """Import CSV bytes exactly as the admin reads them."""
    dataset = CSV(encoding="utf-8-sig").create_dataset(data.decode("utf-8-sig"))
    return ShipmentItemResource().import_data(dataset, dry_run=dry_run, user=user)


def invalid_rows(result):
    return {
        invalid.number: {**invalid.field_specific_errors, "": invalid.non_field_specific_errors}
        for invalid in result.invalid_rows
    }


def history_counts():
    return [model.history.count() for model in (Shipment, ShipmentItem, Donor, Recipient)]


# The resource ---------------------------------------------------------------


def test_rows_of_one_reference_make_one_shipment_with_new_parties():
    result = import_file(
        csv_bytes(
            [
                row(),
                row(category="gloves", description="Gloves", quantity="500", unit="pairs"),
                row(
                    shipment_reference="2020-CN-IT-002",
                    donors="Fosun Foundation; Longfor Group",
                    donor_countries="CN; CN",
                    donor_kinds="foundation; company",
                    description="N95 respirator masks",
                    quantity="",
                    quantity_note="tens of thousands",
                    quantity_is_estimate="true",
                ),
            ]
        )
    )
    assert not result.has_validation_errors() and not result.has_errors()
    assert result.totals["new"] == 3
    first = Shipment.objects.get(reference="2020-CN-IT-001")
    assert [item.description for item in first.items.all()] == ["Surgical masks", "Gloves"]
    assert (first.origin_country, first.destination_country) == ("CN", "IT")
    assert not first.is_published
    joint = Shipment.objects.get(reference="2020-CN-IT-002")
    assert sorted(joint.donors.values_list("slug", "kind")) == [
        ("fosun-foundation", "foundation"),
        ("longfor-group", "company"),
    ]
    [record] = joint.history.all()
    assert sorted(link.donor.slug for link in record.donors.all()) == [
        "fosun-foundation",
        "longfor-group",
    ]
    vague = joint.items.get()
    assert (vague.quantity, vague.quantity_note, vague.is_estimate) == (
        None,
        "tens of thousands",
        True,
    )
    assert Recipient.objects.get().kind == "red-cross"
    assert result.created == {"shipments": 2, "donors": 3, "recipients": 1}


def test_importing_the_same_file_twice_changes_nothing():
    data = csv_bytes([row(), row(category="gloves", description="Gloves", unit="pairs")])
    import_file(data)
    counts = history_counts()
    result = import_file(data)
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (0, 0, 2)
    assert (Shipment.objects.count(), ShipmentItem.objects.count()) == (1, 2)
    assert history_counts() == counts


def test_one_bad_row_saves_nothing_and_names_the_row():
    data = csv_bytes(
        [
            row(),
            row(shipment_reference="2020-CN-IT-002", quantity="-5"),
            row(shipment_reference="2020-CN-IT-003", shipped_on="14/03/2020"),
        ]
    )
    result = import_file(data)
    errors = invalid_rows(result)
    assert set(errors) == {2, 3}
    assert errors[2]["quantity"] == ["A quantity cannot be negative; leave it blank if unknown."]
    assert "YYYY-MM-DD" in errors[3]["shipped_on"][0]
    assert not Shipment.objects.exists()
    assert not Donor.objects.exists()


def test_model_rules_apply_to_imported_rows():
    result = import_file(
        csv_bytes(
            [
                row(shipped_on="2020-03-14", arrived_on="2020-03-10"),
                row(shipment_reference="bad ref", description="Gloves"),
            ]
        )
    )
    errors = invalid_rows(result)
    assert "arrival date cannot be before" in str(errors[1])
    assert "capital letters" in str(errors[2]["shipment_reference"])
    assert not Shipment.objects.exists()


def test_a_shipments_rows_must_agree():
    result = import_file(csv_bytes([row(), row(description="Gloves", status="pledged")]))
    [message] = invalid_rows(result)[2]["status"]
    assert "differs from row 1" in message
    assert not Shipment.objects.exists()


def test_a_supply_line_is_given_once():
    result = import_file(csv_bytes([row(), row(quantity="7")]))
    assert "Row 1 already gives" in invalid_rows(result)[2][""][0]


def test_new_party_needs_a_country():
    result = import_file(csv_bytes([row(donor_countries="", donor_kinds="")]))
    assert "'Jack Ma Foundation' is new" in invalid_rows(result)[1]["donor_countries"][0]


def test_unknown_codes_are_named():
    result = import_file(csv_bytes([row(category="soap", unit="crates", recipient_country="XX")]))
    errors = invalid_rows(result)[1]
    assert "use one of: masks" in errors["category"][0]
    assert "'crates' is not one of" in errors["unit"][0]
    assert "'XX' is not an ISO 3166" in errors["recipient_country"][0]


def test_parties_are_matched_by_slug_or_exact_name():
    donor = DonorFactory(slug="jack-ma-foundation", name="Jack Ma Foundation", country="CN")
    recipient = RecipientFactory(name="Italian Red Cross")
    import_file(csv_bytes([row(donors="jack-ma-foundation", donor_countries="")]))
    shipment = Shipment.objects.get()
    assert list(shipment.donors.all()) == [donor]
    assert shipment.recipient == recipient
    assert (Donor.objects.count(), Recipient.objects.count()) == (1, 1)


def test_a_new_partys_slug_does_not_clash():
    DonorFactory(slug="jack-ma-foundation", name="Jack Ma Foundation (Hong Kong)")
    import_file(csv_bytes([row()]))
    assert Shipment.objects.get().donors.get().slug == "jack-ma-foundation-2"


def test_reimport_updates_changes_but_never_unpublishes():
    import_file(csv_bytes([row()]))
    Shipment.objects.update(is_published=True)
    result = import_file(csv_bytes([row(quantity="2000", arrival_point="Milan Malpensa")]))
    assert result.totals["update"] == 1
    shipment = Shipment.objects.get()
    assert shipment.is_published
    assert shipment.arrival_point == "Milan Malpensa"
    assert shipment.items.get().quantity == 2000


def test_an_existing_shipment_keeps_its_other_items():
    item = ShipmentItemFactory(
        shipment=ShipmentFactory(reference="2020-CN-IT-001"), description="Old line"
    )
    import_file(csv_bytes([row()]))
    shipment = Shipment.objects.get()
    assert [line.description for line in shipment.items.all()] == ["Old line", "Surgical masks"]
    assert shipment.items.get(description="Surgical masks").position == item.position + 1


def test_neutralised_cells_are_read_back():
    import_file(csv_bytes([row(description="'=cmd|calc", quantity_note="'not given")]))
    item = ShipmentItem.objects.get()
    assert (item.description, item.quantity_note) == ("=cmd|calc", "'not given")


def test_cells_neutralised_after_a_separator_are_read_back():
    import_file(
        csv_bytes(
            [
                row(
                    donors="1st Aid; '=cmd|calc",
                    donor_countries="CN; CN",
                    donor_kinds="ngo; foundation",
                    description="Masks; '=1+1, '\N{FULLWIDTH EQUALS SIGN}2",
                    quantity_note="''+ not given",
                )
            ]
        )
    )
    item = ShipmentItem.objects.get()
    assert item.description == "Masks; =1+1, \N{FULLWIDTH EQUALS SIGN}2"
    assert item.quantity_note == "'+ not given"
    assert sorted(item.shipment.donors.values_list("name", flat=True)) == ["1st Aid", "=cmd|calc"]


def test_nul_characters_are_dropped():
    import_file(csv_bytes([row(description="Surgical\x00 masks")]))
    assert ShipmentItem.objects.get().description == "Surgical masks"


def test_informational_columns_may_be_left_out():
    columns = [name for name in COLUMN_NAMES if name not in {"url", "category_name"}]
    line = {name: value for name, value in row().items() if name in columns}
    result = import_file(csv_bytes([line], columns=columns))
    assert result.totals["new"] == 1


def test_a_wrong_header_is_reported_and_nothing_saved():
    data = csv_bytes([{"reference": "X"}], columns=["reference"])
    result = import_file(data)
    [error] = result.base_errors
    assert "missing column(s): shipment_reference" in str(error.error)
    assert "unknown column(s): reference" in str(error.error)


def test_one_resource_previews_one_file_then_imports_another():
    resource = ShipmentItemResource()
    first = CSV(encoding="utf-8-sig").create_dataset(
        csv_bytes([row(), row(description="Gloves", unit="pairs")]).decode()
    )
    preview = resource.import_data(first, dry_run=True)
    assert preview.totals["new"] == 2
    other = row(shipment_reference="2020-CN-IT-002", quantity="5")
    second = CSV(encoding="utf-8-sig").create_dataset(csv_bytes([other]).decode())
    result = resource.import_data(second)
    assert (result.totals["new"], result.created["shipments"]) == (1, 1)
    [item] = ShipmentItem.objects.all()
    assert (item.shipment.reference, item.position, item.quantity) == ("2020-CN-IT-002", 0, 5)


def test_two_imports_read_side_by_side_keep_apart():
    """Rows of two files read in turn, as two requests may: each run holds its own file."""
    files = [
        [row(), row(description="Gloves", unit="pairs")],
        [
            row(shipment_reference="2020-CN-IT-002"),
            row(shipment_reference="2020-CN-IT-002", unit=""),
        ],
    ]
    runs = [ImportRun(), ImportRun()]
    for run, rows in zip(runs, files, strict=True):
        run.open(tablib.Dataset(*[list(line.values()) for line in rows], headers=COLUMN_NAMES))
    assert runs[0].read(1, files[0][0]).import_type == "new"
    assert runs[1].read(1, files[1][0]).import_type == "new"
    assert runs[0].read(2, files[0][1]).import_type == "new"
    with pytest.raises(ValidationError) as error:
        runs[1].read(2, files[1][1])
    assert error.value.message_dict == {"unit": ["Give the unit."]}
    runs[0].save()
    shipment = Shipment.objects.get()
    assert shipment.reference == "2020-CN-IT-001"
    assert [item.description for item in shipment.items.all()] == ["Surgical masks", "Gloves"]


# The admin pages --------------------------------------------------------------


def upload(client, data, name="shipments.csv", file_format=CSV_FORMAT):
    return client.post(
        IMPORT_URL,
        {
            "resource": "0",
            "format": file_format,
            "import_file": SimpleUploadedFile(name, data),
        },
    )


def confirm(client, preview):
    return client.post(CONFIRM_URL, preview.context["confirm_form"].initial)


def test_preview_then_confirm_saves_with_the_user_in_the_history(data_entry_client, data_entry):
    preview = upload(data_entry_client, csv_bytes([row()], bom=True))
    assert preview.status_code == 200
    assert preview.context["confirm_form"] is not None
    assert "Surgical masks" in preview.content.decode()
    assert not Shipment.objects.exists()

    response = confirm(data_entry_client, preview)
    assert response.status_code == 302
    shipment = Shipment.objects.get()
    assert (shipment.created_by, shipment.updated_by) == (data_entry, data_entry)
    assert shipment.history.latest().history_user == data_entry
    assert shipment.items.get().history.get().history_user == data_entry
    [message] = [m.message for m in get_messages(response.wsgi_request)]
    assert message == (
        "Import finished: 1 supply line added, 0 updated, 0 unchanged; 1 new shipment, "
        "1 new donor, 1 new recipient. New shipments are not published."
    )


def test_preview_names_the_bad_row_and_offers_no_confirmation(data_entry_client):
    response = upload(data_entry_client, csv_bytes([row(), row(description="Gloves", unit="")]))
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert "<td>2</td>" in page
    assert "Give the unit." in page
    assert not Shipment.objects.exists()


def test_a_wrong_header_is_explained_on_the_page(data_entry_client):
    response = upload(data_entry_client, b"reference,quantity\r\nX,1\r\n")
    page = response.content.decode()
    assert "does not match the template" in page
    assert "Traceback" not in page


def test_an_unreadable_file_is_a_form_error(data_entry_client):
    response = upload(data_entry_client, b"\xff\xfe\x00garbage", file_format=XLSX_FORMAT)
    assert response.status_code == 200
    assert response.context["form"].errors["import_file"]


def test_xlsx_file_imports(data_entry_client):
    dataset = tablib.Dataset(headers=COLUMN_NAMES)
    values = row(quantity=1000)
    dataset.append([values[name] for name in COLUMN_NAMES])
    preview = upload(data_entry_client, dataset.export("xlsx"), "shipments.xlsx", XLSX_FORMAT)
    assert preview.context["confirm_form"] is not None, preview.context["result"].invalid_rows
    confirm(data_entry_client, preview)
    assert ShipmentItem.objects.get().quantity == 1000


def test_import_page_links_the_templates(data_entry_client):
    page = data_entry_client.get(IMPORT_URL).content.decode()
    assert f'href="{IMPORT_URL}template.csv"' in page
    assert f'href="{IMPORT_URL}template.xlsx"' in page


def test_csv_template_is_the_header_row(data_entry_client):
    response = data_entry_client.get(f"{IMPORT_URL}template.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode().splitlines() == [",".join(COLUMN_NAMES)]


def test_xlsx_template_is_the_header_row(data_entry_client):
    response = data_entry_client.get(f"{IMPORT_URL}template.xlsx")
    dataset = tablib.Dataset().load(response.content, format="xlsx")
    assert (dataset.headers, len(dataset)) == (COLUMN_NAMES, 0)


def test_unknown_template_format_is_not_found(data_entry_client):
    assert data_entry_client.get(f"{IMPORT_URL}template.ods").status_code == 404


def test_a_file_that_became_invalid_after_its_preview_saves_nothing(data_entry_client):
    preview = upload(data_entry_client, csv_bytes([row()]))
    # Meanwhile two donors of that name appear: the name no longer says which.
    DonorFactory(name="Jack Ma Foundation", slug="jack-ma-1")
    DonorFactory(name="Jack Ma Foundation", slug="jack-ma-2")
    response = confirm(data_entry_client, preview)
    assert (response.status_code, response["Location"]) == (302, IMPORT_URL)
    [message] = [m.message for m in get_messages(response.wsgi_request)]
    assert message.startswith("Nothing was imported")
    assert not Shipment.objects.exists()


def test_a_file_without_the_kind_columns_leaves_stored_kinds_alone():
    """Files written before quantity_kind existed say nothing of it; a re-import keeps it."""
    import_file(csv_bytes([row(quantity="2000000")]))
    item = ShipmentItem.objects.get()
    ShipmentItem.objects.filter(pk=item.pk).update(
        quantity_kind="at_least", quantity_min=2_000_000, is_estimate=True
    )
    old_columns = [name for name in COLUMN_NAMES if name not in OPTIONAL_COLUMNS]
    line = {name: value for name, value in row(quantity="2000000").items() if name in old_columns}
    result = import_file(csv_bytes([line], columns=old_columns))
    assert not result.has_validation_errors() and not result.has_errors()
    item.refresh_from_db()
    assert (item.quantity_kind, item.quantity_min, item.quantity) == (
        "at_least",
        2_000_000,
        2_000_000,
    )
