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
#define S_DOMAIN       "mlps"

typedef struct {
    uint8_t key[32];
    char office[33];
} s_client_t;

struct cmn_zap {
    cmn_zsock_t *sock;
    s_client_t *clients;
    size_t nclients;
    unsigned long allowed, refused;
};

/* An identity: 1..32 of [A-Za-z0-9_.:-], e.g. "110108" or "expert:102". */
static int
s_identity_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 32)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char) s[i]) && !strchr("-_.:", s[i]))
            return 0;
    return 1;
}

static int
s_load_clients(cmn_zap_t *self, const char *path, char *why, size_t whylen)
{
    FILE *f = fopen(path, "r");
    char line[256];
    int lineno = 0, rc = 0;
    if (f == NULL) {
        snprintf(why, whylen, "could not open \"%s\": %s", path,
                 strerror(errno));
        return CMN_ECONFIG;
    }
    while (rc == 0 && fgets(line, sizeof line, f) != NULL) {
        char office[64], key[64], extra[8];
        lineno++;
        char *s = line;
        while (isspace((unsigned char) *s))
            s++;
        if (*s == '\0' || *s == '#')
            continue;
        s_client_t c;
        int n = sscanf(s, "%63s %63s %7s", office, key, extra);
        if (n != 2 || !s_identity_ok(office) ||
            strlen(key) != CMN_CURVE_KEYLEN ||
            zmq_z85_decode(c.key, key) == NULL) {
            snprintf(why, whylen,
                     "%s:%d: expected \"IDENTITY Z85_PUBLIC_KEY\" (an identity "
                     "is 1 to 32 of A-Z a-z 0-9 _ . : -)",
                     path, lineno);
            rc = CMN_ECONFIG;
            break;
        }
        memcpy(c.office, office, strlen(office) + 1); /* checked: <= 32 */
        s_client_t *grown =
            realloc(self->clients, (self->nclients + 1) * sizeof *grown);
        if (grown == NULL) {
            rc = CMN_ENOMEM;
            break;
        }
        self->clients = grown;
        self->clients[self->nclients++] = c;
    }
    fclose(f);
    return rc;
}

static const s_client_t *
s_find(const cmn_zap_t *self, const uint8_t *key)
{
    for (size_t i = 0; i < self->nclients; i++)
        if (memcmp(self->clients[i].key, key, 32) == 0)
            return &self->clients[i];
    return NULL;
}

/* [route, "", "1.0", id, domain, address, identity, mechanism, key] */
static void
s_on_request(cmn_zsock_t *sock, zmq_msg_t *parts, int nparts, void *arg)
{
    cmn_zap_t *self = arg;
    const s_client_t *c = NULL;
    const char *why = "malformed request";
    if (nparts == 9 && zmq_msg_size(&parts[7]) == 5 &&
        memcmp(zmq_msg_data(&parts[7]), "CURVE", 5) == 0 &&
        zmq_msg_size(&parts[8]) == 32) {
        c = s_find(self, zmq_msg_data(&parts[8]));
        why = c ? "OK" : "key not on the allow-list";
        if (zmq_msg_size(&parts[4]) != strlen(S_DOMAIN) ||
            memcmp(zmq_msg_data(&parts[4]), S_DOMAIN, strlen(S_DOMAIN))) {
            c = NULL;
            why = "wrong ZAP domain";
        }
    }
    if (nparts < 4)
        return; /* nothing to answer to */
    char key[CMN_CURVE_KEYLEN + 1] = "?";
    if (nparts == 9 && zmq_msg_size(&parts[8]) == 32)
        zmq_z85_encode(key, zmq_msg_data(&parts[8]), 32);
    if (c != NULL) {
        self->allowed++;
        cmn_log_info("%s authenticated (key %.8s...)", c->office, key);
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
                          c ? c->office : "",
                          ""};
    size_t lens[8] = {zmq_msg_size(&parts[0]),   0, 3,
                      zmq_msg_size(&parts[3]),   3, strlen(why),
                      c ? strlen(c->office) : 0, 0};
    int rc = cmn_zsock_send(sock, out, lens, 8);
    (void) rc; /* libzmq treats a missing answer as a refusal */
}

cmn_zap_t *
cmn_zap_new(uv_loop_t *loop, void *zctx, const char *clients_file, char *why,
            size_t whylen)
{
    cmn_zap_t *self = calloc(1, sizeof *self);
    int err = 0;
    if (self == NULL) {
        snprintf(why, whylen, "out of memory");
        return NULL;
    }
    if (s_load_clients(self, clients_file, why, whylen) != 0)
        goto fail;
    self->sock =
        cmn_zsock_new(loop, zctx, ZMQ_ROUTER, s_on_request, self, &err);
    if (self->sock == NULL || cmn_zsock_bind(self->sock, S_ZAP_ENDPOINT)) {
        snprintf(why, whylen, "could not bind the ZAP handler");
        goto fail;
    }
    cmn_log_info("ZAP handler allows %zu key(s) from \"%s\"", self->nclients,
                 clients_file);
    return self;
fail:
    cmn_zap_destroy(&self);
    return NULL;
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
    free(self->clients);
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
cmn_curve_server(void *zs, const char *secret)
{
    int one = 1;
    if (zmq_setsockopt(zs, ZMQ_ZAP_DOMAIN, S_DOMAIN, strlen(S_DOMAIN)) ||
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

int
cmn_curve_key_lookup(const char *list, const char *name,
                     char key[CMN_CURVE_KEYLEN + 1], char *why, size_t whylen)
{
    size_t n = strlen(name);
    for (const char *p = list; p && *p;
         p = strchr(p, ';') ? strchr(p, ';') + 1 : NULL) {
        if (strncmp(p, name, n) != 0 || p[n] != '=')
            continue;
        const char *k = p + n + 1;
        size_t len = strcspn(k, ";");
        uint8_t raw[32];
        snprintf(key, CMN_CURVE_KEYLEN + 1, "%.*s", (int) len, k);
        if (k[0] == '@') { /* name=@FILE: the key is the file's first line */
            char path[512], line[128] = "";
            snprintf(path, sizeof path, "%.*s", (int) len - 1, k + 1);
            FILE *f = fopen(path, "r");
            if (f == NULL || fgets(line, sizeof line, f) == NULL) {
                snprintf(why, whylen,
                         "the key of \"%s\": could not read "
                         "\"%s\"",
                         name, path);
                if (f != NULL)
                    fclose(f);
                return CMN_ECONFIG;
            }
            fclose(f);
            line[strcspn(line, "\r\n")] = '\0';
            len = strlen(line);
            snprintf(key, CMN_CURVE_KEYLEN + 1, "%.40s", line);
        }
        if (len != CMN_CURVE_KEYLEN || zmq_z85_decode(raw, key) == NULL) {
            snprintf(why, whylen,
                     "the key of \"%s\" is not a Z85 public key (40 "
                     "characters)",
                     name);
            return CMN_ECONFIG;
        }
        return 1;
    }
    return 0;
}
