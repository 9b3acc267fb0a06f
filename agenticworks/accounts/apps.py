from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "agenticworks.accounts"
    label = "accounts"
    verbose_name = "Accounts and profiles"
