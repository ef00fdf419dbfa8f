"""``manage.py images_fetch``: bring imported articles' remote images home.

Thin: parses arguments, shows progress and lists failures; the work is ``remote_images_fetch``.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from articles.management.commands.import_markdown import ProgressBar
from articles.services.importing.images import ImageLimits
from articles.services.remote_images import MAX_WORKERS, remote_images_fetch, remote_images_pending


class Command(BaseCommand):
    help = _("下载已导入文章的远程题图、缩略图和项目 Logo，存为本站图片；失败的下次运行时重试。")

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--workers", type=int, default=MAX_WORKERS, help=_("同时下载的线程数（最多 %d）") % MAX_WORKERS
        )
        parser.add_argument(
            "--timeout", type=float, help=_("每张图片的超时秒数（默认 ARTICLES_IMPORT_IMAGE_TIMEOUT）")
        )

    def handle(self, *args, workers: int, timeout: float | None, **options) -> None:
        limits = ImageLimits.from_settings()
        if timeout is not None:
            limits = ImageLimits(max_bytes=limits.max_bytes, timeout=timeout)
        bar = ProgressBar(self.stderr) if options["verbosity"] > 0 and self.stderr.isatty() else None
        report = remote_images_fetch(
            images=remote_images_pending(),
            limits=limits,
            workers=workers,
            progress=bar.update if bar else None,
        )
        if bar:
            bar.clear()
        for image, error in report.failed:
            self.stderr.write(self.style.WARNING(f"{_('失败')} {image.label} {image.url}: {error}"))
        self.stdout.write(
            _("已下载 %(fetched)d 张，失败 %(failed)d 张（下次运行时重试）")
            % {"fetched": len(report.fetched), "failed": len(report.failed)}
        )
        if report.failed and not report.fetched:
            raise CommandError(_("没有一张图片下载成功。"), returncode=1)
