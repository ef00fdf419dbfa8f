"""Second-factor devices in the admin: superusers see who has enrolled and can remove a lost
device (its owner then enrols again at /admin/two-factor/). Keys are never shown: django-otp's
own TOTP admin (which shows them, and whose QR code views answer 500 for a missing device or
without the qrcode package) is replaced."""

from __future__ import annotations

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice


class DeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False  # staff enrol themselves: the key is made and shown only to its owner

    def has_change_permission(self, request, obj=None) -> bool:
        return False


for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, DeviceAdmin)
