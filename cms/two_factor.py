"""Two-factor login for staff (django-otp): TOTP from an authenticator app, and single-use
recovery codes.

* Any staff user may enrol at ``/admin/two-factor/`` (a QR code and the secret for the app,
  confirmed with a first code; ten recovery codes are shown once).
* Once enrolled, the admin login asks for a code (or a recovery code) after the password, and
  a session that has not given one has no admin access. A wrong code counts as a failed login
  for the lockout (django-axes).
* With ``TWO_FACTOR_REQUIRED_FOR_SUPERUSERS`` (always on in production), a superuser who has
  not enrolled is sent to the enrolment page from every admin page until they do.
"""

from __future__ import annotations

from base64 import b32encode
from functools import wraps

import segno
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

# Admin views a superuser who must enrol may still reach.
_BEFORE_ENROLMENT = frozenset({"logout", "two_factor_setup", "two_factor_qr", "i18n_javascript"})
TOKEN_INVALID = _("两步验证码不对或已经用过：请输入验证器 App 上当前的 6 位数字，或一个没用过的恢复码。")


def enrolment_required(user) -> bool:
    """A superuser without a confirmed device, where settings require one."""
    return bool(
        settings.TWO_FACTOR_REQUIRED_FOR_SUPERUSERS
        and user.is_authenticated
        and user.is_superuser
        and not user_has_device(user)
    )


def second_factor_given(user) -> bool:
    """An enrolled user's session gave a code; users who have not enrolled pass."""
    return not user_has_device(user) or user.is_verified()


class TwoFactorLoginForm(AdminAuthenticationForm):
    otp_token = forms.CharField(
        label=_("两步验证码"),
        required=False,
        max_length=32,
        help_text=_("启用了两步验证才需要：验证器 App 上的 6 位数字，或一个恢复码。"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean(self):
        cleaned = super().clean()  # the password (each failure counted by django-axes), is_staff
        user = self.get_user()
        if user is None or not user_has_device(user):
            return cleaned
        token = "".join((cleaned.get("otp_token") or "").split())
        device = match_token(user, token) if token else None
        if device is None:
            user_login_failed.send(
                sender=__name__, credentials={"username": user.get_username()}, request=self.request
            )
            raise ValidationError(TOKEN_INVALID, code="invalid_token")
        user.otp_device = device  # django_otp marks the session verified at login
        return cleaned


class TwoFactorSetupForm(forms.Form):
    token = forms.CharField(
        label=_("验证器 App 上的 6 位数字"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class MastheadAdminSite(admin.AdminSite):
    login_form = TwoFactorLoginForm
    login_template = "admin/two_factor_login.html"

    def has_permission(self, request) -> bool:
        return super().has_permission(request) and second_factor_given(request.user)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request, *args, **kwargs):
            if enrolment_required(request.user) and view.__name__ not in _BEFORE_ENROLMENT:
                return redirect("admin:two_factor_setup")
            return inner(request, *args, **kwargs)

        return guarded

    def get_urls(self):
        return [
            path("two-factor/", self.admin_view(two_factor_setup), name="two_factor_setup"),
            path("two-factor/qr.svg", self.admin_view(two_factor_qr), name="two_factor_qr"),
            *super().get_urls(),
        ]


def _pending_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def recovery_codes_create(*, user) -> list[str]:
    """Replace ``user``'s recovery codes with ``TWO_FACTOR_RECOVERY_CODES`` new single-use ones."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _n in range(settings.TWO_FACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@never_cache
def two_factor_setup(request):
    """Enrol (scan, confirm with a code, get recovery codes) or, once enrolled, see the state
    and make new recovery codes."""
    user = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    context = {**admin.site.each_context(request), "title": _("两步验证"), "enrolled": confirmed is not None}
    form = TwoFactorSetupForm(request.POST or None)
    if confirmed is not None:
        if request.method == "POST" and form.is_valid():
            if match_token(user, "".join(form.cleaned_data["token"].split())) is None:
                form.add_error("token", TOKEN_INVALID)
            else:
                context["recovery_codes"] = recovery_codes_create(user=user)
        context["remaining_codes"] = StaticToken.objects.filter(device__user=user).count()
        context["form"] = form
        return TemplateResponse(request, "admin/two_factor.html", context)
    device = _pending_device(user)
    if request.method == "POST" and form.is_valid():
        if device.verify_token("".join(form.cleaned_data["token"].split())):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            context.update(enrolled=True, recovery_codes=recovery_codes_create(user=user), just_enrolled=True)
            return TemplateResponse(request, "admin/two_factor.html", context)
        form.add_error("token", TOKEN_INVALID)
    context.update(form=form, secret=b32encode(device.bin_key).decode())
    return TemplateResponse(request, "admin/two_factor.html", context)


@never_cache
def two_factor_qr(request):
    """The pending device's otpauth:// URL as a QR code (SVG) for the authenticator app."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        raise Http404
    svg = segno.make(device.config_url, error="m").svg_inline(scale=5)
    return HttpResponse(svg, content_type="image/svg+xml")


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked-out login: 429, in Chinese, saying for how long."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    response = TemplateResponse(request, "admin/locked_out.html", context, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    response["Cache-Control"] = "no-store"
    return response.render()
