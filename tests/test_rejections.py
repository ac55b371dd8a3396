"""Supplies rejected or returned (issue 14, point 4): recorded against their line with a
reason, a date and a source; shown beside what was delivered, never instead of it; a filter
on the list, both CSVs and the JSON."""

import csv
import io
from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client

from shipments.models import PendingChange, Rejection, Shipment
from shipments.public.summaries import CategoryTotal
from tests.admin_forms import change_url, existing_shipment_data
from tests.factories import (
    RejectionFactory,
    ShipmentFactory,
    ShipmentItemFactory,
    SourceFactory,
    category,
)
from tests.pages import listed_references

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered():
    """A published delivery of 40,000 masks, with two sources."""
    shipment = ShipmentFactory(reference="2020-CN-IT-010", status="delivered")
    ShipmentItemFactory(
        shipment=shipment, category=category("masks"), description="FFP2 masks", quantity=40_000
    )
    SourceFactory(shipment=shipment, title="Masks arrive in Rome")
    SourceFactory(shipment=shipment, title="Italy withdraws faulty masks")
    return shipment


@pytest.fixture
def rejected(delivered):
    """10,000 of the masks rejected as defective, reported by the second source."""
    return RejectionFactory(
        item=delivered.items.get(),
        source=delivered.sources.get(title="Italy withdraws faulty masks"),
        quantity=10_000,
        reason="defective",
        reason_detail="Failed filtration tests",
        date=date(2020, 3, 25),
    )


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(body(response).decode())))


# The model ------------------------------------------------------------------


def rejection(item, **fields):
    return Rejection(item=item, source=item.shipment.sources.first(), reason="defective", **fields)


def errors_of(instance):
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


def test_a_rejection_takes_its_shipment_from_its_line(delivered):
    item = delivered.items.get()
    instance = rejection(item, quantity=5)
    instance.full_clean()
    assert instance.shipment == delivered


@pytest.mark.parametrize("status", ["pledged", "cancelled"])
def test_only_supplies_that_were_sent_can_be_rejected(delivered, status):
    Shipment.objects.filter(pk=delivered.pk).update(status=status)
    item = delivered.items.get()
    item.shipment.refresh_from_db()
    assert "Only supplies that were sent" in errors_of(rejection(item, quantity=5))["item"][0]


def test_no_more_can_be_rejected_than_the_line_held(delivered):
    item = delivered.items.get()
    message = errors_of(rejection(item, quantity=40_001))["quantity"][0]
    assert message == "More than the line holds: it has at most 40,000 pieces."
    rejection(item, quantity=40_000).full_clean()


def test_a_line_with_no_upper_bound_caps_nothing(delivered):
    item = ShipmentItemFactory(
        shipment=delivered,
        description="Gloves",
        quantity=None,
        quantity_kind="unknown",
        quantity_min=24,
        quantity_note="dozens",
    )
    rejection(item, quantity=100).full_clean()


def test_a_rejection_cites_a_source_of_its_own_shipment(delivered):
    other = SourceFactory(title="Another shipment's report")
    instance = rejection(delivered.items.get(), quantity=5)
    instance.source = other
    assert errors_of(instance)["source"] == ["Cite one of this shipment's own sources."]


def test_without_a_figure_it_says_what_the_source_says(delivered):
    item = delivered.items.get()
    assert "quantity_note" in errors_of(rejection(item))
    rejection(item, quantity_note="part of the batch").full_clean()


def test_the_database_refuses_a_rejection_of_nothing(delivered):
    item = delivered.items.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Rejection.objects.create(
            shipment=delivered, item=item, source=item.shipment.sources.first(), quantity=0
        )


def test_a_shipment_is_deleted_with_its_rejections(rejected):
    rejected.shipment.delete()
    assert not Rejection.objects.exists()


# Totals -------------------------------------------------------------------------


def total(**fields):
    defaults = {
        "slug": "masks",
        "name": "Masks",
        "unit": "pieces",
        "status": "delivered",
        "quantity": 40_000,
        "lines": 1,
        "unknown_lines": 0,
        "shipments": 1,
    }
    return CategoryTotal(**{**defaults, **fields})


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, None),
        ({"rejections": 1, "quantity_rejected": 10_000}, ("", 30_000, None)),
        # A rejection with no figure leaves only an upper bound.
        (
            {"rejections": 2, "quantity_rejected": 10_000, "rejections_without_figure": 1},
            ("at most", 30_000, None),
        ),
        (
            {
                "quantity": 2_000_000,
                "quantity_min": 2_000_000,
                "lines_estimated": 1,
                "lines_bounded": 1,
                "rejections": 1,
                "quantity_rejected": 500,
            },
            ("at least", 1_999_500, None),
        ),
        (
            {
                "quantity": 2_000_000,
                "quantity_min": 2_000_000,
                "lines_estimated": 1,
                "lines_bounded": 1,
                "rejections": 1,
                "rejections_without_figure": 1,
            },
            (None, None, None),
        ),
        (
            {
                "quantity": 150,
                "quantity_min": 100,
                "quantity_max": 200,
                "lines_estimated": 1,
                "lines_bounded": 1,
                "rejections": 1,
                "quantity_rejected": 50,
            },
            ("", 50, 150),
        ),
        (
            {"lines_estimated": 1, "lines_approximate": 1, "rejections": 1},
            ("about", 40_000, None),
        ),
    ],
)
def test_a_total_less_what_was_rejected_claims_no_more_than_its_sources(fields, expected):
    assert total(**fields).less_rejected == expected


def test_totals_show_delivered_and_less_rejected_side_by_side(client, rejected):
    page = client.get("/shipments/").content.decode()
    assert "Less rejected or returned" in page
    row = page[page.index('<th scope="row">Masks</th>') :]
    row = row[: row.index("</tr>")]
    assert ">40,000<" in row
    assert "30,000" in row and "10,000 rejected or returned" in row


def test_totals_without_rejections_show_no_such_column(client, delivered):
    assert "Less rejected" not in client.get("/shipments/").content.decode()


def test_the_json_totals_carry_the_rejections(client, rejected):
    ShipmentItemFactory(
        shipment=rejected.shipment, category=category("gloves"), description="Gloves"
    )
    totals = {row["category"]: row for row in client.get("/shipments.json").json()["totals"]}
    masks = totals["masks"]
    assert (masks["quantity"], masks["quantity_rejected"], masks["rejections"]) == (
        40_000,
        10_000,
        1,
    )
    assert masks["rejections_without_quantity"] == 0
    assert (totals["gloves"]["quantity_rejected"], totals["gloves"]["rejections"]) == (None, 0)


def test_an_unpublished_shipments_rejections_count_nowhere(client, rejected):
    Shipment.objects.filter(pk=rejected.shipment_id).update(is_published=False)
    ShipmentItemFactory(category=category("masks"), shipment__status="delivered")
    assert "Less rejected" not in client.get("/shipments/").content.decode()
    assert listed_references(client.get("/shipments/?quality=rejected")) == []
    assert all(row["rejections"] == 0 for row in client.get("/shipments.json").json()["totals"])


# The public pages and files -------------------------------------------------------


def test_the_shipment_page_lists_each_rejection_with_its_source(client, rejected):
    page = client.get("/shipments/2020-CN-IT-010/").content.decode()
    section = page[page.index('id="rejections-title"') :]
    section = section[: section.index("</section>")]
    assert "FFP2 masks" in section and "10,000 pieces" in section
    assert "Rejected" in section and "Defective: Failed filtration tests" in section
    assert "2020-03-25" in section
    assert f'href="#source-{rejected.source_id}">Italy withdraws faulty masks</a>' in section
    assert f'<li id="source-{rejected.source_id}">' in page


def test_a_page_without_rejections_has_no_such_section(client, delivered):
    assert "rejections-title" not in client.get("/shipments/2020-CN-IT-010/").content.decode()


@pytest.mark.parametrize(
    "url", ["/shipments/?quality=rejected", "/shipments/?quality=REJECTED&status=delivered"]
)
def test_the_quality_filter_keeps_shipments_with_a_rejection(client, rejected, url):
    ShipmentItemFactory(shipment__reference="2020-CN-IT-011", shipment__status="delivered")
    assert listed_references(client.get(url)) == ["2020-CN-IT-010"]
    assert set(listed_references(client.get("/shipments/"))) == {
        "2020-CN-IT-010",
        "2020-CN-IT-011",
    }


@pytest.mark.django_db(transaction=True)
def test_the_quality_filter_works_on_both_csvs_and_the_json(client, rejected):
    ShipmentItemFactory(shipment__reference="2020-CN-IT-011", shipment__status="delivered")
    shipments = csv_rows(client.get("/shipments.csv?quality=rejected"))
    assert [row["reference"] for row in shipments] == ["2020-CN-IT-010"]
    [item] = csv_rows(client.get("/items.csv?quality=rejected"))
    assert (item["quantity"], item["quantity_rejected"], item["rejection_reason"]) == (
        "40000",
        "10000",
        "defective",
    )
    json = client.get("/shipments.json?quality=rejected").json()
    assert [result["reference"] for result in json["results"]] == ["2020-CN-IT-010"]
    [line] = json["results"][0]["items"]
    assert line["quantity_rejected"] == 10_000
    assert line["rejections"] == [
        {
            "kind": "rejected",
            "quantity": 10_000,
            "quantity_note": "",
            "reason": "defective",
            "reason_detail": "Failed filtration tests",
            "date": "2020-03-25",
            "source": 2,
        }
    ]


@pytest.mark.parametrize("path", ["/shipments/", "/shipments.csv", "/items.csv", "/shipments.json"])
def test_an_unknown_quality_is_a_clear_400(client, path):
    response = client.get(f"{path}?quality=broken")
    assert response.status_code == 400
    assert "broken" in body(response).decode()


# The admin ------------------------------------------------------------------------


def test_an_editor_records_a_rejection_on_the_shipments_page(editor_client, delivered):
    delivered.is_published = False
    delivered.save()
    item, source = delivered.items.get(), delivered.sources.last()
    data = existing_shipment_data(
        delivered,
        rejections=[
            {
                "item": str(item.pk),
                "quantity": "2500",
                "reason": "expired",
                "date": "2020-04-02",
                "source": str(source.pk),
            }
        ],
    )
    response = editor_client.post(change_url(delivered), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    stored = Rejection.objects.get()
    assert (stored.item, stored.quantity, stored.reason, stored.source) == (
        item,
        2_500,
        "expired",
        source,
    )
    assert stored.shipment == delivered
    assert stored.history.count() == 1


def test_the_page_offers_only_this_shipments_lines_and_sources(editor_client, delivered):
    other = ShipmentItemFactory(shipment__status="delivered", description="Someone else's")
    SourceFactory(shipment=other.shipment, title="Someone else's report")
    page = editor_client.get(change_url(delivered)).content.decode()
    form = page[page.index('id="rejections-group"') :]
    assert "FFP2 masks" in form and "Masks arrive in Rome" in form
    assert "Someone else&#x27;s" not in form
    data = existing_shipment_data(
        delivered,
        rejections=[
            {
                "item": str(other.pk),
                "quantity": "1",
                "reason": "defective",
                "source": str(delivered.sources.first().pk),
            }
        ],
    )
    response = editor_client.post(change_url(delivered), data)
    assert response.status_code == 200
    assert not Rejection.objects.exists()


def test_a_source_reporting_a_rejection_cannot_be_deleted_under_it(editor_client, rejected):
    shipment = rejected.shipment
    data = existing_shipment_data(shipment)
    sources = list(shipment.sources.order_by("pk"))
    data.update(
        {"sources-TOTAL_FORMS": str(len(sources)), "sources-INITIAL_FORMS": str(len(sources))}
    )
    for index, source in enumerate(sources):
        data.update(
            {
                f"sources-{index}-id": str(source.pk),
                f"sources-{index}-shipment": str(shipment.pk),
                f"sources-{index}-title": source.title,
                f"sources-{index}-publisher": source.publisher,
            }
        )
    data["sources-1-DELETE"] = "on"
    response = editor_client.post(change_url(shipment), data)
    assert response.status_code == 200
    # The admin's own check: the rejection holds on to its source (RESTRICT).
    assert (
        "would require deleting the following protected related objects: rejection 10,000 "
        "rejected (defective)" in str(response.context["errors"])
    )
    assert shipment.sources.count() == 2


def test_a_data_entry_rejection_on_a_published_shipment_waits_for_an_editor(
    data_entry, editor, delivered
):
    author, reviewer = Client(), Client()
    author.force_login(data_entry)
    reviewer.force_login(editor)
    item, source = delivered.items.get(), delivered.sources.last()
    row = {"item": str(item.pk), "quantity": "100", "reason": "defective", "source": str(source.pk)}
    response = author.post(
        change_url(delivered), existing_shipment_data(delivered, rejections=[row])
    )
    assert response.status_code == 302
    assert not Rejection.objects.exists()
    [pending] = PendingChange.objects.pending()
    assert "rejections: 1 added" in pending.summary
    response = reviewer.post(
        "/admin/shipments/pendingchange/?state__exact=pending",
        {"action": "approve", "_selected_action": [str(pending.pk)]},
    )
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert "Approved and applied: 2020-CN-IT-010." in messages
    assert Rejection.objects.get().quantity == 100
