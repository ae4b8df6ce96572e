from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "jishi.mediation"
    label = "mediation"
    verbose_name = _("矛盾纠纷调处")

    def ready(self) -> None:
        from jishi.mediation import consumers, navigation

        navigation.register()
        consumers.register()  # a taken-up 矛盾纠纷 case becomes a dispute
        from jishi.mediation import ledgers

        ledgers.register()  # the mediation ledger (台账), listed and exported by jishi.burden
