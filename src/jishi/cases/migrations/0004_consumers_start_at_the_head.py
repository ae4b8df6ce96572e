"""An existing database upgraded to the timeline-as-outbox: its consumers of the case timeline start at the newest
row, so the history written before them is not notified, pushed or awarded again (rollups and awards of that
history were made by the save hooks they replace). A new database has no rows: nothing to do."""

from django.db import migrations
from django.db.models import Max


def start_at_the_head(apps, schema_editor):
    from jishi.core.consumers import registered

    CaseEvent = apps.get_model("cases", "CaseEvent")
    ConsumerCursor = apps.get_model("core", "ConsumerCursor")
    top = CaseEvent.objects.aggregate(m=Max("id"))["m"]
    if not top:
        return
    for consumer in registered():
        if consumer.model._meta.label_lower == "cases.caseevent":
            ConsumerCursor.objects.get_or_create(name=consumer.name, defaults={"position": top})


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_list_order_indexes"), ("core", "0003_consumer_cursor")]
    operations = [migrations.RunPython(start_at_the_head, migrations.RunPython.noop)]
