"""Org pages beyond the workbench (mounted at /org/): imports."""

urlpatterns: list = []
