from django.urls import path

from jishi.venues import views

urlpatterns = [
    path("", views.home, name="venues-home"),
    path("list/", views.venue_list, name="venues-list"),
    path("new/", views.new, name="venues-new"),
    path("circle/", views.circle_page, name="venues-circle"),
    path("circle/settings", views.circle_settings, name="venues-circle-settings"),
    path("best-sites/", views.best, name="venues-best"),
    path("export.xlsx", views.export, name="venues-export"),
    path("<int:pk>/", views.venue, name="venues-venue"),
    path("<int:pk>/<str:verb>", views.act, name="venues-act"),
]
