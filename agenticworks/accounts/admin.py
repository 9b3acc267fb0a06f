from django.contrib import admin
from django.db import models

from .models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "display_name", "location", "progress_public", "created_at")
    search_fields = ("user__username", "display_name", "user__email")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
