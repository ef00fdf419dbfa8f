<?xml version="1.0" encoding="utf-8"?>
<!-- Shows Masthead's RSS and Atom feeds as a readable page in a browser; feed readers ignore it. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="http://www.w3.org/2005/Atom" exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="utf-8" doctype-system="about:legacy-compat"/>
  <xsl:template match="/">
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="rss/channel/title | atom:feed/atom:title"/>（订阅源）</title>
        <link rel="stylesheet" href="/static/css/site.css"/>
      </head>
      <body>
        <main id="main" class="wrap">
          <header class="page-header">
            <p class="section-label">订阅源</p>
            <h1 class="page-title"><xsl:value-of select="rss/channel/title | atom:feed/atom:title"/></h1>
            <p class="intro">这是一个 RSS/Atom 订阅源：把本页地址复制到阅读器（如 Feedly、Inoreader、NetNewsWire）即可订阅。</p>
          </header>
          <div class="cards">
            <xsl:for-each select="rss/channel/item | atom:feed/atom:entry">
              <article class="card">
                <div class="card-text">
                  <h2 class="card-title"><a href="{link | atom:link[@rel='alternate']/@href}"><xsl:value-of select="title | atom:title"/></a></h2>
                  <p class="card-excerpt"><xsl:value-of select="description | atom:summary"/></p>
                  <p class="meta"><xsl:value-of select="pubDate | atom:published"/></p>
                </div>
              </article>
            </xsl:for-each>
          </div>
        </main>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
