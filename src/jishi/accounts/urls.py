"""Entrance pages (mounted at /accounts/)."""

from django.urls import path

from jishi.accounts import views

app_name = "accounts"

urlpatterns = [
    path("enter/", views.enter, name="enter"),
    path("enter/code/", views.enter_code, name="enter-code"),
    path("reset/", views.reset, name="reset"),
    path("reset/code/", views.reset_code, name="reset-code"),
    path("password/", views.password_change, name="password-change"),
    path("invite/<int:person_id>/", views.invite, name="invite"),
    path("staff/", views.staff_accounts, name="staff"),
]
