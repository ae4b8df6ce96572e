from django.urls import path

from jishi.cockpit import views

urlpatterns = [
    path("", views.cockpit, name="cockpit"),
    path("records/", views.record_list, name="cockpit-records"),
    path("map/", views.map_page, name="cockpit-map"),
    path("map/data/", views.map_data, name="cockpit-map-data"),
    path("analysis/", views.analysis_page, name="cockpit-analysis"),
]
