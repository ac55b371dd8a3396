from django.apps import AppConfig


class ShipmentsConfig(AppConfig):
    name = "shipments"

    def ready(self):
        from shipments import signals

        signals.connect(self)
