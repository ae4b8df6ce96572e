"""Offline base maps: the case map's navigation link."""

EN = {
    "导航到这里": "Navigate here",
}
