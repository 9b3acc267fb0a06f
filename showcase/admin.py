from django.contrib import admin
from django.db import models

from . import services
from .models import Comment, Project, Tag


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("title", "author", "status", "is_featured", "like_count", "published_at")
    list_filter = ("status", "is_featured")
    search_fields = ("title", "summary", "author__username")
    list_select_related = ("author",)
    raw_id_fields = ("author",)
    filter_horizontal = ("tags",)
    readonly_fields = ("like_count", "comment_count", "cover", "cover_width", "cover_height")
    actions = ("feature", "unfeature")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.action(description="Feature on the home page")
    def feature(self, request, queryset):
        for project in queryset.published():
            services.project_feature(project=project, featured=True)

    @admin.action(description="Stop featuring")
    def unfeature(self, request, queryset):
        for project in queryset:
            services.project_feature(project=project, featured=False)

    # Deleting goes through the service so that cover files are removed too.
    def delete_model(self, request, obj):
        services.project_delete(project=obj)

    def delete_queryset(self, request, queryset):
        for project in queryset:
            services.project_delete(project=project)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("project", "author", "created_at", "is_removed")
    list_select_related = ("project", "author")
    raw_id_fields = ("project", "author", "parent")
    search_fields = ("body", "author__username")
