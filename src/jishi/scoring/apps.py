from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "jishi.scoring"
    label = "scoring"
    verbose_name = _("考核计分")

    def ready(self) -> None:
        from jishi.scoring import navigation

        navigation.register()
        from jishi.scoring import tasks

        tasks.register()  # the monthly publish (jishi.core.jobs)
