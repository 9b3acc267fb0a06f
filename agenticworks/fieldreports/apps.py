from django.apps import AppConfig


class FieldReportsConfig(AppConfig):
    name = "agenticworks.fieldreports"
    label = "fieldreports"
    verbose_name = "Field reports"
