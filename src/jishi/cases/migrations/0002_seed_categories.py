"""Seed the category tree (大类/小类) with default departments, priorities and time limits."""

from django.db import migrations


def seed(apps, schema_editor):
    from jishi.cases.seed import load

    load(apps.get_model("cases", "Category"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
