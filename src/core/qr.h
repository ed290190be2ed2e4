/*
 * qr.h - a QR code as SVG (libqrencode), for the classroom check-in
 * screen and printed sheets: scalable, sharp on a projector, no images.
 */
#pragma once

#include "strbuf.h"

/* Appends an SVG drawing of text as a QR code (error correction level M,
 * a 4-module quiet zone) to out. 0, or ERR_INVAL if it cannot encode. */
int qr_svg(const char *text, struct strbuf *out);
