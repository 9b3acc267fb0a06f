"""Admin for the sandbox: where kernels live, and what each runner reports (isolation layers,
kernels, load) above that list."""

from django.contrib import admin

from learn import sandbox
from learn.models import KernelPlacement


@admin.register(KernelPlacement)
class KernelPlacementAdmin(admin.ModelAdmin):
    list_display = ("kernel_id", "host", "created_at", "used_at")
    list_filter = ("host",)
    search_fields = ("kernel_id", "owner", "host")
    readonly_fields = ("kernel_id", "owner", "host", "created_at", "used_at")

    def has_add_permission(self, request) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "sandbox_runners": sandbox.all_status()}
        return super().changelist_view(request, extra_context=extra_context)
