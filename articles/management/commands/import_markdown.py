"""``manage.py import_markdown PATH [PATH ...]``: import legacy Hexo posts."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.services.importing import posts_import


class Command(BaseCommand):
    help = "Import Hexo-style markdown posts (files or directories). Safe to run again."

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="files or directories of posts")
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="also overwrite articles an editor changed since their import",
        )

    def handle(self, *args, paths: list[Path], overwrite: bool, **options) -> None:
        counts: Counter[str] = Counter()
        for result in posts_import(inputs=paths, overwrite=overwrite):
            counts[result.status] += 1
            if result.status == "failed":
                self.stderr.write(self.style.ERROR(f"FAILED {result.path}: {result.error}"))
            elif options["verbosity"] > 1 or result.warnings:
                self.stdout.write(f"{result.status:9} {result.path}  {result.article_url or ''}")
            for warning in result.warnings:
                self.stdout.write(self.style.WARNING(f"  warning: {warning}"))
        statuses = ("created", "updated", "unchanged", "skipped", "failed")
        summary = ", ".join(f"{counts[status]} {status}" for status in statuses)
        self.stdout.write(self.style.SUCCESS(f"Import finished: {summary}."))
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} file(s) failed to import.", returncode=1)
