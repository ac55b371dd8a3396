"""Emergencies: reference data naming each shipment's crisis by its GLIDE number."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from shipments.models import COVID_19, Emergency, Shipment
from tests.admin_forms import SHIPMENT_URL, change_url, existing_shipment_data, shipment_data
from tests.factories import DonorFactory, RecipientFactory, ShipmentFactory

pytestmark = pytest.mark.django_db

EMERGENCY_URL = "/admin/shipments/emergency/"


def ebola(**fields):
    return Emergency.objects.create(name="Ebola in the DRC", glide="EP-2018-000129-COD", **fields)


@pytest.mark.parametrize(
    "glide", ["EP-2020-000012-001", "FL-2013-000139-PHL", "EQ-2023-000015-TUR"]
)
def test_a_glide_number_is_hazard_year_serial_and_country(glide):
    Emergency(name="Some emergency", glide=glide).full_clean(validate_unique=False)


@pytest.mark.parametrize(
    "glide",
    [
        "EP-2020-12-001",
        "EP2020000012001",
        "E-2020-000012-001",
        "EP-20-000012-001",
        "EP-2020-000012-0001",
        "EP-2020-000012-",
        "COVID-19",
    ],
)
def test_a_malformed_glide_number_is_refused_with_its_format(glide):
    with pytest.raises(ValidationError) as refused:
        Emergency(name="Some emergency", glide=glide).full_clean()
    assert "XX-YYYY-NNNNNN-CCC" in str(refused.value.message_dict["glide"])


def test_a_glide_number_typed_in_lower_case_is_stored_in_capitals():
    emergency = Emergency(name="Floods", glide=" fl-2013-000139-phl ")
    emergency.full_clean()
    assert emergency.glide == "FL-2013-000139-PHL"


def test_a_glide_number_names_one_emergency():
    with pytest.raises(ValidationError) as refused:
        Emergency(name="Again", glide=COVID_19["glide"]).full_clean()
    assert "glide" in refused.value.message_dict


def test_covid_19_is_the_default_emergency_of_new_shipments():
    covid = Emergency.objects.get(glide="EP-2020-000012-001")
    assert (covid.name, covid.is_default) == ("COVID-19", True)
    assert Emergency.objects.default() == covid
    assert ShipmentFactory().emergency == covid


def test_making_an_emergency_the_default_makes_it_the_only_one():
    covid = Emergency.objects.default()
    new = ebola(is_default=True)
    assert list(Emergency.objects.filter(is_default=True)) == [new]
    covid.refresh_from_db()
    assert not covid.is_default
    # Both changes are in the history.
    assert covid.history.first().is_default is False
    assert ShipmentFactory().emergency == new


def test_an_emergency_with_shipments_cannot_be_deleted():
    from django.db.models import ProtectedError

    ShipmentFactory()
    with pytest.raises(ProtectedError):
        Emergency.objects.default().delete()


# The staff tool ---------------------------------------------------------------


def test_staff_pick_the_emergency_of_a_new_shipment(editor_client):
    other = ebola()
    data = shipment_data(
        [DonorFactory(country="CN")], RecipientFactory(country="IT"), emergency=str(other.pk)
    )
    response = editor_client.post(f"{SHIPMENT_URL}add/", data)
    assert response.status_code == 302
    shipment = Shipment.objects.get(reference="2020-CN-IT-100")
    assert shipment.emergency == other
    assert shipment.history.first().emergency_id == other.pk


def test_the_add_page_offers_every_emergency_with_the_default_chosen(editor_client):
    other = ebola()
    form = editor_client.get(f"{SHIPMENT_URL}add/").context["adminform"].form
    assert set(form.fields["emergency"].queryset) == {Emergency.objects.default(), other}
    assert form["emergency"].value() == Emergency.objects.default().pk


def test_staff_move_a_shipment_to_another_emergency(editor_client):
    shipment = ShipmentFactory(is_published=False)
    other = ebola()
    response = editor_client.post(
        change_url(shipment), existing_shipment_data(shipment, emergency=str(other.pk))
    )
    assert response.status_code == 302
    shipment.refresh_from_db()
    assert shipment.emergency == other


def test_a_form_sent_without_an_emergency_keeps_the_shipments(editor_client):
    """A change held for review before emergencies were recorded is applied as it was."""
    other = ebola()
    shipment = ShipmentFactory(is_published=False, emergency=other)
    data = existing_shipment_data(shipment, notes="Checked")
    data.pop("emergency", None)
    response = editor_client.post(change_url(shipment), data)
    assert response.status_code == 302
    shipment.refresh_from_db()
    assert (shipment.emergency, shipment.notes) == (other, "Checked")


def test_the_shipment_list_filters_by_emergency(editor_client):
    other = ebola()
    ShipmentFactory(reference="COVID-1")
    ShipmentFactory(reference="EBOLA-1", emergency=other)
    response = editor_client.get(SHIPMENT_URL, {"emergency__id__exact": other.pk})
    assert [s.reference for s in response.context["cl"].result_list] == ["EBOLA-1"]


def test_emergencies_have_a_staff_page_with_their_shipment_counts(editor_client):
    ShipmentFactory()
    response = editor_client.get(EMERGENCY_URL)
    assert response.status_code == 200
    [covid] = response.context["cl"].result_list
    assert covid.shipment_count == 1


def test_editors_add_emergencies_with_their_history(editor_client):
    response = editor_client.post(
        f"{EMERGENCY_URL}add/",
        {"name": "Türkiye earthquake", "glide": "eq-2023-000015-tur", "started_on": "2023-02-06"},
    )
    assert response.status_code == 302
    emergency = Emergency.objects.get(glide="EQ-2023-000015-TUR")
    assert emergency.history.count() == 1


def test_editors_are_told_a_malformed_glide_number_on_the_form(editor_client):
    response = editor_client.post(f"{EMERGENCY_URL}add/", {"name": "X", "glide": "EQ-2023"})
    assert response.status_code == 200
    assert "XX-YYYY-NNNNNN-CCC" in response.content.decode()
    assert not Emergency.objects.filter(name="X").exists()


def test_data_entry_sees_the_emergencies_but_does_not_change_them(data_entry_client):
    assert data_entry_client.get(EMERGENCY_URL).status_code == 200
    response = data_entry_client.post(
        f"{EMERGENCY_URL}add/", {"name": "X", "glide": "EQ-2023-000015-TUR"}
    )
    assert response.status_code == 403
    assert not Emergency.objects.filter(name="X").exists()


# The migration ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_files_every_stored_shipment_under_covid_19_and_reverses():
    executor = MigrationExecutor(connection)
    before = [("shipments", "0016_arrival_indexes")]
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Recipient = old.get_model("donors", "Recipient")
    OldShipment = old.get_model("shipments", "Shipment")
    recipient = Recipient.objects.create(name="R", slug="r", kind="hospital", country="IT")
    for number in range(3):
        OldShipment.objects.create(
            reference=f"OLD-{number}",
            recipient=recipient,
            origin_country="CN",
            destination_country="IT",
        )
    MigrationExecutor(connection).migrate(latest)
    covid = Emergency.objects.get(glide=COVID_19["glide"])
    assert covid.is_default
    assert list(Shipment.objects.values_list("emergency", flat=True)) == [covid.pk] * 3
    # Reversible: back to where it was, the shipments intact, then forward again.
    MigrationExecutor(connection).migrate(before)
    assert OldShipment.objects.count() == 3
    MigrationExecutor(connection).migrate(latest)
    covid = Emergency.objects.get(glide=COVID_19["glide"])
    assert set(Shipment.objects.values_list("emergency", flat=True)) == {covid.pk}


# The demo and synthetic data sets -------------------------------------------------


def test_the_demo_data_is_of_covid_19(demo_data):
    assert set(Shipment.objects.values_list("emergency__glide", flat=True)) == {COVID_19["glide"]}


def test_synthetic_shipments_are_of_covid_19_whatever_the_default(db):
    from shipments.synthetic.loader import load_synthetic_data

    Emergency.objects.create(name="Ebola in the DRC", glide="EP-2018-000129-COD", is_default=True)
    load_synthetic_data(50, items_per_shipment=2, seed=1)
    assert set(Shipment.objects.values_list("emergency__glide", flat=True)) == {COVID_19["glide"]}


def test_the_demo_puts_covid_19_back_if_it_was_deleted(db):
    from shipments.demo.loader import load_demo

    Emergency.objects.all().delete()
    load_demo()
    assert Emergency.objects.get().glide == COVID_19["glide"]
