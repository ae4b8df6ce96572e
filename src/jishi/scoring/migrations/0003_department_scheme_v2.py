"""One satisfaction weight for every figure (``jishi.cases.figures.BASIC_WEIGHT``): the per-scheme
``basic_weight`` goes. The GB/T 30428 department scheme gets version 2, which adds the response (签收) rate
and the overdue rate (GB/T 30428.4's 按时处置率 / 返工率 style) and drops the volume term; boards published
with version 1 keep it."""

from django.db import migrations

V2 = {"code": "gbt30428", "version": 2, "name": "GB/T 30428 部门处置考核", "unit_type": "department",
      "terms": [{"indicator": "response_rate", "weight": 0.2},
                {"indicator": "on_time_closure_rate", "weight": 0.25},
                {"indicator": "overdue_rate", "weight": 0.15, "invert": True},
                {"indicator": "closure_rate", "weight": 0.15},
                {"indicator": "rework_rate", "weight": 0.15, "invert": True},
                {"indicator": "satisfaction_rate", "weight": 0.1}],
      "bands": {"A": 90, "B": 80, "C": 70, "D": 60}, "min_volume": 5}


def seed(apps, schema_editor):
    Scheme = apps.get_model("scoring", "Scheme")
    Scheme.objects.get_or_create(code=V2["code"], version=V2["version"], defaults=V2)


def unseed(apps, schema_editor):
    apps.get_model("scoring", "Scheme").objects.filter(code=V2["code"], version=V2["version"],
                                                       boards__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("scoring", "0002_default_schemes")]
    operations = [
        migrations.RemoveField(model_name="scheme", name="basic_weight"),
        migrations.RunPython(seed, unseed),
    ]
