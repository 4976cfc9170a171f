/* render.h - the certificate's PDF, rendered by mlps-cert-render in a
 * process of its own (the service keeps no font or drawing library). */
#ifndef CRT_RENDER_H
#define CRT_RENDER_H

#include "cmn/err.h"

#include <stddef.h>
#include <stdint.h>

/* The renderer's path (cert.renderer): path itself when not empty, else
 * mlps-cert-render beside the running binary. Writes it to out (cap
 * bytes); CMN_ECONFIG, with why, when it is not an executable file. */
int crt_render_path(const char *path, char *out, size_t cap, char *why,
                    size_t whylen) CMN_MUST_CHECK;

/* Runs renderer on payload (the stored QR payload) for the organ's name
 * (NULL: the renderer's default) and gives its PDF: *pdf (*len bytes,
 * the caller frees). CMN_EINVAL with the renderer's reason when it
 * refused, CMN_EIO (why says) when it could not be run, failed, took
 * longer than timeout_ms (it is then killed) or wrote more than 16 MiB;
 * CMN_ENOMEM. */
int crt_render(const char *renderer, const char *payload,
               const char *organ_name, int timeout_ms, uint8_t **pdf,
               size_t *len, char *why, size_t whylen) CMN_MUST_CHECK;

#endif /* CRT_RENDER_H */
