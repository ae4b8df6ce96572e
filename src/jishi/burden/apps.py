from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BurdenConfig(AppConfig):
    name = "jishi.burden"
    label = "burden"
    verbose_name = _("减负：自动台账与数据填报")

    def ready(self) -> None:
        from jishi.burden import consumers, navigation

        navigation.register()
        consumers.register()  # the villages are told of a new data request (a consumer of the burden timeline)
