from django.contrib import admin

from .models import Exchange


@admin.register(Exchange)
class ExchangeAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "part_key", "engine", "question")
    list_filter = ("engine", "part_key")
    list_select_related = ("user",)
    search_fields = ("question", "user__username")
    readonly_fields = ("user", "part_key", "question", "answer_html", "sources", "engine")
