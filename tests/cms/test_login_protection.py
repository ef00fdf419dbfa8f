"""Login protection: lockout per user and per address (django-axes), TOTP two-factor with
recovery codes (django-otp), required of superusers in production."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
ROOT = Path(__file__).resolve().parents[2]


def login(client: Client, username: str, password: str, token: str = "", address: str = "10.0.0.1"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "otp_token": token, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def logged_in(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


@pytest.fixture
def staff(db):
    return UserFactory(username="reporter", is_staff=True, is_superuser=True)


def test_thirty_wrong_passwords_lock_the_user_out_even_with_the_right_one_then(client, staff, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "reporter", "wrong").status_code == 200
    for _attempt in range(30 - settings.AXES_FAILURE_LIMIT + 1):
        assert login(client, "reporter", "wrong").status_code == 429
    response = login(client, "reporter", PASSWORD)
    assert response.status_code == 429
    text = response.content.decode()
    assert "登录已暂时锁定" in text and f"{settings.AXES_FAILURE_LIMIT} 次" in text and "30 分钟" in text
    assert not logged_in(client)


def test_the_lockout_is_per_user_and_separately_per_address(staff, settings):
    other = UserFactory(username="other", is_staff=True)
    attacker = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login(attacker, "reporter", "wrong", address="10.0.0.9")
    # The user is locked from any address...
    assert login(Client(), "reporter", PASSWORD, address="10.0.0.50").status_code == 429
    # ...and the address for any user.
    assert login(Client(), other.username, PASSWORD, address="10.0.0.9").status_code == 429
    fresh = Client()
    assert login(fresh, other.username, PASSWORD, address="10.0.0.51").status_code == 302
    assert logged_in(fresh)


def test_a_success_before_the_limit_resets_the_count(client, staff, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "reporter", "wrong")
    assert login(client, "reporter", PASSWORD).status_code == 302
    client.post("/admin/logout/")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "reporter", "wrong")
    assert login(client, "reporter", PASSWORD).status_code == 302


def _enrol(client: Client) -> tuple[TOTPDevice, list[str]]:
    page = client.get("/admin/two-factor/")
    assert page.status_code == 200
    secret = re.search(r'class="totp-secret">([A-Z2-7]+)<', page.content.decode()).group(1)
    qr = client.get("/admin/two-factor/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    device = TOTPDevice.objects.get(confirmed=False)
    assert device.key.upper() == __import__("base64").b32decode(secret).hex().upper()
    wrong = client.post("/admin/two-factor/", {"token": "000000" if _code(device) != "000000" else "111111"})
    assert "两步验证码不对" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code makes the device wait a second (django-otp throttling)
    done = client.post("/admin/two-factor/", {"token": _code(device)})
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", done.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    return device, codes


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def test_staff_enrol_and_then_need_a_code_or_a_recovery_code_to_log_in(staff):
    client = Client()
    assert login(client, "reporter", PASSWORD).status_code == 302
    device, codes = _enrol(client)
    assert logged_in(client)  # the session that enrolled is verified
    client.post("/admin/logout/")

    without = Client()
    response = login(without, "reporter", PASSWORD)
    assert response.status_code == 200 and "两步验证码不对" in response.content.decode()
    assert not logged_in(without)

    with_code = Client()
    device.refresh_from_db()
    device.last_t = -1  # the enrolment used this step's code
    device.save()
    assert login(with_code, "reporter", PASSWORD, _code(device)).status_code == 302
    assert logged_in(with_code)

    with_recovery = Client()
    assert login(with_recovery, "reporter", PASSWORD, codes[0]).status_code == 302
    assert logged_in(with_recovery)
    assert not StaticToken.objects.filter(token=codes[0]).exists()  # single use
    again = Client()
    assert login(again, "reporter", PASSWORD, codes[0]).status_code == 200


def test_a_session_without_the_second_factor_has_no_admin_access(staff):
    TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    client = Client()
    client.force_login(staff)  # a password-only session (e.g. from before enrolment)
    response = client.get("/admin/articles/article/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_wrong_codes_count_towards_the_lockout(staff, settings):
    TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, "reporter", PASSWORD, "123456")
    assert login(client, "reporter", PASSWORD, "123456").status_code == 429


def test_superusers_must_enrol_where_settings_require_it(staff, settings):
    settings.TWO_FACTOR_REQUIRED_FOR_SUPERUSERS = True
    client = Client()
    assert login(client, "reporter", PASSWORD).status_code == 302
    response = client.get("/admin/articles/article/")
    assert response.status_code == 302 and response["Location"] == "/admin/two-factor/"
    _enrol(client)
    assert client.get("/admin/articles/article/").status_code == 200
    # Staff who are not superusers are offered it, not made to.
    writer = UserFactory(username="plain-staff", is_staff=True, is_superuser=False)
    other = Client()
    other.force_login(writer)
    assert other.get("/admin/").status_code == 200


def test_without_the_requirement_the_dev_superuser_logs_in_with_a_password(staff, settings):
    assert settings.TWO_FACTOR_REQUIRED_FOR_SUPERUSERS is False
    client = Client()
    assert login(client, "reporter", PASSWORD).status_code == 302
    assert logged_in(client)


def _production(code: str, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "DJANGO_SECRET_KEY": "x" * 20 + "production-test-key-with-enough-entropy-0123456789",
        "DJANGO_ALLOWED_HOSTS": "example.com",
    }
    for name in ("DJANGO_2FA_REQUIRED_FOR_SUPERUSERS", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    command = [sys.executable, *args] if args else [sys.executable, "-c", code]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_production_requires_two_factor_for_superusers_and_check_deploy_stays_clean():
    done = _production(
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.TWO_FACTOR_REQUIRED_FOR_SUPERUSERS, settings.AXES_FAILURE_LIMIT)"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "5"]
    deploy = _production("", "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
