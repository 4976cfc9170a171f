/* curve.h - CURVE encryption and ZAP authentication on every socket.
 *
 * Every inbox and API socket is a CURVE server. libzmq asks the ZAP
 * handler about every connecting client key; this handler answers from the
 * key registry (cmn/ident.h) and gives the key's identity as the
 * connection's User-Id, which the inbox and the API look up again and hand
 * to handlers (cmn_env_msg_t .peer). A CURVE server with no ZAP handler
 * accepts any key, so the handler is bound first, and a message without a
 * User-Id is refused. Each socket names its ZAP domain: an inbox
 * (CMN_ZAP_INBOX) lets in services only, an API (CMN_ZAP_API) every
 * identity with a key. Keys are Z85 text (40 characters); `mlps-keygen`
 * makes pairs. */
#ifndef CMN_CURVE_H
#define CMN_CURVE_H
#include "cmn/err.h"
#include "cmn/ident.h"

#include <stddef.h>
#include <uv.h>

#define CMN_CURVE_KEYLEN 40 /* Z85 text of a 32-byte key */

#define CMN_ZAP_INBOX "mlps.inbox" /* services only */
#define CMN_ZAP_API   "mlps.api"   /* any identity with a key */

typedef struct cmn_zap cmn_zap_t;

/* Binds the ZAP handler in zctx, driven by loop, answering from registry
 * (borrowed: it must outlive the handler). Call before any CURVE server
 * socket binds. Caller owns the result; NULL with the reason in why. */
cmn_zap_t *cmn_zap_new(uv_loop_t *loop, void *zctx,
                       const cmn_registry_t *registry, char *why,
                       size_t whylen);

/* Requests answered since start: allowed and refused. */
void cmn_zap_stats(const cmn_zap_t *self, unsigned long *allowed,
                   unsigned long *refused);

/* Closes the handler. Sets *self_p to NULL. Safe on NULL. */
void cmn_zap_destroy(cmn_zap_t **self_p);

/* Reads a Z85 secret key from the first line of path and derives its
 * public key. */
int cmn_curve_load(const char *path, char secret[CMN_CURVE_KEYLEN + 1],
                   char public_key[CMN_CURVE_KEYLEN + 1], char *why,
                   size_t whylen) CMN_MUST_CHECK;

/* Makes zs a CURVE server in ZAP domain (CMN_ZAP_INBOX or CMN_ZAP_API),
 * before bind. */
int cmn_curve_server(void *zs, const char *secret,
                     const char *domain) CMN_MUST_CHECK;

/* Makes zs a CURVE client of the server with server_key (before connect). */
int cmn_curve_client(void *zs, const char *secret, const char *public_key,
                     const char *server_key) CMN_MUST_CHECK;

#endif /* CMN_CURVE_H */
