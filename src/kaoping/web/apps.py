from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kaoping.web"
    label = "web"

    def ready(self) -> None:
        # campaigns (below results in the layers) refuses a step that shows incomplete results through
        # its hooks; the web wires results' readiness in, as results' own module stays untouched here
        from kaoping.campaigns import hooks
        from kaoping.results import readiness

        hooks.provide_readiness(
            lambda campaign, wait: readiness.incomplete_units(campaign, wait=wait),
            lambda units: readiness.describe(list(units)),
        )
