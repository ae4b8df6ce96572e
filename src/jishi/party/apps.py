from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartyConfig(AppConfig):
    name = "jishi.party"
    label = "party"
    verbose_name = _("党组织与在职党员报到")

    def ready(self) -> None:
        from jishi.party import ledgers, navigation

        navigation.register()
        ledgers.register()  # 党组织活动台账, offered to the ledgers page (jishi.core.ledgers)
