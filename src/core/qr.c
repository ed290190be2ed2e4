/*
 * qr.c - see qr.h.
 */
#include "qr.h"

#include "err.h"

#include <qrencode.h>

int
qr_svg(const char *text, struct strbuf *out)
{
    QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (q == NULL)
        return ERR_INVAL;
    int n = q->width, size = n + 8;
    strbuf_printf(out,
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                  "viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">"
                  "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
                  "<path fill=\"#000\" d=\"",
                  size, size, size, size);
    /* One path: a run of dark modules in a row is one rectangle. */
    for (int y = 0; y < n; y++) {
        for (int x = 0; x < n; x++) {
            if (!(q->data[y * n + x] & 1))
                continue;
            int run = 1;
            while (x + run < n && (q->data[y * n + x + run] & 1))
                run++;
            strbuf_printf(out, "M%d %dh%dv1h-%dz", x + 4, y + 4, run, run);
            x += run - 1;
        }
    }
    strbuf_puts(out, "\"/></svg>");
    QRcode_free(q);
    return 0;
}
