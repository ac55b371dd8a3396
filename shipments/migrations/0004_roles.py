"""The staff roles, as groups: Data entry and Editor.

Data entry adds and changes parties, shipments, items and sources; it can
neither publish nor delete. Editor may do all of that, and publish,
unpublish and delete.
"""

from django.db import migrations

DATA_ENTRY = "Data entry"
EDITOR = "Editor"

# (app label, model, verbose name) of every model staff work on.
MODELS = [
    ("donors", "donor", "donor"),
    ("donors", "recipient", "recipient"),
    ("shipments", "shipment", "shipment"),
    ("shipments", "shipmentitem", "shipment item"),
    ("shipments", "source", "source"),
]
PUBLISH = ("shipments", "shipment", "publish_shipment", "Can publish and unpublish shipments")


def role_permissions():
    """(app label, model, codename, name) of each role's permissions."""
    entry = [
        (app, model, f"{action}_{model}", f"Can {action} {verbose}")
        for app, model, verbose in MODELS
        for action in ("view", "add", "change")
    ]
    entry.append(("shipments", "supplycategory", "view_supplycategory", "Can view supply category"))
    delete = [
        (app, model, f"delete_{model}", f"Can delete {verbose}") for app, model, verbose in MODELS
    ]
    return {DATA_ENTRY: entry, EDITOR: [*entry, *delete, PUBLISH]}


def create_roles(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    # Permissions are normally created after all migrations have run
    # (post_migrate), so on a fresh database they do not exist yet.
    for role, permissions in role_permissions().items():
        group, _ = Group.objects.get_or_create(name=role)
        for app_label, model, codename, name in permissions:
            content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": name}
            )
            group.permissions.add(permission)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[DATA_ENTRY, EDITOR]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("shipments", "0003_history"),
        ("donors", "0002_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
