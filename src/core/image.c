/*
 * image.c - see image.h. Each reader checks every offset against n before
 * it reads, since the bytes come straight from an upload.
 */
#include "image.h"

#include "err.h"

#include <stdbool.h>
#include <string.h>

static unsigned
be16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static unsigned long
be32(const unsigned char *p)
{
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 |
           (unsigned long)p[2] << 8 | p[3];
}

static unsigned long
le24(const unsigned char *p)
{
    return (unsigned long)p[0] | (unsigned long)p[1] << 8 |
           (unsigned long)p[2] << 16;
}

/* The width and height of a PNG: the IHDR chunk comes first. */
static int
png(const unsigned char *p, size_t n, struct image_info *out)
{
    if (n < 24 || memcmp(p + 12, "IHDR", 4) != 0)
        return ERR_RANGE;
    unsigned long w = be32(p + 16), h = be32(p + 20);
    out->width = w > IMAGE_MAX_SIDE ? 0 : (int)w;
    out->height = h > IMAGE_MAX_SIDE ? 0 : (int)h;
    return 0;
}

/* A JPEG: walk the marker segments to the first start-of-frame. */
static int
jpeg(const unsigned char *p, size_t n, struct image_info *out)
{
    size_t i = 2;
    for (;;) {
        while (i < n && p[i] == 0xFF && i + 1 < n && p[i + 1] == 0xFF)
            i++; /* fill bytes */
        if (i + 4 > n || p[i] != 0xFF)
            return ERR_RANGE;
        unsigned m = p[i + 1];
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) { /* no length */
            i += 2;
            continue;
        }
        if (m == 0xD9 || m == 0xDA) /* end, or scan data before a frame */
            return ERR_RANGE;
        unsigned len = be16(p + i + 2);
        if (len < 2)
            return ERR_RANGE;
        bool sof =
            m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
        if (sof) {
            if (len < 7 || i + 9 > n)
                return ERR_RANGE;
            out->height = (int)be16(p + i + 5);
            out->width = (int)be16(p + i + 7);
            return 0;
        }
        i += 2 + (size_t)len;
    }
}

/* A WebP: the first chunk is VP8 (lossy), VP8L (lossless) or VP8X. */
static int
webp(const unsigned char *p, size_t n, struct image_info *out)
{
    if (n < 30)
        return ERR_RANGE;
    const unsigned char *c = p + 12, *d = p + 20;
    if (memcmp(c, "VP8X", 4) == 0) {
        out->width = (int)le24(d + 4) + 1;
        out->height = (int)le24(d + 7) + 1;
    } else if (memcmp(c, "VP8 ", 4) == 0) {
        if (d[3] != 0x9D || d[4] != 0x01 || d[5] != 0x2A)
            return ERR_RANGE;
        out->width = (int)((d[6] | d[7] << 8) & 0x3FFF);
        out->height = (int)((d[8] | d[9] << 8) & 0x3FFF);
    } else if (memcmp(c, "VP8L", 4) == 0) {
        if (d[0] != 0x2F)
            return ERR_RANGE;
        unsigned long b = (unsigned long)d[1] | (unsigned long)d[2] << 8 |
                          (unsigned long)d[3] << 16 | (unsigned long)d[4] << 24;
        out->width = (int)(b & 0x3FFF) + 1;
        out->height = (int)((b >> 14) & 0x3FFF) + 1;
    } else {
        return ERR_RANGE;
    }
    return 0;
}

/* Whether p[0..n) could be the start of a picture of type mime: fewer
 * bytes than its signature, all agreeing with it. WebP's signature has the
 * RIFF size (any value) between "RIFF" and "WEBP". */
static const char *
cut_signature(const unsigned char *p, size_t n, const unsigned char *png_sig)
{
    static const unsigned char jpeg_sig[3] = {0xFF, 0xD8, 0xFF};
    if (n == 0)
        return NULL;
    if (n < 8 && memcmp(p, png_sig, n) == 0)
        return "image/png";
    if (n < 3 && memcmp(p, jpeg_sig, n) == 0)
        return "image/jpeg";
    if (n < 12 && memcmp(p, "RIFF", n < 4 ? n : 4) == 0 &&
        (n <= 8 || memcmp(p + 8, "WEBP", n - 8) == 0))
        return "image/webp";
    return NULL;
}

int
image_sniff(const unsigned char *p, size_t n, struct image_info *out)
{
    static const unsigned char png_sig[8] = {0x89, 'P',  'N',  'G',
                                             0x0D, 0x0A, 0x1A, 0x0A};
    int rc;
    out->width = out->height = 0;
    if ((out->mime = cut_signature(p, n, png_sig)) != NULL) {
        rc = ERR_RANGE; /* a picture cut short, not some other file */
    } else if (n >= 8 && memcmp(p, png_sig, 8) == 0) {
        out->mime = "image/png";
        rc = png(p, n, out);
    } else if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) {
        out->mime = "image/jpeg";
        rc = jpeg(p, n, out);
    } else if (n >= 12 && memcmp(p, "RIFF", 4) == 0 &&
               memcmp(p + 8, "WEBP", 4) == 0) {
        out->mime = "image/webp";
        rc = webp(p, n, out);
    } else {
        out->mime = NULL;
        return ERR_INVAL;
    }
    if (rc == 0 && (out->width < 1 || out->width > IMAGE_MAX_SIDE ||
                    out->height < 1 || out->height > IMAGE_MAX_SIDE))
        rc = ERR_RANGE;
    return rc;
}
