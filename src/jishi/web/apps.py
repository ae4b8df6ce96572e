from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "jishi.web"
    label = "web"
    verbose_name = _("页面")

    def ready(self) -> None:
        from jishi.web import nav

        nav.register()  # the shell's own navigation entries
