"""Hexo compatibility: pure readers of Hexo's formats, used by the importer and the exporter.

``frontmatter`` (Hexo's separator rules, YAML 1.2 core, ``;;;`` JSON), ``dates`` (how Hexo reads
a ``date``, in the site time zone), ``permalinks`` (Hexo's permalink patterns and slugs) and
``values`` (JavaScript's ``String()``, Hexo's boolean cast). Nothing here touches the database.
"""
