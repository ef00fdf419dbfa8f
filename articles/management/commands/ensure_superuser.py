"""``manage.py ensure_superuser``: make sure the ``admin`` superuser exists (for ``make run``)."""

from __future__ import annotations

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create the superuser 'admin' if missing. Password from DJANGO_SUPERUSER_PASSWORD, "
        "else generated and printed once."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username: str, **options) -> None:
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"Superuser '{username}' already exists.")
            return
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        generated = not password
        password = password or secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        if generated:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created superuser '{username}' with password: {password}\n"
                    "(shown once; set DJANGO_SUPERUSER_PASSWORD to choose it)"
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Created superuser '{username}'."))
