from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BeesConfig(AppConfig):
    name = "jishi.bees"
    label = "bees"
    verbose_name = _("小蜜蜂（新就业群体）")

    def ready(self) -> None:
        from jishi.bees import ledgers, navigation

        navigation.register()
        ledgers.register()  # 小蜜蜂工作台账, offered to the ledger registry (jishi.core.ledgers)
