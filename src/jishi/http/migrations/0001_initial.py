# The idempotency store moves from the platform app (label "api") to the HTTP kit: the table stays where it is
# (api_idempotentrequest); only Django's record of which app owns the model changes.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("api", "0003_ratewindow_unlogged")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="IdempotentRequest",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("caller", models.CharField(help_text="digest of the credentials that made the call", max_length=64)),
                        ("key", models.CharField(max_length=100)),
                        ("fingerprint", models.CharField(help_text="sha256 of method, path and body", max_length=64)),
                        ("status_code", models.PositiveSmallIntegerField(help_text="empty while the first call runs", null=True)),
                        ("content_type", models.CharField(blank=True, max_length=100)),
                        ("body", models.BinaryField(default=b"")),
                        ("created_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                    ],
                    options={
                        "db_table": "api_idempotentrequest",
                        "constraints": [models.UniqueConstraint(fields=("caller", "key"), name="api_idempotent_caller_key")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
