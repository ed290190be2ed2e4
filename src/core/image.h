/*
 * image.h - what an uploaded picture is: its type by its first bytes
 * (JPEG, PNG, WebP; never by the name or the Content-Type it came with)
 * and its size in pixels from its header. The rest of the file is not
 * decoded: it is stored and served as it came, with nosniff.
 */
#pragma once

#include <stddef.h>

struct image_info {
    const char *mime; /* "image/jpeg", "image/png", "image/webp" */
    int width, height;
};

enum { IMAGE_MAX_SIDE = 20000 };

/* 0 with *out; ERR_INVAL when the bytes are none of the three types (or
 * there are none); ERR_RANGE, with out->mime the type they begin as, when
 * the header is cut short (even inside the signature) or corrupt, or a
 * side is not 1..IMAGE_MAX_SIDE. */
int image_sniff(const unsigned char *p, size_t n, struct image_info *out);
