/* pdf.h - the printable certificate (备案证明): one A4 page in Chinese
 * with the fields, the issuing organ and a QR code of the payload, as PDF.
 *
 * Cairo and Pango with the font "Noto Sans CJK SC" (Debian's
 * fonts-noto-cjk), embedded as a subset. Rendering refuses rather than
 * print a text with a character the font lacks (no fallback font is
 * used, so a string in another script fails by name) or when the font is
 * not installed. The same certificate renders to the same bytes: the PDF's
 * dates are the issue date (00:00:00 China time), nothing else varies.
 * The payload is also the PDF's Keywords, written as a literal ASCII
 * string, so a verifier reads it from the file without a camera
 * (crt_payload_find() of the domain library's crt/payload.h). Any thread
 * may render: renders share one font map of the library's and take a lock,
 * so one runs at a time in a process.
 * int returns: 0 or a negative CMN_E* code. */
#ifndef CRT_PDF_H
#define CRT_PDF_H
#include "cmn/err.h"
#include "dom/cert/content.h"

#include <stddef.h>
#include <stdint.h>

#define CRT_PDF_FONT       "Noto Sans CJK SC"
#define CRT_ORGAN_NAME_MAX 120 /* bytes of UTF-8 */
#define CRT_PDF_QR_MM      60  /* the QR code's side, quiet zone included */

/* Renders the certificate of checked content c whose QR payload (as
 * crt_sign() made it) is payload; organ_name is the issuing public
 * security organ's name as printed (NULL: "公安机关"), not part of what is
 * signed. *pdf gets the bytes (*len of them); caller owns *pdf and must
 * free() it. CMN_EINVAL with why for a bad field, organ name or payload
 * (one that does not carry exactly c's fields), or a text with characters
 * the font lacks (the text named); CMN_ECONFIG when the font is missing;
 * CMN_EMSGSIZE for a payload too big for the QR code; CMN_ENOMEM; CMN_EIO
 * when Cairo fails. */
int crt_pdf_render(const crt_content_t *c, const char *payload,
                   const char *organ_name, uint8_t **pdf, size_t *len,
                   char *why, size_t whylen) CMN_MUST_CHECK;

/* Drops the library's font map and the caches Pango, Cairo and
 * fontconfig keep for the life of the process, so that a leak checker at
 * exit sees none. Only at the end, when no thread renders any more and
 * nothing else in the process uses them. */
void crt_pdf_shutdown(void);

#endif /* CRT_PDF_H */
