"""The demo data set: idempotent, sourced, and faithful to the two reports."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from donors.models import Donor, Recipient
from shipments.models import Shipment, ShipmentItem, Source

pytestmark = pytest.mark.django_db

MODELS = [Donor, Recipient, Shipment, ShipmentItem, Source]


def snapshot():
    return {
        model.__name__: sorted(model.objects.values_list("pk", "updated_at"))
        if hasattr(model, "updated_at")
        else sorted(model.objects.values_list("pk", flat=True))
        for model in MODELS
    }


def test_load_demo_twice_changes_nothing(capsys):
    call_command("load_demo")
    first = snapshot()
    call_command("load_demo")
    assert snapshot() == first
    assert "nothing changed" in capsys.readouterr().out


def test_load_demo_restores_an_edited_fact(demo_data):
    Shipment.objects.filter(reference="2020-CN-IT-003").update(value_usd=1)
    call_command("load_demo")
    assert Shipment.objects.get(reference="2020-CN-IT-003").value_usd == Decimal("343000")


def test_every_demo_shipment_is_published_sourced_and_has_substance(demo_data):
    shipments = Shipment.objects.prefetch_related("sources", "items")
    assert shipments.count() == 12
    for shipment in shipments:
        assert shipment.is_published
        assert shipment.sources.count() == 1, shipment
        assert shipment.items.exists() or shipment.weight_kg, shipment
        assert shipment.notes, shipment


def test_every_demo_row_passes_validation(demo_data):
    for model in MODELS:
        for instance in model.objects.all():
            instance.full_clean()


def test_sources_never_invent_an_address(demo_data):
    assert not Source.objects.exclude(url="").exists()
    untitled = Source.objects.filter(title__startswith="Untitled")
    assert untitled.exists()
    assert set(untitled.values_list("publisher", flat=True)) == {""}


def test_blue_river_dairy_values_as_reported(demo_data):
    shipment = Shipment.objects.get(donors__slug="blue-river-dairy")
    assert (shipment.declared_value, shipment.currency) == (Decimal("2400000"), "CNY")
    assert shipment.value_usd == Decimal("343000")
    assert shipment.shipped_on == date(2020, 3, 14)
    items = {item.description: (item.quantity, item.unit) for item in shipment.items.all()}
    assert items == {
        "N95 respirator masks": (40_000, "pieces"),
        "Protective suits": (1_800, "pieces"),
        "Gloves": (250_000, "pairs"),
    }


def test_joint_donation_is_one_shipment_with_three_donors(demo_data):
    shipment = Shipment.objects.get(reference="2020-CN-IT-005")
    assert sorted(shipment.donors.values_list("slug", flat=True)) == [
        "beijing-taikang-yicai-foundation",
        "fosun-foundation",
        "longfor-group",
    ]


def test_vague_amount_is_unknown_with_the_reports_words(demo_data):
    ventilators = ShipmentItem.objects.get(description="Ventilator sets")
    assert (ventilators.quantity, ventilators.quantity_note, ventilators.unit) == (
        None,
        "dozens",
        "sets",
    )


def test_tonnes_are_recorded_as_weight(demo_data):
    weights = dict(Shipment.objects.exclude(weight_kg=None).values_list("reference", "weight_kg"))
    assert weights == {"2020-CN-IT-001": Decimal("31000"), "2020-EU-CN-001": Decimal("56000")}


def test_belgian_delivery_is_linked_to_its_pledge(demo_data):
    delivery = Shipment.objects.get(reference="2020-CN-BE-001")
    assert delivery.pledge.reference == "2020-CN-EU-002"
    assert delivery.pledge.status == Shipment.Status.PLEDGED
    assert delivery.arrival_point == "Liege Airport"
    assert delivery.arrived_on == date(2020, 3, 16)


def test_expected_supplies_are_pledges(demo_data):
    pledged = set(Shipment.objects.filter(status="pledged").values_list("reference", flat=True))
    assert pledged == {"2020-CN-EU-001", "2020-CN-EU-002", "2020-CN-FR-001"}


def test_cumulative_figure_stays_in_notes(demo_data):
    zhejiang = Shipment.objects.get(donors__slug="zhejiang-provincial-government")
    assert "35.4 tons" in zhejiang.notes
    assert zhejiang.weight_kg is None


def test_terms_are_a_donation_only_where_a_report_says_donated(demo_data):
    """DW: "donated both by the Chinese government and private donors" is a donation; it
    says only that China "helped" Spain and that assistance is "expected" in France, and
    not whether the EU's 2 million masks are given or sold."""
    terms = dict(Shipment.objects.values_list("reference", "terms"))
    assert {terms["2020-CN-ES-001"], terms["2020-CN-FR-001"], terms["2020-CN-EU-001"]} == {
        "unclear"
    }
    assert terms["2020-CN-IT-003"] == "donation"
