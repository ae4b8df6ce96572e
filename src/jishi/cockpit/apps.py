from django.apps import AppConfig


class CockpitConfig(AppConfig):
    name = "jishi.cockpit"
    verbose_name = "指挥驾驶舱"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from jishi.cockpit import navigation

        navigation.register()
        from jishi.cockpit import receivers  # noqa: F401  (connects the case-timeline receivers)
