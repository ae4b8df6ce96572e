from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngageConfig(AppConfig):
    name = "jishi.engage"
    label = "engage"
    verbose_name = _("微心愿与揭榜挂帅")

    def ready(self) -> None:
        from jishi.engage import consumers, indicators, navigation

        navigation.register()
        indicators.register()  # wish fulfilment, offered to the smart-community evaluation
        consumers.register()  # the fulfiller's points and the wisher's notices follow the engagement timeline
