from django.urls import path

from jishi.security import views

app_name = "security"

urlpatterns = [
    path("totp/setup/", views.totp_setup, name="totp-setup"),
    path("totp/verify/", views.totp_verify, name="totp-verify"),
    path("totp/recovery-codes/", views.recovery_codes, name="recovery-codes"),
]
