"""The content API (read-only, for apps and partners) and the admin API (staff tokens).

Modules: ``app`` (the NinjaAPI and its error handlers), ``routers/`` (one module per group of
endpoints), ``schemas`` (what responses look like, for validation and OpenAPI), ``params``
(query parameters), ``representation`` (model objects to JSON-ready dicts), ``pagination``
(opaque keyset cursors), ``auth`` and ``ratelimit`` (content keys, staff tokens, limits),
``caching`` (ETag/304 and the response cache tied to the content generation), ``models``
(ContentKey, StaffToken). Reads go through ``articles.selectors``, writes through
``articles.services``.

This package imports nothing at import time: ``articles.models`` imports ``articles.api.models``.
"""
