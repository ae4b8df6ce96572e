from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlueprintConfig(AppConfig):
    name = "jishi.blueprint"
    label = "blueprint"
    verbose_name = _("书记项目·共富基金·毗邻党建")

    def ready(self) -> None:
        from jishi.blueprint import consumers, navigation

        navigation.register()
        consumers.register()  # supervision and replies told through jishi.notify
