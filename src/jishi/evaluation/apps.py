from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "jishi.evaluation"
    label = "evaluation"
    verbose_name = _("智慧社区评价")

    def ready(self) -> None:
        from jishi.evaluation import computed, consumers, navigation

        navigation.register()
        consumers.register()  # notices of each step, through jishi.notify
        computed.register()  # the indicators Jishi computes from the other apps' records
