from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "jishi.org"
    label = "org"
    verbose_name = _("组织与网格")

    def ready(self) -> None:
        from jishi.org import navigation

        navigation.register()
