from django.contrib import admin

from .models import FieldReport


@admin.register(FieldReport)
class FieldReportAdmin(admin.ModelAdmin):
    list_display = ("title", "published_at", "is_published", "author")
    list_filter = ("is_published",)
    search_fields = ("title", "summary", "body")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "published_at"
    raw_id_fields = ("author",)
