"""The supply categories every shipment item is filed under."""

from django.db import migrations

CATEGORIES = [
    ("masks", "Masks", "pieces", "Surgical masks, face masks and N95/FFP2 respirator masks."),
    ("ventilators", "Ventilators", "pieces", "Ventilators and other breathing machines."),
    ("protective-suits", "Protective suits", "pieces", "Protective suits, gowns and coveralls."),
    ("test-reagents", "Tests and reagents", "tests", "Tests, test kits and testing reagents."),
    ("gloves", "Gloves", "pairs", "Medical and protective gloves."),
    ("medicines", "Medicines", "boxes", "Medicines and commonly used drugs."),
    (
        "medical-equipment",
        "Medical equipment",
        "pieces",
        "Devices other than ventilators: monitors, infusion pumps, ultrasound machines.",
    ),
    (
        "other",
        "Other supplies",
        "pieces",
        "Anything else, or supplies the source does not specify.",
    ),
]


def create_categories(apps, schema_editor):
    SupplyCategory = apps.get_model("shipments", "SupplyCategory")
    for order, (slug, name, unit, description) in enumerate(CATEGORIES, start=1):
        SupplyCategory.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "default_unit": unit,
                "description": description,
                "sort_order": order * 10,
            },
        )


def remove_categories(apps, schema_editor):
    SupplyCategory = apps.get_model("shipments", "SupplyCategory")
    SupplyCategory.objects.filter(slug__in=[slug for slug, *_ in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("shipments", "0001_initial")]

    operations = [migrations.RunPython(create_categories, remove_categories)]
