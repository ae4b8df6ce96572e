from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VenuesConfig(AppConfig):
    name = "jishi.venues"
    label = "venues"
    verbose_name = _("党群服务阵地")

    def ready(self) -> None:
        from jishi.venues import consumers, indicators, navigation

        navigation.register()
        indicators.register()  # offered to the smart-community evaluation
        consumers.register()  # the 8-minute coverage is a consumer of the venues timeline
        from jishi.venues import ledgers

        ledgers.register()  # the venue-use ledger (台账), listed and exported by jishi.burden
