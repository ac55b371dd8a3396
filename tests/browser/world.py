"""The shipments the public and journalist journeys browse.

Published shipments to Italy and Spain in March and April 2020, in every
status, some without a weight or a quantity, one with a source on another
site; and a draft that matches every filter the journeys use, so that
nothing unpublished can slip into a page or a download unnoticed.
"""

from datetime import date

from tests.factories import (
    DonorFactory,
    RecipientFactory,
    ShipmentFactory,
    ShipmentItemFactory,
    SourceFactory,
    category,
)

SOURCE_URL = "https://news.example.org/2020/03/masks-for-lombardy"
SOURCE_TITLE = "Masks from Hangzhou land in Milan"


def build():
    """Create the shipments; return them by reference."""
    jack_ma = DonorFactory(slug="jack-ma-foundation", name="Jack Ma Foundation", country="CN")
    china = DonorFactory(
        slug="chinese-government",
        name="Chinese government",
        country="CN",
        kind="national-government",
    )
    germany = DonorFactory(
        slug="german-government",
        name="German government",
        country="DE",
        kind="national-government",
    )
    lombardy = RecipientFactory(
        slug="lombardy",
        name="Lombardy regional government",
        country="IT",
        kind="regional-government",
    )
    red_cross = RecipientFactory(
        slug="italian-red-cross", name="Italian Red Cross", country="IT", kind="red-cross"
    )
    madrid = RecipientFactory(slug="madrid-hospitals", name="Hospitals of Madrid", country="ES")

    def shipment(reference, donors, recipient, shipped_on, status, weight_kg, items, **extra):
        made = ShipmentFactory(
            reference=reference,
            donors=donors,
            recipient=recipient,
            origin_country=donors[0].country.code,
            shipped_on=shipped_on,
            status=status,
            weight_kg=weight_kg,
            **extra,
        )
        for position, (slug, description, quantity, unit, *note) in enumerate(items):
            ShipmentItemFactory(
                shipment=made,
                category=category(slug),
                description=description,
                quantity=quantity,
                unit=unit,
                quantity_note=note[0] if note else "",
                position=position,
            )
        return made

    shipments = [
        shipment(
            "2020-CN-IT-101",
            [jack_ma],
            lombardy,
            date(2020, 3, 10),
            "delivered",
            1200,
            [
                ("masks", "FFP2 masks", 100_000, "pieces"),
                ("gloves", "Nitrile gloves", 5_000, "pairs"),
            ],
            value_usd=50_000,
            usd_rate=1,
        ),
        shipment(
            "2020-CN-IT-102",
            [china],
            red_cross,
            date(2020, 3, 20),
            "dispatched",
            800,
            [
                ("masks", "Surgical masks", 20_000, "pieces"),
                ("ventilators", "Ventilators", 30, "sets"),
            ],
        ),
        shipment(
            "2020-CN-IT-103",
            [china, germany],
            lombardy,
            date(2020, 4, 5),
            "delivered",
            2500,
            [("masks", "Surgical masks", 5_000, "pieces")],
        ),
        shipment(
            "2020-CN-IT-104",
            [jack_ma],
            red_cross,
            date(2020, 3, 15),
            "delivered",
            None,
            [("ventilators", "Ventilators", 10, "pieces")],
        ),
        shipment(
            "2020-DE-IT-105",
            [germany],
            lombardy,
            date(2020, 3, 25),
            "pledged",
            None,
            [("masks", "Masks", None, "boxes", "dozens of boxes")],
        ),
        shipment(
            "2020-CN-IT-106",
            [china],
            lombardy,
            date(2020, 3, 22),
            "cancelled",
            300,
            [("masks", "Surgical masks", 7_000, "pieces")],
        ),
        shipment(
            "2020-CN-ES-107",
            [jack_ma],
            madrid,
            date(2020, 3, 12),
            "delivered",
            900,
            [
                ("masks", "FFP2 masks", 30_000, "pieces"),
                ("test-reagents", "Test kits", 2_000, "kits"),
            ],
        ),
        shipment(
            "2020-CN-IT-199",
            [jack_ma, china],
            lombardy,
            date(2020, 3, 18),
            "delivered",
            99_999,
            [("masks", "Unchecked masks", 999_999, "pieces")],
            is_published=False,
        ),
    ]
    by_reference = {made.reference: made for made in shipments}
    SourceFactory(
        shipment=by_reference["2020-CN-IT-101"],
        title=SOURCE_TITLE,
        publisher="News Example",
        published_on=date(2020, 3, 11),
        url=SOURCE_URL,
    )
    for made in shipments[1:]:
        SourceFactory(shipment=made)
    return by_reference
