"""Emergencies: the crises shipments are sent for, named by GLIDE number.

Every shipment recorded so far was sent for COVID-19, which the migration
creates as the default emergency. The shipments' new column is added with
COVID-19 as its default value, then the default is dropped: on PostgreSQL 11
and later that fills every existing row without rewriting the table (an
UPDATE of a million shipments would write each row again, and every index of
the table with it, the trigram index of the search included). The history's
column is filled the same way: every past version was of a COVID-19 shipment.
"""

import datetime

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import shipments.models
from shipments.migration_operations import AddFieldFilled

COVID_19 = {
    "glide": "EP-2020-000012-001",
    "name": "COVID-19",
    # The day WHO was told of the first cases, in Wuhan.
    "started_on": datetime.date(2019, 12, 31),
    "description": "The coronavirus disease 2019 pandemic.",
}
# Both roles see the emergencies, to pick one; editors also add and change them
# (see 0004_roles), as a deployment moves on to the next emergency.
ROLE_ACTIONS = {
    "Data entry": ["view"],
    "Editor": ["view", "add", "change"],
}


def create_covid_19(apps, schema_editor):
    Emergency = apps.get_model("shipments", "Emergency")
    Emergency.objects.update_or_create(
        glide=COVID_19["glide"], defaults={**COVID_19, "is_default": True}
    )


def remove_covid_19(apps, schema_editor):
    apps.get_model("shipments", "Emergency").objects.filter(glide=COVID_19["glide"]).delete()


def let_staff_pick_emergencies(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="shipments", model="emergency")
    for group in Group.objects.filter(name__in=ROLE_ACTIONS):
        for action in ROLE_ACTIONS[group.name]:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_emergency",
                defaults={"name": f"Can {action} emergency"},
            )
            group.permissions.add(permission)


def forget_the_permissions(apps, schema_editor):
    apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="shipments", content_type__model="emergency"
    ).delete()


def covid_19_key(apps):
    return apps.get_model("shipments", "Emergency").objects.get(glide=COVID_19["glide"]).pk


class Migration(migrations.Migration):
    dependencies = [
        ("shipments", "0016_arrival_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="Emergency",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="As readers know it, e.g. COVID-19.", max_length=100
                    ),
                ),
                (
                    "glide",
                    models.CharField(
                        help_text="The emergency's GLIDE number (glidenumber.net), e.g. EP-2020-000012-001 for COVID-19. Files and links select shipments by it: do not change it once published.",
                        max_length=30,
                        unique=True,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^[A-Z]{2}-[0-9]{4}-[0-9]{6}-[A-Z0-9]{3}$",
                                "Write a GLIDE number as XX-YYYY-NNNNNN-CCC: the hazard's two letters, the year, six digits and the country's three letters (or digits), e.g. EP-2020-000012-001.",
                            )
                        ],
                        verbose_name="GLIDE number",
                    ),
                ),
                (
                    "started_on",
                    models.DateField(blank=True, help_text="When the emergency began.", null=True),
                ),
                (
                    "description",
                    models.TextField(blank=True, help_text="What the emergency was, in brief."),
                ),
                (
                    "is_default",
                    models.BooleanField(
                        default=False,
                        help_text="New shipments, and imported files without a crisis column, belong to the default emergency. Only one emergency is the default.",
                        verbose_name="default",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "emergencies",
                "ordering": ["started_on", "name"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("is_default", True)),
                        fields=("is_default",),
                        name="emergency_one_default",
                        violation_error_message="Only one emergency is the default.",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalEmergency",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="As readers know it, e.g. COVID-19.", max_length=100
                    ),
                ),
                (
                    "glide",
                    models.CharField(
                        db_index=True,
                        help_text="The emergency's GLIDE number (glidenumber.net), e.g. EP-2020-000012-001 for COVID-19. Files and links select shipments by it: do not change it once published.",
                        max_length=30,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^[A-Z]{2}-[0-9]{4}-[0-9]{6}-[A-Z0-9]{3}$",
                                "Write a GLIDE number as XX-YYYY-NNNNNN-CCC: the hazard's two letters, the year, six digits and the country's three letters (or digits), e.g. EP-2020-000012-001.",
                            )
                        ],
                        verbose_name="GLIDE number",
                    ),
                ),
                (
                    "started_on",
                    models.DateField(blank=True, help_text="When the emergency began.", null=True),
                ),
                (
                    "description",
                    models.TextField(blank=True, help_text="What the emergency was, in brief."),
                ),
                (
                    "is_default",
                    models.BooleanField(
                        default=False,
                        help_text="New shipments, and imported files without a crisis column, belong to the default emergency. Only one emergency is the default.",
                        verbose_name="default",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical emergency",
                "verbose_name_plural": "historical emergencies",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(create_covid_19, remove_covid_19),
        migrations.RunPython(let_staff_pick_emergencies, forget_the_permissions),
        AddFieldFilled(
            model_name="historicalshipment",
            name="emergency",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                default=shipments.models.default_emergency,
                help_text="The crisis the aid was sent for; the default emergency unless you pick another.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="shipments.emergency",
            ),
            fill=covid_19_key,
        ),
        AddFieldFilled(
            model_name="shipment",
            name="emergency",
            field=models.ForeignKey(
                default=shipments.models.default_emergency,
                help_text="The crisis the aid was sent for; the default emergency unless you pick another.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="shipments",
                to="shipments.emergency",
            ),
            fill=covid_19_key,
        ),
    ]
