"""System check: a production server that still prints SMS codes to its console."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Warning
from django.core.checks import register as register_check


def _console_sms(app_configs, **kwargs):
    if getattr(settings, "PRODUCTION", False) and settings.JISHI_SMS_BACKEND.endswith(".ConsoleSender"):
        return [Warning("JISHI_SMS_BACKEND is the console sender: codes are printed, not sent",
                        hint="Set JISHI_SMS_BACKEND to the class that sends through the city's SMS gateway.",
                        id="jishi.accounts.W001")]
    return []


def register() -> None:
    register_check(_console_sms, "jishi")
