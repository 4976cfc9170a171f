/* render_main.c - mlps-cert-render: renders one certificate's PDF in a
 * process of its own, so that the service never maps Cairo, Pango and
 * fontconfig (their libraries and caches are most of what it would hold
 * idle). The service runs it once a print (crt/render.h):
 *
 *   mlps-cert-render [ORGAN_NAME] < PAYLOAD > FILE.pdf
 *
 * PAYLOAD is the stored QR payload (as crt_sign() made it), its fields
 * parsed from it; ORGAN_NAME the issuing organ's name as printed (none:
 * "公安机关"). Exit 0 with the PDF on stdout, or 1 with the reason on
 * stderr (one line) and nothing on stdout. */
#include "crt/pdf.h"
#include "dom/cert/payload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_PAYLOAD_MAX 8192

static int
s_fail(const char *why)
{
    fprintf(stderr, "%s\n", why);
    return 1;
}

int
main(int argc, char **argv)
{
    static char payload[S_PAYLOAD_MAX + 2];
    char why[300] = "";
    if (argc > 2)
        return s_fail("usage: mlps-cert-render [ORGAN_NAME] < PAYLOAD");
    size_t n = fread(payload, 1, S_PAYLOAD_MAX + 1, stdin);
    if (n > S_PAYLOAD_MAX)
        return s_fail("payload: longer than 8192 bytes");
    payload[n] = '\0';
    while (n > 0 && (payload[n - 1] == '\n' || payload[n - 1] == '\r'))
        payload[--n] = '\0';
    crt_content_t ct;
    uint8_t digest[CRT_DIGEST_LEN], sig[CRT_SIGNATURE_LEN];
    if (crt_payload_parse(payload, &ct, digest, sig, why, sizeof why) != 0)
        return s_fail(why);
    uint8_t *pdf = NULL;
    size_t len = 0;
    int err = crt_pdf_render(&ct, payload, argc == 2 ? argv[1] : NULL, &pdf,
                             &len, why, sizeof why);
    int rc = 0;
    if (err != 0)
        rc = s_fail(why[0] ? why : "could not render");
    else if (fwrite(pdf, 1, len, stdout) != len || fflush(stdout) != 0)
        rc = s_fail("could not write the PDF to stdout");
    free(pdf);
    crt_pdf_shutdown();
    return rc;
}
