from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HttpConfig(AppConfig):
    """The HTTP kit every ``api.py`` uses: authentication, scopes, pagination, problem+json, idempotency,
    revalidation. Knows ``core`` only."""

    name = "jishi.http"
    label = "http"
    verbose_name = _("接口基础")
    default_auto_field = "django.db.models.BigAutoField"
