from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "jishi.visits"
    label = "visits"
    verbose_name = _("入户走访")

    def ready(self) -> None:
        from jishi.visits import consumers, navigation, reminders

        navigation.register()
        consumers.register()  # the coverage rollup is a consumer of the visits timeline
        reminders.register()  # overdue special-group visits told to the visitors (inbox)
        from jishi.core.downloads import register_download
        from jishi.visits.logbook import photo_download

        register_download("visit", photo_download)  # visit photos leave only through /files/visit/<id>/
        from jishi.visits import ledgers

        ledgers.register()  # the visit ledger (台账), listed and exported by jishi.burden
