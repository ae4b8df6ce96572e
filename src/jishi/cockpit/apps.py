from django.apps import AppConfig


class CockpitConfig(AppConfig):
    name = "jishi.cockpit"
    verbose_name = "指挥驾驶舱"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from jishi.cockpit import consumers, navigation

        navigation.register()
        consumers.register()  # the rollups are a consumer of the case timeline
        from jishi.cockpit import jobs

        jobs.register()  # the one-off rebuild after a change of a figure's definition (jishi.core.jobs)
