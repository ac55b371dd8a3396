"""Keep derived data in step with every save and delete: the data version (which keys the
cached public pages, and which every migrate, hence every deploy, raises too) and the
derived columns of the shipments concerned (search text, donor countries and kinds).

Bulk writes send no signals; the shipments' and items' querysets cover theirs
(`UpkeptQuerySet`), and loaders of millions of rows suspend all this
(`bulk_write`).

A shipment's own version (optimistic concurrency in the admin) also rises
when its items, sources or donors change, however they are saved.
"""

from django.db import connections, router
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_delete,
    pre_save,
)

from donors.models import Donor, Recipient
from shipments import search
from shipments.models import (
    DataVersion,
    Shipment,
    ShipmentItem,
    Source,
    SupplyCategory,
    bulk_writing,
)

WATCHED = [Shipment, ShipmentItem, Donor, Recipient, SupplyCategory]


def data_changed(sender, **kwargs):
    DataVersion.bump()


def deployed(sender, using, **kwargs):
    # Every deploy runs migrate: pages rendered by the previous release's
    # templates are never served again.
    if DataVersion._meta.db_table in connections[using].introspection.table_names():
        DataVersion.bump()


def _touches(update_fields, fields):
    return update_fields is None or not fields.isdisjoint(update_fields)


def shipment_saved(sender, instance, update_fields=None, **kwargs):
    if not bulk_writing() and _touches(update_fields, search.SHIPMENT_FIELDS):
        search.refresh([instance.pk])


def item_saved(sender, instance, update_fields=None, **kwargs):
    if not bulk_writing() and _touches(update_fields, search.ITEM_FIELDS):
        search.refresh([instance.shipment_id])


def item_deleted(sender, instance, origin=None, **kwargs):
    # Items deleted along with their shipment leave nothing to rewrite.
    deleting_shipments = isinstance(origin, Shipment) or getattr(origin, "model", None) is Shipment
    if not bulk_writing() and not deleting_shipments:
        search.refresh([instance.shipment_id])


def donors_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear" and reverse:
        # Which shipments lose this donor is unknown once they are cleared.
        instance._cleared_shipments = list(instance.shipments.values_list("pk", flat=True))
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    DataVersion.bump()
    if bulk_writing():
        return
    if not reverse:
        search.refresh([instance.pk])
    elif action == "post_clear":
        search.refresh(getattr(instance, "_cleared_shipments", []))
    else:
        search.refresh(pk_set)


def party_saving(sender, instance, **kwargs):
    fields = sorted(sender.COPIED_TO_SHIPMENTS)
    if instance.pk is not None and not bulk_writing():
        stored = sender.objects.using(router.db_for_write(sender, instance=instance))
        before = stored.filter(pk=instance.pk).values_list(*fields).first()
        now = tuple(str(getattr(instance, field)) for field in fields)
        instance._derived_changed = before is not None and before != now


def party_saved(sender, instance, **kwargs):
    if getattr(instance, "_derived_changed", False):
        search.refresh(instance.shipments.values_list("pk", flat=True))
        instance._derived_changed = False


def donor_deleting(sender, instance, **kwargs):
    # The links go with the donor, without a signal of their own.
    if not bulk_writing():
        instance._linked_shipments = list(instance.shipments.values_list("pk", flat=True))


def donor_deleted(sender, instance, **kwargs):
    search.refresh(getattr(instance, "_linked_shipments", []))


def part_changed(sender, instance, **kwargs):
    Shipment.new_versions([instance.shipment_id])


def shipment_donors_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # changed from the donor's side: pk_set holds shipments
        Shipment.new_versions(pk_set or [])
    else:
        Shipment.new_versions([instance.pk])


def connect(app_config):
    for model in WATCHED:
        post_save.connect(data_changed, sender=model, dispatch_uid=f"version-save-{model}")
        post_delete.connect(data_changed, sender=model, dispatch_uid=f"version-delete-{model}")
    post_migrate.connect(deployed, sender=app_config, dispatch_uid="version-migrate")
    post_save.connect(shipment_saved, sender=Shipment, dispatch_uid="search-shipment")
    post_save.connect(item_saved, sender=ShipmentItem, dispatch_uid="search-item-save")
    post_delete.connect(item_deleted, sender=ShipmentItem, dispatch_uid="search-item-delete")
    m2m_changed.connect(donors_changed, sender=Shipment.donors.through, dispatch_uid="donors")
    for party in (Donor, Recipient):
        pre_save.connect(party_saving, sender=party, dispatch_uid=f"search-{party}-saving")
        post_save.connect(party_saved, sender=party, dispatch_uid=f"search-{party}-saved")
    pre_delete.connect(donor_deleting, sender=Donor, dispatch_uid="search-donor-deleting")
    post_delete.connect(donor_deleted, sender=Donor, dispatch_uid="search-donor-deleted")
    for model in (ShipmentItem, Source):
        post_save.connect(part_changed, sender=model, dispatch_uid=f"shipment-part-save-{model}")
        post_delete.connect(
            part_changed, sender=model, dispatch_uid=f"shipment-part-delete-{model}"
        )
    m2m_changed.connect(
        shipment_donors_changed,
        sender=Shipment.donors.through,
        dispatch_uid="shipment-version-donors",
    )
