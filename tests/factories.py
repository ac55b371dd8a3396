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
