from django.contrib import admin, messages

from . import services
from .models import Certificate


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "track_title", "issued_at", "hidden", "revoked_at")
    list_filter = ("track", "hidden")
    search_fields = ("name", "user__username", "code")
    readonly_fields = ("code", "issued_at", "revoked_at")
    actions = ["revoke"]

    @admin.action(description="Revoke the selected certificates")
    def revoke(self, request, queryset):
        for certificate in queryset.filter(revoked_at__isnull=True):
            services.certificate_revoke(certificate=certificate, reason=f"by {request.user}")
        messages.success(request, "Revoked. Their pages now say there is no such certificate.")
