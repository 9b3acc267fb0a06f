from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "agenticworks.pages"
    label = "pages"
    verbose_name = "Site pages"
