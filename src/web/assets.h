/*
 * assets.h - files carried inside the binary (CSS, JavaScript from npm,
 * the translation catalog). The table is generated at build time by
 * tools/embed.c into build/gen/assets.c.
 */
#pragma once

#include <stddef.h>

struct asset {
    const char *name;          /* "app.css" */
    const char *content_type;
    const unsigned char *data;
    size_t len;
    const char *etag;          /* 16 hex digits, no quotes */
};

/* NULL-name terminated. */
extern const struct asset assets[];

/* The asset called name, or NULL. */
const struct asset *asset_find(const char *name);
