"""On PostgreSQL the rate-limit counters need no WAL: make ``api_ratewindow`` UNLOGGED."""

from django.db import migrations


def unlogged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE api_ratewindow SET UNLOGGED")


def logged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE api_ratewindow SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [("api", "0002_clients_ratelimits_idempotency")]
    operations = [migrations.RunPython(unlogged, logged)]
