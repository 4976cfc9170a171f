/* api.c - request/reply endpoints on the loop, and the blocking client. */
#include "cmn/api.h"
#include "cmn/curve.h"
#include "cmn/log.h"
#include "cmn/pb.h"
#include "cmn/zsock.h"
#include "mlps/v1/api.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/time.h>

struct cmn_api {
    uv_loop_t *loop;
    cmn_db_t *db;
    cmn_zsock_t *sock;
    char service[33];
    cmn_env_rules_t rules;
    cmn_msgtype_t *types;
    const cmn_api_handler_t *handlers;
    void *arg;
    void (*kick)(void *);
    void *kick_arg;
    int running;
    bool stopped;
    bool curve; /* requests must carry the ZAP User-Id */
    const cmn_registry_t *registry;
};

typedef struct {
    cmn_api_t *api;
    uint8_t ident[255];
    size_t identlen;
    bool delim; /* REQ client: an empty frame separates the envelope */
    char corr[129];
    cmn_env_msg_t *m;
    cmn_api_reply_t out;
} s_req_t;

void
cmn_uuid4(char out[37])
{
    uint8_t b[16];
    if (getrandom(b, sizeof b, 0) != (ssize_t) sizeof b) {
        struct timeval tv;
        gettimeofday(&tv, NULL);
        for (int i = 0; i < 16; i++) /* a last resort; never expected */
            b[i] = (uint8_t) ((tv.tv_usec >> (i % 4)) ^ (i * 37) ^ rand());
    }
    b[6] = (uint8_t) ((b[6] & 0x0f) | 0x40);
    b[8] = (uint8_t) ((b[8] & 0x3f) | 0x80);
    snprintf(out, 37,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x"
             "%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
             b[11], b[12], b[13], b[14], b[15]);
}

int64_t
cmn_now_us(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t) tv.tv_sec * 1000000 + tv.tv_usec;
}

int
cmn_api_reply(cmn_api_reply_t *out, const char *type,
              const ProtobufCMessage *msg)
{
    snprintf(out->type, sizeof out->type, "%s", type);
    free(out->payload);
    out->payload = NULL;
    return cmn_pb_pack(msg, &out->payload, &out->len);
}

static void
s_send(cmn_api_t *api, const s_req_t *r, const char *type,
       const uint8_t *payload, size_t len)
{
    char mid[37];
    cmn_uuid4(mid);
    cmn_env_out_t e = {.message_id = mid,
                       .type = type,
                       .source = api->service,
                       .correlation_id = r->corr[0] ? r->corr : "-",
                       .created_at_us = cmn_now_us(),
                       .payload = payload,
                       .payload_len = len};
    uint8_t *frame = NULL;
    size_t flen = 0;
    if (cmn_env_encode(&e, &frame, &flen) != 0)
        return;
    const void *parts[3] = {r->ident, "", frame};
    size_t lens[3] = {r->identlen, 0, flen};
    if (!r->delim) {
        parts[1] = frame;
        lens[1] = flen;
    }
    int rc = cmn_zsock_send(api->sock, parts, lens, r->delim ? 3 : 2);
    (void) rc; /* a client that went away gets nothing */
    free(frame);
}

static void
s_problem(cmn_api_t *api, const s_req_t *r, const char *code,
          const char *message)
{
    Mlps__V1__Problem p = MLPS__V1__PROBLEM__INIT;
    p.code = (char *) code;
    p.message = (char *) message;
    uint8_t *buf = NULL;
    size_t len = 0;
    if (cmn_pb_pack(&p.base, &buf, &len) == 0)
        s_send(api, r, "mlps.v1.Problem", buf, len);
    free(buf);
}

static const cmn_api_handler_t *
s_handler(const cmn_api_t *api, const cmn_env_msg_t *m)
{
    return &api->handlers[m->mt - api->types];
}

static int
s_work(PGconn *conn, void *arg)
{
    s_req_t *r = arg;
    return s_handler(r->api, r->m)->handle(conn, r->m, r->api->arg, &r->out);
}

static void
s_done(int status, void *arg)
{
    s_req_t *r = arg;
    cmn_api_t *api = r->api;
    api->running--;
    if (status != 0 || r->out.payload == NULL) {
        cmn_log_warn("request %s failed: %s", r->m->env->type,
                     cmn_strerror(status));
        if (api->sock != NULL)
            s_problem(api, r, "unavailable", cmn_strerror(status));
    } else if (api->sock != NULL) {
        s_send(api, r, r->out.type, r->out.payload, r->out.len);
    }
    if (status == 0 && r->out.kick && api->kick != NULL)
        api->kick(api->kick_arg);
    free(r->out.payload);
    cmn_env_msg_destroy(&r->m);
    free(r);
}

/* Who is asking: the registry identity of the connection's key, or the
 * person a gateway acts for; the type's rule must name them. */
static int
s_caller(const cmn_api_t *api, cmn_env_msg_t *m, const char *uid, char *why,
         size_t whylen)
{
    const char *acting = m->env->acting_for;
    const cmn_ident_t *id = NULL;
    if (!api->curve) {
        m->peer = (cmn_ident_t){.kind = CMN_KIND_DEV};
        snprintf(m->peer.name, sizeof m->peer.name, "%s",
                 acting[0] ? acting : "dev");
    } else if ((id = cmn_registry_find(api->registry, uid)) == NULL) {
        snprintf(why, whylen, "\"%.64s\" is not in the registry", uid);
        return CMN_EREJECT;
    } else if (acting[0] != '\0' && id->kind != CMN_KIND_GATEWAY) {
        snprintf(why, whylen,
                 "\"%s\" is of kind %s: only a gateway may act for a person",
                 id->name, cmn_kind_name(id->kind));
        return CMN_EREJECT;
    } else if (acting[0] != '\0') {
        const cmn_ident_t *person = cmn_registry_find(api->registry, acting);
        if (person == NULL || person->kind == CMN_KIND_SERVICE ||
            person->kind == CMN_KIND_GATEWAY) {
            snprintf(why, whylen,
                     "gateway \"%s\" acts for \"%.64s\", who "
                     "is not a person in the registry",
                     id->name, acting);
            return CMN_EREJECT;
        }
        m->peer = *person;
        snprintf(m->peer.via, sizeof m->peer.via, "%s", id->name);
    } else {
        m->peer = *id;
    }
    const char *rule = s_handler(api, m)->from;
    if (!cmn_ident_matches(&m->peer, rule)) {
        snprintf(why, whylen, "\"%s\" (kind %s) may not send %s", m->peer.name,
                 cmn_kind_name(m->peer.kind), m->env->type);
        return CMN_EREJECT;
    }
    return 0;
}

static void
s_on_request(cmn_zsock_t *sock, zmq_msg_t *parts, int nparts, void *arg)
{
    (void) sock;
    cmn_api_t *api = arg;
    s_req_t *r = calloc(1, sizeof *r);
    if (r == NULL || api->stopped)
        goto drop;
    r->api = api;
    if (nparts < 2 || nparts > 3 || zmq_msg_size(&parts[0]) > 255 ||
        (nparts == 3 && zmq_msg_size(&parts[1]) != 0)) {
        cmn_log_warn("rejected request: %d parts", nparts);
        goto drop;
    }
    r->identlen = zmq_msg_size(&parts[0]);
    memcpy(r->ident, zmq_msg_data(&parts[0]), r->identlen);
    r->delim = nparts == 3;
    zmq_msg_t *body = &parts[nparts - 1];
    const char *uid = zmq_msg_gets(body, "User-Id");
    if (api->curve && (uid == NULL || uid[0] == '\0')) {
        cmn_log_warn("rejected request: no authenticated caller");
        goto drop;
    }
    char mid[37], why[256];
    int err;
    r->m = cmn_env_decode(&api->rules, zmq_msg_data(body), zmq_msg_size(body),
                          &err, mid, why, sizeof why);
    if (r->m == NULL) {
        cmn_log_warn("rejected request (%zu bytes): %s", zmq_msg_size(body),
                     why);
        s_problem(api, r, "invalid", why);
        goto drop;
    }
    snprintf(r->corr, sizeof r->corr, "%s", r->m->env->correlation_id);
    if (s_caller(api, r->m, uid, why, sizeof why) != 0) {
        cmn_log_warn("refused %s: %s", r->m->env->type, why);
        s_problem(api, r, "forbidden", why);
        cmn_env_msg_destroy(&r->m);
        goto drop;
    }
    if (cmn_db_submit_request(api->db, s_work, s_done, r) != 0) {
        s_problem(api, r, "unavailable", "could not queue the request");
        cmn_env_msg_destroy(&r->m);
        goto drop;
    }
    api->running++;
    return;
drop:
    free(r);
}

cmn_api_t *
cmn_api_new(uv_loop_t *loop, void *zctx, cmn_db_t *db,
            const cmn_api_opts_t *opts, const cmn_api_handler_t *handlers,
            size_t nhandlers, void *arg, void (*kick)(void *), void *kick_arg,
            int *err)
{
    cmn_api_t *api = calloc(1, sizeof *api);
    if (api == NULL ||
        (api->types = calloc(nhandlers + 1, sizeof *api->types)) == NULL) {
        free(api);
        *err = CMN_ENOMEM;
        return NULL;
    }
    api->loop = loop;
    api->db = db;
    cmn_db_reserve(db, 1); /* a request never waits behind the inbox */
    snprintf(api->service, sizeof api->service, "%s", opts->service);
    api->handlers = handlers;
    api->arg = arg;
    api->kick = kick;
    api->kick_arg = kick_arg;
    api->registry = opts->registry;
    *err = 0;
    for (size_t i = 0; i < nhandlers; i++) {
        api->types[i].type = handlers[i].type;
        api->types[i].descriptor = handlers[i].descriptor;
        if (!cmn_ident_rule_valid(handlers[i].from)) {
            cmn_log_error("api handler %s: bad caller rule \"%s\"",
                          handlers[i].type,
                          handlers[i].from ? handlers[i].from : "(none)");
            *err = CMN_ECONFIG;
        }
    }
    api->rules.types = api->types;
    api->rules.ntypes = nhandlers;
    api->rules.max_frame = opts->max_frame ? opts->max_frame : 4u << 20;
    api->curve = opts->curve_secret != NULL;
    if (*err == 0)
        api->sock =
            cmn_zsock_new(loop, zctx, ZMQ_ROUTER, s_on_request, api, err);
    if (api->sock != NULL) {
        /* Before the bind: the cap applies only to connections made after
         * it is set, so a bigger frame is never read whole. */
        int64_t hard = (int64_t) api->rules.max_frame + 4096;
        if (zmq_setsockopt(cmn_zsock_raw(api->sock), ZMQ_MAXMSGSIZE, &hard,
                           sizeof hard) != 0)
            *err = CMN_EZMQ;
    }
    if (*err == 0 && api->curve &&
        (*err = cmn_curve_server(cmn_zsock_raw(api->sock), opts->curve_secret,
                                 CMN_ZAP_API)) != 0)
        cmn_log_error("could not make the API a CURVE server");
    if (*err == 0 && (*err = cmn_zsock_bind(api->sock, opts->endpoints)) != 0)
        cmn_log_error("could not bind the API at %s", opts->endpoints);
    if (*err != 0) {
        cmn_zsock_close(&api->sock);
        free(api->types);
        free(api);
        return NULL;
    }
    cmn_log_info("api at %s%s", opts->endpoints,
                 api->curve ? " (CURVE: callers proven by key)"
                            : " (PLAIN: development only)");
    return api;
}

void
cmn_api_stop(cmn_api_t *self)
{
    self->stopped = true;
}

int
cmn_api_idle(const cmn_api_t *self)
{
    return self->running == 0;
}

void
cmn_api_destroy(cmn_api_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    cmn_api_t *self = *self_p;
    *self_p = NULL;
    cmn_zsock_close(&self->sock);
    free(self->types);
    free(self);
}

/* --- client ---------------------------------------------------------- */

static int
s_client_decode(const zmq_msg_t *m, const ProtobufCMessageDescriptor *desc,
                ProtobufCMessage **reply, char *err, size_t errlen)
{
    Mlps__V1__Envelope *e = mlps__v1__envelope__unpack(
        NULL, zmq_msg_size(m), zmq_msg_data((zmq_msg_t *) m));
    int rc = CMN_EPROTO;
    if (e == NULL) {
        snprintf(err, errlen, "the reply is not a valid Envelope");
        return rc;
    }
    if (strcmp(e->type, "mlps.v1.Problem") == 0) {
        Mlps__V1__Problem *p =
            mlps__v1__problem__unpack(NULL, e->payload.len, e->payload.data);
        snprintf(err, errlen, "%s: %s", p ? p->code : "problem",
                 p ? p->message : "undecodable");
        mlps__v1__problem__free_unpacked(p, NULL);
        rc = CMN_EREJECT;
    } else if (strcmp(e->type, desc->name) != 0) {
        snprintf(err, errlen, "expected a %s reply, got %s", desc->name,
                 e->type);
    } else {
        char why[200];
        *reply = protobuf_c_message_unpack(desc, NULL, e->payload.len,
                                           e->payload.data);
        rc = *reply ? 0 : CMN_EPROTO;
        if (rc != 0) {
            snprintf(err, errlen, "the %s reply does not decode", e->type);
        } else if (cmn_pb_check(*reply, CMN_ENV_MAX_DEPTH, why, sizeof why)) {
            snprintf(err, errlen, "the %s reply is malformed: %s", e->type,
                     why);
            protobuf_c_message_free_unpacked(*reply, NULL);
            *reply = NULL;
            rc = CMN_EPROTO;
        }
    }
    mlps__v1__envelope__free_unpacked(e, NULL);
    return rc;
}

int
cmn_api_call(const char *endpoint, const char *type,
             const ProtobufCMessage *req,
             const ProtobufCMessageDescriptor *reply_desc, int timeout_ms,
             ProtobufCMessage **reply, char *err, size_t errlen)
{
    return cmn_api_call_curve(endpoint, NULL, type, req, reply_desc, timeout_ms,
                              reply, err, errlen);
}

int
cmn_api_call_curve(const char *endpoint, const cmn_api_curve_t *curve,
                   const char *type, const ProtobufCMessage *req,
                   const ProtobufCMessageDescriptor *reply_desc, int timeout_ms,
                   ProtobufCMessage **reply, char *err, size_t errlen)
{
    cmn_api_target_t t = {endpoint, curve, NULL, timeout_ms};
    return cmn_api_request(&t, type, req, reply_desc, reply, err, errlen);
}

int
cmn_api_request(const cmn_api_target_t *target, const char *type,
                const ProtobufCMessage *req,
                const ProtobufCMessageDescriptor *reply_desc,
                ProtobufCMessage **reply, char *err, size_t errlen)
{
    const char *endpoint = target->endpoint;
    const cmn_api_curve_t *curve = target->curve;
    int timeout_ms = target->timeout_ms;
    void *ctx = zmq_ctx_new(), *zs = zmq_socket(ctx, ZMQ_REQ);
    int zero = 0, rc = CMN_EZMQ;
    uint8_t *payload = NULL, *frame = NULL;
    size_t plen = 0, flen = 0;
    char mid[37];
    zmq_msg_t m;
    (void) zmq_msg_init(&m); /* always 0 (zmq_msg_init(3)) */
    *reply = NULL;
    int64_t max = 16 << 20;
    if (ctx == NULL || zs == NULL) {
        snprintf(err, errlen, "could not create a zmq socket");
        goto out;
    }
    if (zmq_setsockopt(zs, ZMQ_LINGER, &zero, sizeof zero) != 0 ||
        zmq_setsockopt(zs, ZMQ_MAXMSGSIZE, &max, sizeof max) != 0 ||
        zmq_setsockopt(zs, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms) != 0 ||
        zmq_setsockopt(zs, ZMQ_SNDTIMEO, &timeout_ms, sizeof timeout_ms) != 0) {
        snprintf(err, errlen, "could not set the socket's options: %s",
                 zmq_strerror(zmq_errno()));
        goto out;
    }
    if (curve != NULL && cmn_curve_client(zs, curve->secret, curve->public_key,
                                          curve->server_key) != 0) {
        snprintf(err, errlen, "could not set the CURVE keys");
        goto out;
    }
    if (zmq_connect(zs, endpoint) != 0) {
        snprintf(err, errlen, "could not connect to \"%s\": %s", endpoint,
                 zmq_strerror(zmq_errno()));
        goto out;
    }
    if ((rc = cmn_pb_pack(req, &payload, &plen)) != 0)
        goto out;
    cmn_uuid4(mid);
    cmn_env_out_t e = {.message_id = mid,
                       .type = type,
                       .source = "client",
                       .correlation_id = mid,
                       .created_at_us = cmn_now_us(),
                       .payload = payload,
                       .payload_len = plen,
                       .acting_for = target->acting_for};
    if ((rc = cmn_env_encode(&e, &frame, &flen)) != 0)
        goto out;
    rc = CMN_EZMQ;
    if (zmq_send(zs, frame, flen, 0) < 0 || zmq_msg_recv(&m, zs, 0) < 0) {
        snprintf(err, errlen, "no answer from \"%s\" within %d ms%s", endpoint,
                 timeout_ms,
                 curve != NULL ? " (over CURVE: a server that does not "
                                 "allow this key answers nothing)"
                               : "");
        goto out;
    }
    rc = s_client_decode(&m, reply_desc, reply, err, errlen);
out:
    zmq_msg_close(&m);
    free(payload);
    free(frame);
    if (zs != NULL)
        zmq_close(zs);
    if (ctx != NULL)
        zmq_ctx_term(ctx);
    return rc;
}
