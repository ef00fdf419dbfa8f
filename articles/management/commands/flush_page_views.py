"""Write pending page views (Redis or this process) into the database now."""

from django.core.management.base import BaseCommand

from articles.site.most_read import views_flush


class Command(BaseCommand):
    help = "把待写入的阅读数写入数据库（最热榜据此排名）。"

    def handle(self, *args, **options) -> None:
        written = views_flush()
        self.stdout.write(self.style.SUCCESS(f"已写入 {written} 次阅读。"))
