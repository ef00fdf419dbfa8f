"""``manage.py export_markdown DIR``: write every article as a Hexo post under DIR.

Thin: the work is ``articles.services.exporting.articles_export``.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from articles.services.exporting import articles_export


class Command(BaseCommand):
    help = _("把所有文章导出为 Hexo 文章（front matter + 正文，图片放在文章旁边）。")

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", type=Path, help=_("导出目录（不存在时创建）"))

    def handle(self, *args, directory: Path, **options) -> None:
        root = directory.resolve()
        root.mkdir(parents=True, exist_ok=True)
        posts = 0
        for file in articles_export():
            target = (root / file.path).resolve()
            if not target.is_relative_to(root):
                raise CommandError(_("不安全的导出路径：%(path)s") % {"path": file.path})
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(file.data)
            posts += file.path.endswith(".md")
        self.stdout.write(_("已导出 %(count)d 篇文章到 %(dir)s") % {"count": posts, "dir": root})
