"""Content API keys, admin API tokens and webhooks in the admin.

Secrets (keys, tokens, endpoint signing secrets) are shown once, on the page that answers the
"add" form, and never stored in a message or a cookie; keys and tokens are revoked, not
deleted, so the log of who had access stays.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.api.models import ContentKey, StaffToken
from articles.services.api_access import (
    content_key_fill,
    credential_forget,
    credentials_revoke,
    staff_token_fill,
)


def secret_created_response(request, model_admin, obj, *, secret: str, what: str, usage: str = ""):
    """The page that shows a new secret once (not cached, not kept anywhere)."""
    opts = model_admin.model._meta
    response = TemplateResponse(
        request,
        "admin/articles/secret_created.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": _("已创建"),
            "opts": opts,
            "object": obj,
            "secret": secret,
            "what": what,
            "usage": usage,
            "changelist_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        },
    )
    add_never_cache_headers(response)
    return response


class CredentialAdmin(admin.ModelAdmin):
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke_selected"]
    secret_label = ""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoke instead: the record of who had access stays

    @admin.display(description=_("状态"), boolean=True)
    def usable(self, obj) -> bool:
        return obj.revoked_at is None

    @admin.action(description=_("撤销所选"), permissions=["change"])
    def revoke_selected(self, request, queryset) -> None:
        count = credentials_revoke(credentials=queryset)
        self.message_user(
            request, ngettext("已撤销 %(count)d 个。", "已撤销 %(count)d 个。", count) % {"count": count}
        )

    def save_model(self, request, obj, form, change: bool) -> None:
        if not change:
            request._created_secret = self.fill_secret(request, obj)
        super().save_model(request, obj, form, change)
        if change:
            credential_forget(digest=obj.digest)  # a changed rate limit applies at once

    def fill_secret(self, request, obj) -> str:
        raise NotImplementedError

    def response_add(self, request, obj, post_url_continue=None):
        secret = getattr(request, "_created_secret", None)
        if secret is None:
            return super().response_add(request, obj, post_url_continue)
        return secret_created_response(
            request, self, obj, secret=secret, what=self.secret_label, usage=self.usage()
        )

    def usage(self) -> str:
        return ""


@admin.register(ContentKey)
class ContentKeyAdmin(CredentialAdmin):
    list_display = ["name", "prefix", "rate_limit", "usable", "last_used_at", "created_at", "created_by"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "notes"]
    fields = ["name", "rate_limit", "notes", "prefix", "created_at", "last_used_at", "revoked_at"]
    secret_label = _("内容 API 密钥")

    def fill_secret(self, request, obj) -> str:
        obj.created_by = request.user
        return content_key_fill(key=obj)

    def usage(self) -> str:
        return str(
            _("请求时放在请求头 X-Masthead-Key 或查询参数 ?key= 中：%(url)s/api/v1/articles?key=…")
        ) % {"url": settings.MASTHEAD_SITE_URL}


@admin.register(StaffToken)
class StaffTokenAdmin(CredentialAdmin):
    list_display = ["name", "user", "prefix", "usable", "expires_at", "last_used_at", "created_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username"]
    secret_label = _("后台 API 令牌")

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("user")
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)

    def get_fields(self, request, obj=None):
        fields = ["name", "expires_at", "prefix", "created_at", "last_used_at", "revoked_at"]
        # Only superusers make tokens for someone else; everyone else's tokens act as themselves.
        return ["user", *fields] if request.user.is_superuser else fields

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "user"] if obj is not None and request.user.is_superuser else readonly

    def fill_secret(self, request, obj) -> str:
        if not request.user.is_superuser or obj.user_id is None:
            obj.user = request.user
        return staff_token_fill(token=obj)

    def usage(self) -> str:
        return str(_("请求时放在请求头中：Authorization: Bearer <令牌>。令牌拥有其用户的全部权限。"))
