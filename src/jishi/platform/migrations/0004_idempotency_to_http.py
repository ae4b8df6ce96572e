# The idempotency store now belongs to the HTTP kit (http/0001 takes it over with the same table).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("api", "0003_ratewindow_unlogged"), ("http", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="IdempotentRequest")],
                                            database_operations=[]),
    ]
