from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = _("内容")

    def ready(self) -> None:
        from articles.signals import register_signal_handlers

        register_signal_handlers()
