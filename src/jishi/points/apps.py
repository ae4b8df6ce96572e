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
        from jishi.points import tasks

        tasks.register()  # settlement and year-end reset (jishi.core.jobs)
