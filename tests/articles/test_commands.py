import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_ensure_superuser_uses_the_password_from_the_environment(monkeypatch, capsys):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "s3cret-Pass-word")
    call_command("ensure_superuser")
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.check_password("s3cret-Pass-word")
    assert "s3cret" not in capsys.readouterr().out


def test_ensure_superuser_generates_and_prints_a_password_once(monkeypatch, capsys):
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)
    call_command("ensure_superuser")
    password = capsys.readouterr().out.split("password: ")[1].split()[0]
    assert get_user_model().objects.get(username="admin").check_password(password)
    call_command("ensure_superuser")
    assert "password" not in capsys.readouterr().out
    assert get_user_model().objects.count() == 1
