from django.contrib import admin

from .models import Category, ModerationLog, Post, PostReport, Suspension, Topic


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position", "topic_count", "post_count")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("topic_count", "post_count", "last_post_at", "last_topic")


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("title", "category", "author", "post_count", "is_pinned", "is_locked")
    list_filter = ("category", "is_pinned", "is_locked", "is_hidden")
    search_fields = ("title",)
    raw_id_fields = ("author", "last_post_author", "answer")
    # Counters and the pinned/locked/hidden flags change through the forum so they are logged.
    readonly_fields = ("post_count", "last_post_at", "is_pinned", "is_locked", "is_hidden")


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("topic", "position", "author", "created_at", "is_deleted", "is_hidden")
    list_filter = ("is_deleted", "is_hidden")
    raw_id_fields = ("topic", "author")
    # The HTML is only ever produced by the renderer from the body, never typed in.
    readonly_fields = ("body_html", "like_count", "position")


@admin.register(PostReport)
class PostReportAdmin(admin.ModelAdmin):
    list_display = ("post", "reporter", "status", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("post", "reporter", "resolved_by")


@admin.register(Suspension)
class SuspensionAdmin(admin.ModelAdmin):
    list_display = ("member", "until", "by", "reason")
    raw_id_fields = ("member", "by")


@admin.register(ModerationLog)
class ModerationLogAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor", "action", "topic", "target", "reason")
    list_filter = ("action",)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
