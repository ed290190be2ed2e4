/*
 * html.c - escaping writers; see html.h.
 */
#include "html.h"

#include <stdbool.h>
#include <string.h>

static void
escape(struct strbuf *sb, const char *s, bool attr)
{
    const char *run = s;
    for (; *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = attr ? "&#39;" : NULL; break;
        }
        if (rep) {
            strbuf_append(sb, run, (size_t)(s - run));
            strbuf_puts(sb, rep);
            run = s + 1;
        }
    }
    strbuf_append(sb, run, (size_t)(s - run));
}

void
html_txt(struct strbuf *sb, const char *s)
{
    if (s)
        escape(sb, s, false);
}

void
html_attr(struct strbuf *sb, const char *s)
{
    if (s)
        escape(sb, s, true);
}

void
html_urlenc(struct strbuf *sb, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || strchr("-_.~/", *p)) {
            strbuf_putc(sb, (char)*p);
        } else {
            char b[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            strbuf_append(sb, b, 3);
        }
    }
}
