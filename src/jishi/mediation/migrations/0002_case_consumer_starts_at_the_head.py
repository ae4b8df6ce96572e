"""A database that already has case history: the new consumer of the case timeline (``mediation.cases``) starts
at its newest row, so past 矛盾纠纷 cases are not registered as disputes after the fact. A new database has
no rows: nothing to do."""

from django.db import migrations
from django.db.models import Max


def start_at_the_head(apps, schema_editor):
    CaseEvent = apps.get_model("cases", "CaseEvent")
    ConsumerCursor = apps.get_model("core", "ConsumerCursor")
    top = CaseEvent.objects.aggregate(m=Max("id"))["m"]
    if top:
        ConsumerCursor.objects.get_or_create(name="mediation.cases", defaults={"position": top})


class Migration(migrations.Migration):
    dependencies = [("mediation", "0001_initial"), ("core", "0003_consumer_cursor")]
    operations = [migrations.RunPython(start_at_the_head, migrations.RunPython.noop)]
