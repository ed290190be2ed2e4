/*
 * html.h - writing HTML. Text reaches a page only through these
 * functions, which escape what they write (the cgit/Fossil way): html_txt
 * for element content, html_attr for attribute values. html_raw is for
 * literal markup in our own source only, never for data.
 */
#pragma once

#include "../core/strbuf.h"

void html_txt(struct strbuf *sb, const char *s);
void html_attr(struct strbuf *sb, const char *s);
/* Literal markup from our own code. */
static inline void
html_raw(struct strbuf *sb, const char *markup)
{
    strbuf_puts(sb, markup);
}
/* Percent-encodes s for a URL query value. */
void html_urlenc(struct strbuf *sb, const char *s);
