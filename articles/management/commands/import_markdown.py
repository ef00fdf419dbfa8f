"""``manage.py import_markdown PATH [PATH ...]``: import legacy Hexo posts.

Thin: parses arguments, shows progress and the outcome; the work is ``posts_import``.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import ImportRun
from articles.services.importing import ImportResult, posts_import, report_build
from articles.services.importing.parsing import default_workers
from articles.services.importing.results import STATUS_LABELS
from articles.services.importing.runs import import_run_record


class ProgressBar:
    """A one-line progress bar on a terminal; other output clears it first."""

    WIDTH = 30

    def __init__(self, stream) -> None:
        self.stream, self.shown = stream, False

    def update(self, done: int, total: int) -> None:
        filled = self.WIDTH * done // total if total else self.WIDTH
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\r[{bar}] {done}/{total}", ending="")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K", ending="")
            self.shown = False


class Command(BaseCommand):
    help = _("导入 Hexo 旧文章（.md 文件、目录或 .zip 压缩包）。可重复运行：未变的文件不会重复导入。")

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help=_("文章文件、目录或 .zip 压缩包"))
        parser.add_argument("--overwrite", action="store_true", help=_("也覆盖导入后被编辑改动过的文章"))
        parser.add_argument("--dry-run", action="store_true", help=_("只报告将会发生什么，不写入任何内容"))
        parser.add_argument("--report", type=Path, metavar="FILE.json", help=_("把导入报告写成 JSON 文件"))
        parser.add_argument(
            "--fetch-images", action="store_true", help=_("下载 headimg/thumbnail 图片，存为文章自己的图片")
        )
        parser.add_argument(
            "--publish-undated",
            action="store_true",
            help=_("没有可用日期的文章以文件修改时间发布（Hexo 的做法）；默认按待审核导入"),
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help=_("解析文章的进程数（大批量导入时使用；默认为可用 CPU 数，最多 4）"),
        )

    def handle(self, *args, paths: list[Path], report: Path | None, **options) -> None:
        verbosity = options["verbosity"]
        bar = ProgressBar(self.stderr) if verbosity > 0 and self.stderr.isatty() else None
        results: list[ImportResult] = []
        started_at = timezone.now()
        for result in posts_import(
            inputs=paths,
            overwrite=options["overwrite"],
            dry_run=options["dry_run"],
            fetch_images=options["fetch_images"],
            publish_undated=options["publish_undated"],
            workers=options["workers"],
            progress=bar.update if bar else None,
        ):
            results.append(result)
            self._show(result, verbosity, bar)
        if bar:
            bar.clear()
        data = report_build(results)
        if not options["dry_run"]:
            import_run_record(
                results=results, started_at=started_at, source=ImportRun.Source.COMMAND, inputs=paths
            )
        if report:
            report.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        self._summary(data["summary"], dry_run=options["dry_run"], report=report)
        if data["summary"]["failed"]:
            raise CommandError(
                _("%(count)d 个文件导入失败。") % {"count": data["summary"]["failed"]}, returncode=1
            )

    def _show(self, result: ImportResult, verbosity: int, bar: ProgressBar | None) -> None:
        if result.status != "failed" and not result.warnings and verbosity < 2:
            return
        if bar:
            bar.clear()
        if result.status == "failed":
            self.stderr.write(self.style.ERROR(f"{_('失败')} {result.path}: {result.error}"))
        else:
            how = f"  ({_('匹配')}: {result.matched_by})" if result.matched_by not in (None, "path") else ""
            self.stdout.write(f"{result.status:9} {result.path}  {result.article_url or ''}{how}")
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(f"  {_('警告')}: {warning}"))

    def _summary(self, summary: dict[str, int], *, dry_run: bool, report: Path | None) -> None:
        title = _("导入结果（预演：未写入任何内容）") if dry_run else _("导入结果")
        self.stdout.write(self.style.MIGRATE_HEADING(title))
        for key, label in STATUS_LABELS.items():
            line = f"  {label} {key:<10}{summary[key]:>8}"
            style = self.style.ERROR if key == "failed" and summary[key] else self.style.SUCCESS
            self.stdout.write(style(line) if summary[key] else line)
        if report:
            self.stdout.write(_("报告已写入 %(path)s") % {"path": report})
