"""A shipment's version rises when its items, sources or donors change, however saved."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from shipments.models import Shipment, ShipmentItem, Source


@receiver(post_save, sender=ShipmentItem)
@receiver(post_delete, sender=ShipmentItem)
@receiver(post_save, sender=Source)
@receiver(post_delete, sender=Source)
def part_changed(sender, instance, **kwargs):
    Shipment.new_versions([instance.shipment_id])


@receiver(m2m_changed, sender=Shipment.donors.through)
def donors_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # changed from the donor's side: pk_set holds shipments
        Shipment.new_versions(pk_set or [])
    else:
        Shipment.new_versions([instance.pk])
