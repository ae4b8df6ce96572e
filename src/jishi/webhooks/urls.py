"""Webhook admin pages, mounted at /webhooks/ (administrators only)."""

from django.urls import path

from jishi.webhooks import views

urlpatterns = [
    path("", views.overview, name="webhooks"),
    path("deliveries/<int:delivery_id>/redeliver", views.redeliver, name="webhook-redeliver"),
]
