/* client.h - the CURVE keys of a test client (kt_hostile, kt_say,
 * pnl_ask, aud_call, ...), from its environment.
 *
 * TST_REGISTRY names the key registry (cmn/ident.h) and TST_KEY the
 * client's own secret key file (mlps-keygen); the server is named by its
 * registry identity, e.g. "panel@110100". Without TST_REGISTRY the client
 * talks plain, to a curve.dev-plain service. A client whose key is not in
 * the registry (a stranger, on purpose) still gets its keys; it has no
 * identity then. Tests only. */
#ifndef TST_CLIENT_H
#define TST_CLIENT_H
#include "cmn/api.h"
#include "cmn/curve.h"
#include "cmn/ident.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    bool curve; /* false: TST_REGISTRY is unset, talk plain */
    char secret[CMN_CURVE_KEYLEN + 1], public_key[CMN_CURVE_KEYLEN + 1];
    char server_key[CMN_CURVE_KEYLEN + 1];
    /* The registry's line for this client's key; .name "" for a stranger
     * (and when plain). */
    cmn_ident_t self;
    /* For cmn_api_request(): points into this struct (do not copy it), or
     * NULL when plain. */
    const cmn_api_curve_t *keys;
    cmn_api_curve_t keys_store;
} tst_client_t;

/* Fills *out for a client of server (a registry identity). 0, or
 * CMN_ECONFIG with why naming the variable or the file and the reason. */
int tst_client_keys(tst_client_t *out, const char *server, char *why,
                    size_t whylen) CMN_MUST_CHECK;

/* Makes the zmq socket zs a CURVE client with c's keys (before connect);
 * nothing when c is plain. 0 or CMN_EZMQ. */
int tst_client_socket(const tst_client_t *c, void *zs) CMN_MUST_CHECK;

#endif /* TST_CLIENT_H */
