from django.contrib.auth import views as auth_views
from django.urls import path

from jishi.http import files
from jishi.web import people, regions, views, views_export, views_tiles

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("regions/", regions.region_tree, name="region-tree"),
    path("regions/geojson", regions.region_geojson, name="region-geojson"),
    path("regions/gridforce/", regions.gridforce_page, name="gridforce"),
    path("regions/<int:region_id>/", regions.region_detail, name="region-detail"),
    path("regions/<int:region_id>/children", regions.region_children, name="region-children"),
    path("people/", people.people, name="people"),
    path("people/<int:person_id>/", people.person_detail, name="person-detail"),
    path("people.xlsx", views_export.people_export, name="people-export"),
    path("files/<slug:kind>/<int:pk>/", files.download, name="download"),
    path("map/tiles/<int:z>/<int:x>/<int:y>.<slug:ext>", views_tiles.tile, name="map-tile"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("manifest.webmanifest", views.manifest, name="web-manifest"),
]
