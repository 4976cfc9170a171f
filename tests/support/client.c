/* client.c - the CURVE keys of a test client (tst/client.h). */
#include "tst/client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

/* The server's key and the client's own line from the registry at path. */
static int
s_from_registry(tst_client_t *out, const char *path, const char *server,
                char *why, size_t whylen)
{
    char reason[512];
    uint8_t raw[32];
    cmn_registry_t *reg = cmn_registry_load(path, reason, sizeof reason);
    if (reg == NULL) {
        snprintf(why, whylen, "TST_REGISTRY: %s", reason);
        return CMN_ECONFIG;
    }
    const cmn_ident_t *srv = cmn_registry_find(reg, server);
    int rc = 0;
    if (srv == NULL || cmn_ident_key_text(srv, out->server_key) != 0) {
        snprintf(why, whylen, "TST_REGISTRY \"%s\" has no key for \"%s\"", path,
                 server);
        rc = CMN_ECONFIG;
    } else if (zmq_z85_decode(raw, out->public_key) != NULL) {
        const cmn_ident_t *me = cmn_registry_find_key(reg, raw);
        if (me != NULL)
            out->self = *me;
    }
    cmn_registry_destroy(&reg);
    return rc;
}

int
tst_client_keys(tst_client_t *out, const char *server, char *why, size_t whylen)
{
    const char *registry = getenv("TST_REGISTRY");
    const char *key = getenv("TST_KEY");
    char reason[512];
    memset(out, 0, sizeof *out);
    if (registry == NULL || registry[0] == '\0')
        return 0;
    if (key == NULL || key[0] == '\0') {
        snprintf(why, whylen,
                 "TST_KEY must name the client's secret key file when "
                 "TST_REGISTRY is set");
        return CMN_ECONFIG;
    }
    if (cmn_curve_load(key, out->secret, out->public_key, reason,
                       sizeof reason) != 0) {
        snprintf(why, whylen, "TST_KEY: %s", reason);
        return CMN_ECONFIG;
    }
    int rc = s_from_registry(out, registry, server, why, whylen);
    if (rc != 0)
        return rc;
    out->curve = true;
    out->keys_store =
        (cmn_api_curve_t){out->secret, out->public_key, out->server_key};
    out->keys = &out->keys_store;
    return 0;
}

int
tst_client_socket(const tst_client_t *c, void *zs)
{
    if (!c->curve)
        return 0;
    return cmn_curve_client(zs, c->secret, c->public_key, c->server_key);
}
