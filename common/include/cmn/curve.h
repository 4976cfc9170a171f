/* curve.h - CURVE encryption and ZAP authentication for sockets that face
 * other offices.
 *
 * A service that takes messages from outside (district offices) runs its
 * inbox and API sockets as CURVE servers. libzmq then asks the ZAP handler
 * about every connecting client key; this handler answers from an
 * allow-list of office keys and gives the office's code as the
 * connection's User-Id, which the inbox hands to handlers (cmn_env_msg_t
 * .peer). A CURVE server with no ZAP handler accepts any key, so the
 * handler is bound first, and a message without a User-Id is refused.
 * Keys are Z85 text (40 characters); `mlps-keygen` makes pairs. */
#ifndef CMN_CURVE_H
#define CMN_CURVE_H
#include "cmn/err.h"

#include <stddef.h>
#include <uv.h>

#define CMN_CURVE_KEYLEN 40 /* Z85 text of a 32-byte key */

typedef struct cmn_zap cmn_zap_t;

/* Loads clients_file ("IDENTITY Z85_PUBLIC_KEY" per line, # comments;
 * an identity is an office code such as "110108", or a person's role and
 * id such as "expert:102": 1 to 32 of A-Z a-z 0-9 _ . : -)
 * and binds the ZAP handler in zctx, driven by loop. Call before any CURVE
 * server socket binds. Caller owns the result; NULL with the reason (file
 * and line for a bad entry) in why on failure. */
cmn_zap_t *cmn_zap_new(uv_loop_t *loop, void *zctx, const char *clients_file,
                       char *why, size_t whylen);

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

/* Finds name's public key in list, "name=KEY;other=@FILE;..." (KEY in Z85;
 * @FILE: the file's first line). Returns 1 with the key in key, 0 when
 * list does not name it, or CMN_ECONFIG with the reason in why (an
 * unreadable file, a malformed key). */
int cmn_curve_key_lookup(const char *list, const char *name,
                         char key[CMN_CURVE_KEYLEN + 1], char *why,
                         size_t whylen);

/* Makes zs a CURVE server in the ZAP domain "mlps" (before bind). */
int cmn_curve_server(void *zs, const char *secret) CMN_MUST_CHECK;

/* Makes zs a CURVE client of the server with server_key (before connect). */
int cmn_curve_client(void *zs, const char *secret, const char *public_key,
                     const char *server_key) CMN_MUST_CHECK;

#endif /* CMN_CURVE_H */
