from django.urls import path

from jishi.party import views, views_reportin

urlpatterns = [
    path("", views.tree, name="party-tree"),
    path("orgs/<int:pk>/", views.org_detail, name="party-org"),
    path("activities/", views.activities, name="party-activities"),
    path("activities/new/", views.activity_new, name="party-activity-new"),
    path("activities/<int:pk>/", views.activity_detail, name="party-activity"),
    path("activities/<int:pk>/<str:verb>", views.activity_act, name="party-activity-act"),
    path("report-in/", views_reportin.home, name="party-reportin"),
    path("report-in/new/", views_reportin.register_new, name="party-reportin-new"),
    path("report-in/community/", views_reportin.community, name="party-community"),
    path("report-in/units/", views_reportin.units, name="party-units"),
    path("report-in/<int:pk>/", views_reportin.detail, name="party-registration"),
    path("report-in/<int:pk>/<str:verb>", views_reportin.act, name="party-registration-act"),
    path("records/<int:pk>/<str:verb>", views_reportin.record_act, name="party-record-act"),
]
