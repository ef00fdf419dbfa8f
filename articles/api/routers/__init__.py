"""One router per group of endpoints: ``articles`` and ``taxonomy`` (content API, keyed),
``staff`` (admin API, staff tokens). ``articles.api.app`` mounts them."""
