"""Bulk imports of the city model: region boundaries from GeoJSON, people and staff from Excel.

Each import validates every feature/row first and reports every problem (where, which field, why,
in Chinese); it writes nothing unless the whole file is good, and then writes it in one transaction
with a single audit record carrying the counts.
"""

from jishi.org.imports.geojson_regions import import_regions
from jishi.org.imports.report import ImportReport, Problem
from jishi.org.imports.xlsx_people import import_people, write_template

__all__ = ["ImportReport", "Problem", "import_people", "import_regions", "write_template"]
