"""Quantities as reported (issue 14, point 1): a figure, its kind, and the bounds the
report's words allow. "40,000" is exact; "about 20" approximate; "over 2 million" at least
2,000,000; "up to 500" at most 500; "one to two hundred" 100 to 200; "dozens" no figure,
at least 24."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from shipments.models import QuantityKind, ShipmentItem
from tests.admin_forms import change_url, existing_shipment_data
from tests.factories import ShipmentFactory, ShipmentItemFactory, category, cited

pytestmark = pytest.mark.django_db


def line(**values):
    defaults = {"quantity": None, "quantity_note": "", "quantity_kind": QuantityKind.EXACT}
    return ShipmentItem(
        shipment=ShipmentFactory(),
        category=category("masks"),
        description="Masks",
        **{**defaults, **values},
    )


def errors_of(item):
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    return error.value.message_dict


@pytest.mark.parametrize(
    "given, stored",
    [
        # (kind, figure, min, max) given -> (figure, min, max, estimate) stored
        # An exact figure is its own bounds; none are stored beside it.
        (("exact", 40_000, None, None), (40_000, None, None, False)),
        (("exact", 40_000, 40_000, 40_000), (40_000, None, None, False)),
        (("approximate", 20, None, None), (20, None, None, True)),
        (("at_least", None, 2_000_000, None), (2_000_000, 2_000_000, None, True)),
        (("at_least", 2_500_000, 2_000_000, None), (2_500_000, 2_000_000, None, True)),
        (("at_most", None, None, 500), (500, None, 500, True)),
        (("range", None, 100, 200), (None, 100, 200, True)),
        (("unknown", None, 24, None), (None, 24, None, True)),
    ],
)
def test_each_kind_keeps_its_figure_and_bounds(given, stored):
    kind, quantity, low, high = given
    item = line(
        quantity_kind=kind,
        quantity=quantity,
        quantity_min=low,
        quantity_max=high,
        quantity_note="as reported",
    )
    item.full_clean()
    item.save()
    item.refresh_from_db()
    assert (item.quantity, item.quantity_min, item.quantity_max, item.is_estimate) == stored


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"quantity_kind": "exact"}, "quantity", "An exact quantity needs its figure"),
        (
            {"quantity_kind": "exact", "quantity": 20, "quantity_max": 30},
            "quantity_kind",
            "An exact figure has no other bounds",
        ),
        ({"quantity_kind": "approximate"}, "quantity", "Give the approximate figure"),
        ({"quantity_kind": "at_least"}, "quantity_min", "Give the lower bound"),
        (
            {"quantity_kind": "at_least", "quantity_min": 5, "quantity_max": 9},
            "quantity_max",
            "'At least' has no upper bound",
        ),
        ({"quantity_kind": "at_most"}, "quantity_max", "Give the upper bound"),
        ({"quantity_kind": "range", "quantity_min": 100}, "quantity_max", "both bounds"),
        ({"quantity_kind": "unknown", "quantity": 5}, "quantity", "'No figure' has no quantity"),
        (
            {"quantity_kind": "range", "quantity_min": 200, "quantity_max": 100},
            "quantity_max",
            "below the lower bound",
        ),
        (
            {"quantity_kind": "approximate", "quantity": 50, "quantity_max": 40},
            "quantity",
            "within its bounds",
        ),
        ({"quantity_kind": "unknown"}, "quantity_note", "say what the source says"),
    ],
)
def test_a_quantity_that_contradicts_its_kind_or_bounds_is_refused(values, field, message):
    note = {"quantity_note": "words"} if field != "quantity_note" else {}
    assert message in " ".join(errors_of(line(**{**note, **values}))[field])


@pytest.mark.parametrize(
    "values",
    [
        {"quantity_min": 200, "quantity_max": 100},
        {"quantity": 50, "quantity_min": 60},
        {"quantity": 50, "quantity_max": 40},
        {"quantity_min": -1},
        {"is_estimate": True},
    ],
)
def test_the_database_refuses_what_the_form_would(values):
    item = ShipmentItemFactory(quantity=50)
    with pytest.raises(IntegrityError), transaction.atomic():
        ShipmentItem.objects.filter(pk=item.pk).update(**values)


def test_staff_enter_a_vague_amount_in_the_shipment_form(editor_client):
    shipment = cited(ShipmentFactory())
    data = existing_shipment_data(
        shipment,
        items=[
            {
                "category": str(category("masks").pk),
                "description": "Masks",
                "quantity": "",
                "quantity_kind": "at_least",
                "quantity_min": "2000000",
                "quantity_max": "",
                "quantity_note": "over 2 million",
            },
            {
                "category": str(category("ventilators").pk),
                "description": "Ventilator sets",
                "quantity": "",
                "quantity_kind": "range",
                "quantity_min": "300",
                "quantity_max": "100",
                "quantity_note": "one to three hundred",
                "position": "2",
            },
        ],
    )
    refused = editor_client.post(change_url(shipment), data)
    assert refused.status_code == 200
    assert "The upper bound is below the lower bound." in refused.content.decode()
    data["items-1-quantity_min"], data["items-1-quantity_max"] = "100", "300"
    assert editor_client.post(change_url(shipment), data).status_code == 302
    masks = shipment.items.get(description="Masks")
    assert (masks.quantity, masks.quantity_min, masks.quantity_max) == (2_000_000, 2_000_000, None)
    assert masks.is_estimate


def test_the_shipment_page_says_what_the_report_says(client):
    shipment = cited(ShipmentFactory(reference="WORDS-1"))
    masks = category("masks")
    for position, values in enumerate(
        [
            {"quantity_kind": "exact", "quantity": 40_000},
            {"quantity_kind": "approximate", "quantity": 20, "quantity_note": "about 20"},
            {
                "quantity_kind": "at_least",
                "quantity_min": 2_000_000,
                "quantity_note": "over 2 million",
            },
            {"quantity_kind": "at_most", "quantity_max": 500, "quantity_note": "up to 500"},
            {
                "quantity_kind": "range",
                "quantity_min": 100,
                "quantity_max": 200,
                "quantity_note": "one to two hundred",
            },
            {"quantity_kind": "unknown", "quantity_min": 24, "quantity_note": "dozens"},
            {"quantity_kind": "unknown", "quantity_note": "not given"},
        ],
        start=1,
    ):
        item = ShipmentItem(
            shipment=shipment, category=masks, description="Masks", position=position, **values
        )
        item.full_clean()
        item.save()
    page = " ".join(client.get("/shipments/WORDS-1/").content.decode().split())
    for shown in [
        ">40,000 pieces<",
        ">about 20 pieces<",
        '>at least 2,000,000 pieces <span class="note">(“over 2 million”)</span><',
        '>at most 500 pieces <span class="note">(“up to 500”)</span><',
        '>100 to 200 pieces <span class="note">(“one to two hundred”)</span><',
        '>at least 24 pieces <span class="note">(“dozens”)</span><',
        '><span class="unknown">not given</span><',
    ]:
        assert shown in page
    # "about 20" is not said twice.
    assert "(“about 20”)" not in page


@pytest.mark.django_db(transaction=True)
def test_the_migration_reads_the_kind_of_every_stored_line():
    executor = MigrationExecutor(connection)
    before = [("shipments", "0012_pending_changes")]
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Shipment = old.get_model("shipments", "Shipment")
    Item = old.get_model("shipments", "ShipmentItem")
    Category = old.get_model("shipments", "SupplyCategory")
    Recipient = old.get_model("donors", "Recipient")
    recipient = Recipient.objects.create(name="R", slug="r", kind="hospital", country="IT")
    shipment = Shipment.objects.create(
        reference="OLD-1", recipient=recipient, origin_country="CN", destination_country="IT"
    )
    masks = Category.objects.get(slug="masks")
    for position, (quantity, estimate) in enumerate([(40_000, False), (20, True), (None, False)]):
        Item.objects.create(
            shipment=shipment,
            category=masks,
            description=f"line {position}",
            quantity=quantity,
            is_estimate=estimate,
            quantity_note="" if quantity else "dozens",
            position=position,
        )
    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    read = ShipmentItem.objects.order_by("position").values_list(
        "quantity_kind", "quantity_min", "quantity_max", "is_estimate"
    )
    assert list(read) == [
        ("exact", None, None, False),
        ("approximate", None, None, True),
        ("unknown", None, None, True),
    ]


def test_the_demo_pledges_state_only_what_the_reports_allow(client, demo_data):
    """4,000,000 pledged masks: 2 million to the EU, and 'over 2 million' to Europe."""
    page = " ".join(client.get("/shipments/?status=pledged").content.decode().split())
    assert '>at least 4,000,000 <span class="partial">(one line “over 2 million”)</span><' in page
    totals = client.get("/shipments.json?status=pledged&category=masks").json()["totals"]
    [masks] = [row for row in totals if row["category"] == "masks"]
    assert (masks["quantity"], masks["quantity_min"], masks["quantity_max"]) == (
        4_000_000,
        4_000_000,
        None,
    )
    assert (masks["lines_estimated"], masks["lines_bounded"]) == (1, 1)
    assert masks["quantity_notes"] == ["over 2 million"]
