from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "jishi.cases"
    label = "cases"
    verbose_name = _("事件工单")

    def ready(self) -> None:
        from jishi.cases import navigation

        navigation.register()  # the case pages and the inbox in the navigation
        from jishi.cases.detail import download_of
        from jishi.core.downloads import register_download

        register_download("case", download_of)  # case files leave only through /files/case/<id>/
        from jishi.cases import ledgers

        ledgers.register()  # the monthly case ledger (台账), listed and exported by jishi.burden
