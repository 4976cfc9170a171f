/* qr.c - a QR code (libqrencode) drawn as vector squares (qr.h). */
#include "qr.h"

#include <errno.h>
#include <qrencode.h>
#include <string.h>

#define S_QUIET 4 /* modules of quiet zone on each side (ISO/IEC 18004) */

int
crt__qr_draw(cairo_t *cr, const char *text, double x, double y, double side,
             int *version)
{
    for (const char *p = text; *p != '\0'; p++)
        if (*p < 0x20 || *p > 0x7e)
            return CMN_EINVAL; /* a QR code carries no character set */
    /* 8-bit mode as the hint; libqrencode still puts runs of digits and
     * upper-case letters into the denser modes. Case-sensitive. */
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (qr == NULL)
        return errno == ERANGE   ? CMN_EMSGSIZE
               : errno == ENOMEM ? CMN_ENOMEM
                                 : CMN_EINVAL;
    int w = qr->width;
    double m = side / (w + 2 * S_QUIET);
    cairo_save(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, x, y, side, side);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int row = 0; row < w; row++) {
        const unsigned char *line = qr->data + (size_t) row * (size_t) w;
        for (int col = 0; col < w;) {
            if (!(line[col] & 1)) {
                col++;
                continue;
            }
            int start = col;
            while (col < w && (line[col] & 1))
                col++;
            cairo_rectangle(cr, x + (S_QUIET + start) * m,
                            y + (S_QUIET + row) * m, (col - start) * m, m);
        }
    }
    cairo_fill(cr);
    cairo_restore(cr);
    *version = qr->version;
    QRcode_free(qr);
    return 0;
}
