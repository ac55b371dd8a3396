"""Test data factories. Shipments are published unless a test says otherwise."""

import factory
from django.contrib.auth.models import Group, User
from factory.django import DjangoModelFactory

from donors.models import Donor, Recipient
from shipments.models import Rejection, Shipment, ShipmentItem, Source, SupplyCategory


class DonorFactory(DjangoModelFactory):
    class Meta:
        model = Donor
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Donor {n}")
    slug = factory.Sequence(lambda n: f"donor-{n}")
    kind = Donor.Kind.FOUNDATION
    country = "CN"


class RecipientFactory(DjangoModelFactory):
    class Meta:
        model = Recipient
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Recipient {n}")
    slug = factory.Sequence(lambda n: f"recipient-{n}")
    kind = Recipient.Kind.HOSPITAL
    country = "IT"


class ShipmentFactory(DjangoModelFactory):
    class Meta:
        model = Shipment
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"TEST-{n:05d}")
    recipient = factory.SubFactory(RecipientFactory)
    origin_country = "CN"
    destination_country = factory.LazyAttribute(lambda shipment: shipment.recipient.country.code)
    status = Shipment.Status.DELIVERED
    is_published = True

    @factory.post_generation
    def donors(self, create, extracted, **kwargs):
        if create:
            self.donors.set(extracted if extracted is not None else [DonorFactory()])


def category(slug):
    """The reference category created by the data migration."""
    return SupplyCategory.objects.get(slug=slug)


class ShipmentItemFactory(DjangoModelFactory):
    class Meta:
        model = ShipmentItem

    shipment = factory.SubFactory(ShipmentFactory)
    category = factory.LazyFunction(lambda: category("masks"))
    description = "Surgical masks"
    quantity = 1000
    unit = "pieces"


# Supply lines as reports give them, for add_lines: (kind, figure, lower bound, upper
# bound, the report's words).
EXACT = ("exact", 40_000, None, None, "")
ABOUT_20 = ("approximate", 20, None, None, "about 20")
OVER_2_MILLION = ("at_least", None, 2_000_000, None, "over 2 million")
UP_TO_500 = ("at_most", None, None, 500, "up to 500")
DOZENS = ("unknown", None, 24, None, "dozens")
NOT_GIVEN = ("unknown", None, None, None, "not given")


def add_lines(shipment, lines, slug="masks"):
    """Supply lines of `shipment` as staff enter them (checked by the model's clean()), each
    (kind, figure, lower bound, upper bound, note): ("at_least", None, 2_000_000, None,
    "over 2 million")."""
    for position, (kind, quantity, low, high, note) in enumerate(lines):
        clean_line(
            shipment=shipment,
            category=category(slug),
            description=category(slug).name,
            position=position,
            quantity_kind=kind,
            quantity=quantity,
            quantity_min=low,
            quantity_max=high,
            quantity_note=note,
        )


def clean_line(**fields):
    """A supply line of these fields, checked by the model's clean() as staff entry is."""
    item = ShipmentItem(**fields)
    item.full_clean()
    item.save()
    return item


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source

    shipment = factory.SubFactory(ShipmentFactory)
    title = factory.Sequence(lambda n: f"Report {n}")
    publisher = "Test Gazette"


class RejectionFactory(DjangoModelFactory):
    """A rejection of a line's supplies, citing a source of the line's shipment."""

    class Meta:
        model = Rejection

    item = factory.SubFactory(ShipmentItemFactory, shipment__status="delivered")
    shipment = factory.SelfAttribute("item.shipment")
    source = factory.LazyAttribute(
        lambda rejection: (
            rejection.item.shipment.sources.first()
            or SourceFactory(shipment=rejection.item.shipment)
        )
    )
    quantity = 100
    reason = "defective"


class StaffFactory(DjangoModelFactory):
    """A staff user; `role` names the group ("Data entry", "Editor") the migration made."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff-{n}")
    is_staff = True
    # No password unless a test gives one (e.g. to sign in through the login form).
    password = factory.django.Password(None)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


def cited(shipment, weight_kg=None):
    """`shipment` with what publishing needs: a source, and a supply line (or `weight_kg`)."""
    SourceFactory(shipment=shipment)
    if weight_kg is not None:
        type(shipment).objects.filter(pk=shipment.pk).update(weight_kg=weight_kg)
        shipment.weight_kg = weight_kg
    elif not shipment.items.exists():
        ShipmentItemFactory(shipment=shipment)
    return shipment
