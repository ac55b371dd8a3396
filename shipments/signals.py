"""Keep derived data in step with every write: the data version (which keys the cached
public pages, and which every migrate, hence every deploy, raises too) and the derived
columns of the shipments concerned (search text, donor countries and kinds, category keys,
verification; their formats are in `shipments.search`).

Saves, deletes and changes of donors send Django's signals. Bulk writes send none, so the
querysets send their own: `shipments.models.bulk_saved` for shipments, items and sources,
`donors.models.parties_updated` for parties. Loaders of millions of rows suspend all this
(`bulk_write`).

A shipment's own version (optimistic concurrency in the admin) also rises
when its items, sources or donors change, however they are saved.
"""

from collections import defaultdict

from django.db import connections, router
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_init,
    post_migrate,
    post_save,
    pre_delete,
    pre_save,
)
from simple_history.signals import post_create_historical_record

from donors.models import Donor, Recipient, parties_updated
from shipments.changes import LOGGED_FIELDS, last_changes
from shipments.models import (
    DataVersion,
    Emergency,
    Shipment,
    ShipmentItem,
    Source,
    SupplyCategory,
    Verification,
    bulk_saved,
    bulk_writing,
    record_versions,
)
from shipments.search import DERIVED_COLUMNS, codes, search_text

WATCHED = [Shipment, ShipmentItem, Donor, Recipient, SupplyCategory, Emergency]

# The fields of each model that the derived columns are made of: writing any
# of them rewrites the columns of the shipments concerned. A party's name is
# in its shipments' search text, a donor's country and kind in their donor
# columns, what a source supports in its shipment's verification.
DERIVED_FROM = {
    Shipment: frozenset({"reference", "recipient", "recipient_id", "notes", "arrival_point"})
    | LOGGED_FIELDS[Shipment],
    ShipmentItem: frozenset({"description", "category", "category_id", "shipment", "shipment_id"})
    | LOGGED_FIELDS[ShipmentItem],
    Source: frozenset({"supports", "shipment", "shipment_id"}) | LOGGED_FIELDS[Source],
    Donor: frozenset({"name", "country", "kind"}),
    Recipient: frozenset({"name"}),
}
BATCH_SIZE = 1_000


def refresh_derived_columns(shipment_ids, versions=None):
    """Rewrite the derived columns of these shipments from what they are made of, in batches.

    Each change is recorded in the shipment's history: in `versions` ({shipment id: history
    row}), the rows the same write has just recorded, which take the new values; else in a
    new history row."""
    versions = versions or {}
    # Read what is being written, on the primary: a replica may not have it yet.
    db = router.db_for_write(Shipment)
    ids = sorted(set(shipment_ids))
    for start in range(0, len(ids), BATCH_SIZE):
        batch = ids[start : start + BATCH_SIZE]
        donors = defaultdict(list)
        links = Shipment.donors.through.objects.using(db).filter(shipment_id__in=batch)
        for shipment_id, *donor in links.order_by("donor__name").values_list(
            "shipment_id", "donor__name", "donor__country", "donor__kind"
        ):
            donors[shipment_id].append(donor)
        descriptions, categories = defaultdict(list), defaultdict(list)
        items = ShipmentItem.objects.using(db).filter(shipment_id__in=batch)
        for shipment_id, description, category_id in items.order_by("position", "id").values_list(
            "shipment_id", "description", "category_id"
        ):
            descriptions[shipment_id].append(description)
            categories[shipment_id].append(category_id)
        levels = defaultdict(list)
        sources = Source.objects.using(db).filter(shipment_id__in=batch).order_by()
        for shipment_id, supports in sources.values_list("shipment_id", "supports"):
            levels[shipment_id].append(supports)
        rows = (
            Shipment.objects.using(db)
            .filter(pk__in=batch)
            .order_by()
            .values_list(
                "pk",
                *DERIVED_COLUMNS,
                "reference",
                "recipient__name",
                "notes",
                "arrival_point",
                "is_published",
                "created_at",
            )
        )
        rows = list(rows)
        # Each shipment's public change log, replayed from its history.
        changed_at = last_changes(
            [
                {"id": pk, "is_published": published, "created_at": created}
                for pk, *_, published, created in rows
            ],
            using=db,
        )
        changed = []
        for pk, *current, reference, recipient, notes, arrival_point, _, _ in rows:
            names = [name for name, _, _ in donors[pk]]
            derived = [
                search_text(reference, recipient, names, descriptions[pk], notes, arrival_point),
                codes(country for _, country, _ in donors[pk]),
                codes(kind for _, _, kind in donors[pk]),
                codes(categories[pk]),
                Verification.strongest(levels[pk]),
                changed_at[pk],
            ]
            if derived != current:
                changed.append(Shipment(pk=pk, **dict(zip(DERIVED_COLUMNS, derived, strict=True))))
        Shipment.objects.using(db).bulk_update(changed, DERIVED_COLUMNS)
        # The history keeps them too: what a filter found as of a past moment.
        recorded = []
        for row in changed:
            if row.pk in versions:
                version = versions[row.pk]
                for column in DERIVED_COLUMNS:
                    setattr(version, column, getattr(row, column))
                recorded.append(version)
        Shipment.history.model.objects.using(db).bulk_update(recorded, DERIVED_COLUMNS)
        unrecorded = [row.pk for row in changed if row.pk not in versions]
        if unrecorded:
            record_versions(Shipment.objects.using(db).filter(pk__in=unrecorded))


def data_changed(sender, **kwargs):
    DataVersion.bump()


def deployed(sender, using, **kwargs):
    # Every deploy runs migrate: pages rendered by the previous release's
    # templates are never served again.
    if DataVersion._meta.db_table in connections[using].introspection.table_names():
        DataVersion.bump()


def _touches(sender, update_fields):
    return update_fields is None or not DERIVED_FROM[sender].isdisjoint(update_fields)


def version_recorded(sender, instance, history_instance, **kwargs):
    # Kept for the derived columns, which are rewritten right after (shipment_saved,
    # donors_changed): they go into this row rather than into another.
    instance._recorded_version = history_instance


def _recorded(instance):
    version = getattr(instance, "_recorded_version", None)
    instance._recorded_version = None
    return {instance.pk: version} if version is not None else {}


def shipment_saved(sender, instance, update_fields=None, **kwargs):
    if not bulk_writing() and _touches(sender, update_fields):
        refresh_derived_columns([instance.pk], versions=_recorded(instance))


def item_saved(sender, instance, update_fields=None, **kwargs):
    if not bulk_writing() and _touches(sender, update_fields):
        refresh_derived_columns([instance.shipment_id])


def item_deleted(sender, instance, origin=None, **kwargs):
    # Items and sources deleted along with their shipment leave nothing to rewrite.
    deleting_shipments = isinstance(origin, Shipment) or getattr(origin, "model", None) is Shipment
    if not bulk_writing() and not deleting_shipments:
        refresh_derived_columns([instance.shipment_id])


def source_loaded(sender, instance, **kwargs):
    # The shipment a source was read with: moved to another, it leaves this one.
    # Read from the instance's own values, as a deferred field would cost a query.
    instance._stored_shipment_id = instance.__dict__.get("shipment_id")


def source_saved(sender, instance, update_fields=None, **kwargs):
    if not bulk_writing() and _touches(sender, update_fields):
        stored = getattr(instance, "_stored_shipment_id", None)
        refresh_derived_columns({instance.shipment_id} | ({stored} if stored else set()))
    instance._stored_shipment_id = instance.shipment_id


def source_deleted(sender, instance, origin=None, **kwargs):
    # Sources deleted along with their shipment leave nothing to rewrite.
    deleting_shipments = isinstance(origin, Shipment) or getattr(origin, "model", None) is Shipment
    if not bulk_writing() and not deleting_shipments:
        refresh_derived_columns([instance.shipment_id])


def rows_bulk_saved(sender, shipment_ids, update_fields, versions=None, **kwargs):
    DataVersion.bump()
    if _touches(sender, update_fields):
        refresh_derived_columns(shipment_ids, versions=versions)


def donors_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear" and reverse:
        # Which shipments lose this donor is unknown once they are cleared.
        instance._cleared_shipments = list(instance.shipments.values_list("pk", flat=True))
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        shipment_ids = [instance.pk]
    elif action == "post_clear":
        shipment_ids = getattr(instance, "_cleared_shipments", [])
    else:  # changed from the donor's side: pk_set holds shipments
        shipment_ids = pk_set
    DataVersion.bump()
    # A change to a shipment's donors is a change to the shipment.
    Shipment.new_versions(shipment_ids)
    if not bulk_writing():
        refresh_derived_columns(shipment_ids, versions={} if reverse else _recorded(instance))


def party_saving(sender, instance, **kwargs):
    fields = sorted(DERIVED_FROM[sender])
    if instance.pk is not None and not bulk_writing():
        stored = sender.objects.using(router.db_for_write(sender, instance=instance))
        before = stored.filter(pk=instance.pk).values_list(*fields).first()
        now = tuple(str(getattr(instance, field)) for field in fields)
        instance._derived_changed = before is not None and before != now


def party_saved(sender, instance, **kwargs):
    if getattr(instance, "_derived_changed", False):
        refresh_derived_columns(instance.shipments.values_list("pk", flat=True))
        instance._derived_changed = False


def parties_bulk_updated(sender, pks, update_fields, **kwargs):
    DataVersion.bump()
    if not bulk_writing() and _touches(sender, update_fields):
        parties = sender.objects.using(router.db_for_write(sender)).filter(pk__in=pks)
        refresh_derived_columns(pk for pk in parties.values_list("shipments", flat=True) if pk)


def donor_deleting(sender, instance, **kwargs):
    # The links go with the donor, without a signal of their own.
    if not bulk_writing():
        instance._linked_shipments = list(instance.shipments.values_list("pk", flat=True))


def donor_deleted(sender, instance, **kwargs):
    refresh_derived_columns(getattr(instance, "_linked_shipments", []))


def part_changed(sender, instance, **kwargs):
    Shipment.new_versions([instance.shipment_id])


def connect(app_config):
    for model in WATCHED:
        post_save.connect(data_changed, sender=model, dispatch_uid=f"version-save-{model}")
        post_delete.connect(data_changed, sender=model, dispatch_uid=f"version-delete-{model}")
    post_migrate.connect(deployed, sender=app_config, dispatch_uid="version-migrate")
    post_save.connect(shipment_saved, sender=Shipment, dispatch_uid="search-shipment")
    post_save.connect(item_saved, sender=ShipmentItem, dispatch_uid="search-item-save")
    post_delete.connect(item_deleted, sender=ShipmentItem, dispatch_uid="search-item-delete")
    post_init.connect(source_loaded, sender=Source, dispatch_uid="derived-source-loaded")
    post_save.connect(source_saved, sender=Source, dispatch_uid="derived-source-save")
    post_delete.connect(source_deleted, sender=Source, dispatch_uid="derived-source-delete")
    for model in (Shipment, ShipmentItem, Source):
        bulk_saved.connect(rows_bulk_saved, sender=model, dispatch_uid=f"bulk-saved-{model}")
    m2m_changed.connect(donors_changed, sender=Shipment.donors.through, dispatch_uid="donors")
    post_create_historical_record.connect(
        version_recorded, sender=Shipment.history.model, dispatch_uid="shipment-version"
    )
    for party in (Donor, Recipient):
        pre_save.connect(party_saving, sender=party, dispatch_uid=f"search-{party}-saving")
        post_save.connect(party_saved, sender=party, dispatch_uid=f"search-{party}-saved")
        parties_updated.connect(
            parties_bulk_updated, sender=party, dispatch_uid=f"search-{party}-updated"
        )
    pre_delete.connect(donor_deleting, sender=Donor, dispatch_uid="search-donor-deleting")
    post_delete.connect(donor_deleted, sender=Donor, dispatch_uid="search-donor-deleted")
    for model in (ShipmentItem, Source):
        post_save.connect(part_changed, sender=model, dispatch_uid=f"shipment-part-save-{model}")
        post_delete.connect(
            part_changed, sender=model, dispatch_uid=f"shipment-part-delete-{model}"
        )
