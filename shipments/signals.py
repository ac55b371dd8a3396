"""Signal receivers, connected in ShipmentsConfig.ready().

- The data version (the cache key of the public pages) rises whenever
  something the public pages show is saved or deleted, and on every migrate,
  which every deploy runs. Bulk writes send no signals; `VersionedQuerySet`
  covers those of shipments and items, and the synthetic loader raises it.
- A shipment's own version (optimistic concurrency in the admin) rises when
  its items, sources or donors change, however they are saved.
"""

from django.db import connections
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from donors.models import Donor, Recipient
from shipments.models import DataVersion, Shipment, ShipmentItem, Source, SupplyCategory

WATCHED = [Shipment, ShipmentItem, Donor, Recipient, SupplyCategory]


def data_changed(sender, **kwargs):
    DataVersion.bump()


def donors_changed(sender, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        DataVersion.bump()


def deployed(sender, using, **kwargs):
    # Every deploy runs migrate: pages rendered by the previous release's
    # templates are never served again.
    if DataVersion._meta.db_table in connections[using].introspection.table_names():
        DataVersion.bump()


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
    m2m_changed.connect(
        donors_changed, sender=Shipment.donors.through, dispatch_uid="version-donors"
    )
    post_migrate.connect(deployed, sender=app_config, dispatch_uid="version-migrate")
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
