from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PointsConfig(AppConfig):
    name = "jishi.points"
    label = "points"
    verbose_name = _("村民积分")

    def ready(self) -> None:
        from jishi.core.downloads import register_download
        from jishi.points import consumers, navigation, tasks
        from jishi.points.claims import photo_download

        navigation.register()
        consumers.register()  # the informant award is a consumer of the case timeline
        tasks.register()  # settlement and year-end reset (jishi.core.jobs)
        register_download("claim", photo_download)  # claim photos leave only through /files/claim/<id>/
        from jishi.points import ledgers

        ledgers.register()  # the points ledger (台账), listed and exported by jishi.burden
