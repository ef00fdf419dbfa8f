"""``manage.py bodies_reclean``: clean every stored article body again with today's allowlist.

Thin: shows progress and the outcome; the work is ``articles.services.reclean.bodies_reclean``.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from articles.management.commands.import_markdown import ProgressBar
from articles.services.reclean import bodies_reclean


class Command(BaseCommand):
    help = _("用当前的 HTML 白名单重新清理所有已存文章正文（升级后运行一次）。")

    def handle(self, *args, **options) -> None:
        bar = ProgressBar(self.stderr) if options["verbosity"] > 0 and self.stderr.isatty() else None
        report = bodies_reclean(progress=bar.update if bar else None)
        if bar:
            bar.clear()
        for pk, reason in report.failed:
            self.stderr.write(_("文章 %(pk)s 未能清理：%(reason)s") % {"pk": pk, "reason": reason})
        self.stdout.write(
            _("检查 %(checked)d 篇，改写 %(changed)d 篇，失败 %(failed)d 篇。")
            % {"checked": report.checked, "changed": len(report.changed), "failed": len(report.failed)}
        )
