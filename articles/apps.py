from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = _("内容")

    def ready(self) -> None:
        import reversion

        from articles.models import Article, CategorizedArticle, Credit, TaggedArticle
        from articles.search.signals import register_signal_handlers as register_search_handlers
        from articles.services.link_dates import register_signal_handlers as register_link_date_handlers
        from articles.signals import register_signal_handlers

        # Every article save is a revision; credits, categories and tags travel with it.
        for model in (Credit, CategorizedArticle, TaggedArticle):
            if not reversion.is_registered(model):
                reversion.register(model)
        if not reversion.is_registered(Article):
            reversion.register(Article, follow=["credits", "categorizedarticle_set", "taggedarticle_set"])
        register_signal_handlers()
        register_search_handlers()
        register_link_date_handlers()
