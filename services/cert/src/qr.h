/* qr.h - library-internal (crt__): a QR code drawn as vector squares on a
 * Cairo context, for pdf.c. */
#ifndef CRT_QR_H
#define CRT_QR_H
#include "cmn/err.h"

#include <cairo.h>
#include <stddef.h>

/* Draws text (printable ASCII) as a QR code, error correction M, on a
 * white square of side `side` at (x, y) (user units), the quiet zone of
 * 4 modules inside it. Each row's runs of dark modules are one rectangle.
 * *version gets the QR version used. CMN_EINVAL for text that is not
 * printable ASCII; CMN_EMSGSIZE when it does not fit a QR code at M;
 * CMN_ENOMEM. */
int crt__qr_draw(cairo_t *cr, const char *text, double x, double y, double side,
                 int *version) CMN_MUST_CHECK;

#endif /* CRT_QR_H */
