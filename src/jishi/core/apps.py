from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jishi.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from jishi.core.calendar import _connect_signals

        _connect_signals()
