from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PointsConfig(AppConfig):
    name = "jishi.points"
    label = "points"
    verbose_name = _("村民积分")

    def ready(self) -> None:
        from jishi.points import consumers, navigation

        navigation.register()

        consumers.register()  # the informant award is a consumer of the case timeline
        from jishi.core.downloads import register_download
        from jishi.points.claims import photo_download

        register_download("claim", photo_download)  # claim photos leave only through /files/claim/<id>/
