from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "jishi.security"
    label = "security"
    verbose_name = _("安全")

    def ready(self) -> None:
        from jishi.security import signals  # noqa: F401  (connects the login signal handlers)
