"""Webhook endpoints (editors register them), and the log of events and deliveries."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.admin.api_access import secret_created_response
from articles.webhooks.delivery import EndpointRefused, address_check, deliveries_resend
from articles.webhooks.models import EventKind, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from articles.webhooks.signing import secret_new


class WebhookEndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("订阅事件"), choices=EventKind.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "events", "is_active"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            address_check(url)
        except EndpointRefused as error:
            raise forms.ValidationError(
                _("这个地址不能接收 Webhook：%(reason)s") % {"reason": error}
            ) from error
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["name", "url", "event_list", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]

    @admin.display(description=_("订阅事件"))
    def event_list(self, obj: WebhookEndpoint) -> str:
        labels = dict(EventKind.choices)
        return "、".join(str(labels.get(kind, kind)) for kind in obj.events or [])

    def save_model(self, request, obj: WebhookEndpoint, form, change: bool) -> None:
        if not change:
            obj.secret = secret_new()
            obj.created_by = request.user
            request._created_secret = obj.secret
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        secret = getattr(request, "_created_secret", None)
        if secret is None:
            return super().response_add(request, obj, post_url_continue)
        usage = _(
            "每次投递带 X-Masthead-Signature: t=<时间戳>,v1=<签名>，签名为用此密钥对“时间戳.请求体”计算的 "
            "HMAC-SHA256（十六进制）；X-Masthead-Event-Id 是事件 ID，可用来去重。"
        )
        return secret_created_response(request, self, obj, secret=secret, what=_("签名密钥"), usage=usage)


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ["number", "started_at", "status_code", "response_ms", "error", "response_excerpt"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields] + list(self.readonly_fields)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "event_kind",
        "article",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "last_response_ms",
        "created_at",
        "delivered_at",
        "next_attempt_at",
    ]
    list_filter = ["status", "endpoint", "event__kind"]
    list_select_related = ["event", "endpoint"]
    search_fields = ["event__id", "endpoint__name"]
    inlines = [WebhookAttemptInline]
    actions = ["resend_selected"]

    @admin.display(description=_("事件"), ordering="event__kind")
    def event_kind(self, obj: WebhookDelivery) -> str:
        return obj.event.get_kind_display()

    @admin.display(description=_("文章 ID"))
    def article(self, obj: WebhookDelivery) -> int:
        return obj.event.article_id

    @admin.action(description=_("重新发送所选投递（已成功的不会重发）"), permissions=["change"])
    def resend_selected(self, request, queryset) -> None:
        count = deliveries_resend(deliveries=queryset)
        self.message_user(
            request,
            ngettext("已安排重新发送 %(count)d 个投递。", "已安排重新发送 %(count)d 个投递。", count)
            % {"count": count},
        )


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ["kind", "article_id", "status", "occurred_at", "due_at"]
    list_filter = ["kind", "status"]
    search_fields = ["id", "article_id"]
    readonly_fields = ["payload_pretty"]
    exclude = ["payload"]

    @admin.display(description=_("内容"))
    def payload_pretty(self, obj: WebhookEvent) -> str:
        if obj.payload is None:
            return "—"
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, ensure_ascii=False, indent=2))

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "payload"] + ["payload_pretty"]
