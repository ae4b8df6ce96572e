from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CadresConfig(AppConfig):
    name = "jishi.cadres"
    label = "cadres"
    verbose_name = _("干部队伍建设")

    def ready(self) -> None:
        from jishi.cadres import navigation

        navigation.register()
