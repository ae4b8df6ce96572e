"""Org pages beyond the workbench (mounted at /org/): imports."""

from django.urls import path

from jishi.org import views

urlpatterns: list = [
    path("import/", views.import_page, name="org-import"),
    path("import/confirm/", views.import_confirm, name="org-import-confirm"),
    path("import/people-template.xlsx", views.people_template, name="org-people-template"),
]
