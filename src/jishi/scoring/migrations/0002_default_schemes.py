"""Seed the default schemes: GB/T 30428 department score, 12345 三率 and the grid worker score."""

from django.db import migrations

DEFAULTS = [
    {"code": "gbt30428", "name": "GB/T 30428 部门处置考核", "unit_type": "department",
     "terms": [{"indicator": "volume", "weight": 0.1}, {"indicator": "closure_rate", "weight": 0.3},
               {"indicator": "on_time_closure_rate", "weight": 0.3},
               {"indicator": "rework_rate", "weight": 0.3, "invert": True}]},
    {"code": "12345-3rates", "name": "12345 三率考核", "unit_type": "town",
     "terms": [{"indicator": "response_rate", "weight": 1 / 3}, {"indicator": "closure_rate", "weight": 1 / 3},
               {"indicator": "satisfaction_rate", "weight": 1 / 3}]},
    {"code": "grid-worker", "name": "网格员上报考核", "unit_type": "grid_worker",
     "terms": [{"indicator": "volume", "weight": 0.3}, {"indicator": "valid_report_rate", "weight": 0.7}]},
]
BANDS = {"A": 90, "B": 80, "C": 70, "D": 60}


def seed(apps, schema_editor):
    Scheme = apps.get_model("scoring", "Scheme")
    for d in DEFAULTS:
        Scheme.objects.get_or_create(code=d["code"], version=1, defaults={**d, "bands": BANDS})


def unseed(apps, schema_editor):
    apps.get_model("scoring", "Scheme").objects.filter(code__in=[d["code"] for d in DEFAULTS], version=1,
                                                       boards__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("scoring", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
