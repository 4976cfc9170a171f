/* curve.c - CURVE keys and the ZAP handler (ZMTP RFC 27). */
#include "cmn/curve.h"
#include "cmn/log.h"
#include "cmn/zsock.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_ZAP_ENDPOINT "inproc://zeromq.zap.01"

struct cmn_zap {
    cmn_zsock_t *sock;
    const cmn_registry_t *registry;
    unsigned long allowed, refused;
};

static bool
s_frame_is(const zmq_msg_t *m, const char *text)
{
    size_t n = strlen(text);
    return zmq_msg_size((zmq_msg_t *) m) == n &&
           memcmp(zmq_msg_data((zmq_msg_t *) m), text, n) == 0;
}

/* The identity a ZAP request may come in as, or NULL with why. */
static const cmn_ident_t *
s_judge(const cmn_zap_t *self, zmq_msg_t *parts, int nparts, const char **why)
{
    *why = "malformed request";
    if (nparts != 9 || !s_frame_is(&parts[7], "CURVE") ||
        zmq_msg_size(&parts[8]) != 32)
        return NULL;
    const cmn_ident_t *id = cmn_registry_find_key(
        self->registry, (const uint8_t *) zmq_msg_data(&parts[8]));
    *why = "key not in the registry";
    if (id == NULL)
        return NULL;
    if (s_frame_is(&parts[4], CMN_ZAP_API)) {
        *why = "OK";
        return id;
    }
    if (s_frame_is(&parts[4], CMN_ZAP_INBOX)) {
        *why = id->kind == CMN_KIND_SERVICE ? "OK"
                                            : "an inbox takes services only";
        return id->kind == CMN_KIND_SERVICE ? id : NULL;
    }
    *why = "unknown ZAP domain";
    return NULL;
}

/* [route, "", "1.0", id, domain, address, identity, mechanism, key] */
static void
s_on_request(cmn_zsock_t *sock, zmq_msg_t *parts, int nparts, void *arg)
{
    cmn_zap_t *self = arg;
    const char *why;
    const cmn_ident_t *c = s_judge(self, parts, nparts, &why);
    if (nparts < 4)
        return; /* nothing to answer to */
    char key[CMN_CURVE_KEYLEN + 1] = "?";
    if (nparts == 9 && zmq_msg_size(&parts[8]) == 32)
        zmq_z85_encode(key, zmq_msg_data(&parts[8]), 32);
    if (c != NULL) {
        self->allowed++;
        cmn_log_debug("%s authenticated (key %.8s...)", c->name, key);
    } else {
        self->refused++;
        cmn_log_warn("refused a connection: %s (key %.8s...)", why, key);
    }
    const void *out[8] = {zmq_msg_data(&parts[0]),
                          "",
                          "1.0",
                          zmq_msg_data(&parts[3]),
                          c ? "200" : "400",
                          why,
                          c ? c->name : "",
                          ""};
    size_t lens[8] = {zmq_msg_size(&parts[0]), 0, 3,
                      zmq_msg_size(&parts[3]), 3, strlen(why),
                      c ? strlen(c->name) : 0, 0};
    int rc = cmn_zsock_send(sock, out, lens, 8);
    (void) rc; /* libzmq treats a missing answer as a refusal */
}

cmn_zap_t *
cmn_zap_new(uv_loop_t *loop, void *zctx, const cmn_registry_t *registry,
            char *why, size_t whylen)
{
    cmn_zap_t *self = calloc(1, sizeof *self);
    int err = 0;
    if (self == NULL) {
        snprintf(why, whylen, "out of memory");
        return NULL;
    }
    self->registry = registry;
    self->sock =
        cmn_zsock_new(loop, zctx, ZMQ_ROUTER, s_on_request, self, &err);
    if (self->sock == NULL || cmn_zsock_bind(self->sock, S_ZAP_ENDPOINT)) {
        snprintf(why, whylen, "could not bind the ZAP handler");
        cmn_zap_destroy(&self);
        return NULL;
    }
    cmn_log_info("ZAP handler knows %zu identities",
                 cmn_registry_count(registry));
    return self;
}

void
cmn_zap_stats(const cmn_zap_t *self, unsigned long *allowed,
              unsigned long *refused)
{
    *allowed = self->allowed;
    *refused = self->refused;
}

void
cmn_zap_destroy(cmn_zap_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    cmn_zap_t *self = *self_p;
    *self_p = NULL;
    cmn_zsock_close(&self->sock);
    free(self);
}

int
cmn_curve_load(const char *path, char secret[CMN_CURVE_KEYLEN + 1],
               char public_key[CMN_CURVE_KEYLEN + 1], char *why, size_t whylen)
{
    char line[128] = "";
    FILE *f = fopen(path, "r");
    int ok = f != NULL && fgets(line, sizeof line, f) != NULL;
    if (f != NULL)
        fclose(f);
    line[strcspn(line, "\r\n")] = '\0';
    uint8_t raw[32];
    if (!ok || strlen(line) != CMN_CURVE_KEYLEN ||
        zmq_z85_decode(raw, line) == NULL) {
        snprintf(why, whylen,
                 "\"%s\": expected a Z85 secret key (40 "
                 "characters) on the first line",
                 path);
        return CMN_ECONFIG;
    }
    memcpy(secret, line, CMN_CURVE_KEYLEN + 1);
    memset(line, 0, sizeof line);
    if (zmq_curve_public(public_key, secret) != 0) {
        snprintf(why, whylen, "\"%s\": could not derive the public key", path);
        return CMN_ECONFIG;
    }
    return 0;
}

int
cmn_curve_server(void *zs, const char *secret, const char *domain)
{
    int one = 1;
    if (zmq_setsockopt(zs, ZMQ_ZAP_DOMAIN, domain, strlen(domain)) ||
        zmq_setsockopt(zs, ZMQ_CURVE_SERVER, &one, sizeof one) ||
        zmq_setsockopt(zs, ZMQ_CURVE_SECRETKEY, secret, CMN_CURVE_KEYLEN + 1))
        return CMN_EZMQ;
    return 0;
}

int
cmn_curve_client(void *zs, const char *secret, const char *public_key,
                 const char *server_key)
{
    if (zmq_setsockopt(zs, ZMQ_CURVE_SERVERKEY, server_key,
                       CMN_CURVE_KEYLEN + 1) ||
        zmq_setsockopt(zs, ZMQ_CURVE_PUBLICKEY, public_key,
                       CMN_CURVE_KEYLEN + 1) ||
        zmq_setsockopt(zs, ZMQ_CURVE_SECRETKEY, secret, CMN_CURVE_KEYLEN + 1))
        return CMN_EZMQ;
    return 0;
}
