from django.contrib.auth import views as auth_views
from django.urls import path

from jishi.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("regions/", views.region_tree, name="region-tree"),
    path("people/", views.people, name="people"),
]
