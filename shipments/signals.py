"""Raise the data version whenever something the public pages show is saved or deleted,
and on every migrate, which every deploy runs.

Bulk writes send no signals; `VersionedQuerySet` covers those of shipments
and items, and the synthetic loader raises it itself.
"""

from django.db import connections
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from donors.models import Donor, Recipient
from shipments.models import DataVersion, Shipment, ShipmentItem, SupplyCategory

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


def connect(app_config):
    for model in WATCHED:
        post_save.connect(data_changed, sender=model, dispatch_uid=f"version-save-{model}")
        post_delete.connect(data_changed, sender=model, dispatch_uid=f"version-delete-{model}")
    m2m_changed.connect(
        donors_changed, sender=Shipment.donors.through, dispatch_uid="version-donors"
    )
    post_migrate.connect(deployed, sender=app_config, dispatch_uid="version-migrate")
