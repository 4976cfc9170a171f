/* envelope.c - bounded, checked Envelope decode and encode. */
#include "cmn/envelope.h"
#include "cmn/pb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
cmn_env_uuid_valid(const char *s)
{
    if (s == NULL || strlen(s) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return 0;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return 0;
        }
    }
    return 1;
}

const cmn_msgtype_t *
cmn_env_find_type(const cmn_env_rules_t *rules, const char *type)
{
    for (size_t i = 0; i < rules->ntypes; i++)
        if (strcmp(rules->types[i].type, type) == 0)
            return &rules->types[i];
    return NULL;
}

/* Letters, digits and `extra`, at most max bytes (none when allow_empty). */
static int
s_chars_ok(const char *s, size_t max, int allow_empty, const char *extra)
{
    size_t n = strlen(s);
    if (n > max || (n == 0 && !allow_empty))
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || strchr(extra, c) != NULL))
            return 0;
    }
    return 1;
}

static int
s_name_ok(const char *s, size_t max, int allow_empty)
{
    return s_chars_ok(s, max, allow_empty, "_-.");
}

/* Checks the envelope's own fields; names the first bad one. */
static int
s_check_env(const cmn_env_rules_t *rules, const Mlps__V1__Envelope *e,
            char *why, size_t whylen)
{
    if (!cmn_env_uuid_valid(e->message_id))
        snprintf(why, whylen, "field \"message_id\": not a lower-case UUID");
    else if (!s_name_ok(e->type, 64, 0))
        snprintf(why, whylen, "field \"type\": empty, too long or bad chars");
    else if (!s_name_ok(e->source, 32, 0))
        snprintf(why, whylen,
                 "field \"source\": empty, too long or bad "
                 "chars");
    else if (!s_name_ok(e->source_office, 32, 1))
        snprintf(why, whylen,
                 "field \"source_office\": too long or bad "
                 "chars");
    else if (e->correlation_id[0] == '\0' || strlen(e->correlation_id) > 128 ||
             !cmn_utf8_valid(e->correlation_id, strlen(e->correlation_id)))
        snprintf(why, whylen,
                 "field \"correlation_id\": empty, over 128 "
                 "bytes or not UTF-8");
    else if (!s_chars_ok(e->acting_for, CMN_IDENT_MAX, 1, "_-.:@"))
        snprintf(why, whylen,
                 "field \"acting_for\": not an identity (1 to %d of A-Z a-z "
                 "0-9 _ . : @ -)",
                 CMN_IDENT_MAX);
    else if (e->created_at_us <= 0)
        snprintf(why, whylen, "field \"created_at_us\": not a positive time");
    else if (e->payload.len > rules->max_frame)
        snprintf(why, whylen, "field \"payload\": too large");
    else
        return 0;
    return CMN_EPROTO;
}

typedef struct {
    cmn_pb_budget_t env_budget;
    cmn_pb_budget_t payload_budget;
} s_budgets_t;

cmn_env_msg_t *
cmn_env_decode(const cmn_env_rules_t *rules, const uint8_t *data, size_t size,
               int *err, char *msg_id, char *why, size_t whylen)
{
    cmn_env_msg_t *m = NULL;
    s_budgets_t *b = NULL;
    int rc = CMN_EPROTO;
    char sub[200];

    if (msg_id != NULL)
        msg_id[0] = '\0';
    if (size > rules->max_frame) {
        snprintf(why, whylen, "frame of %zu bytes exceeds the limit of %zu",
                 size, rules->max_frame);
        rc = CMN_EMSGSIZE;
        goto fail;
    }
    m = calloc(1, sizeof *m);
    b = calloc(1, sizeof *b);
    if (m == NULL || b == NULL) {
        rc = CMN_ENOMEM;
        snprintf(why, whylen, "out of memory");
        goto fail;
    }
    m->budget = b;
    if (cmn_pb_wire_check(&mlps__v1__envelope__descriptor, data, size, 1, sub,
                          sizeof sub) != 0) {
        snprintf(why, whylen, "not a valid Envelope: %s", sub);
        goto fail;
    }
    /* Decoded size is bounded by the input plus per-field overhead. */
    cmn_pb_budget_init(&b->env_budget, 2 * size + 4096);
    m->env = mlps__v1__envelope__unpack(&b->env_budget.alloc, size, data);
    if (m->env == NULL) {
        snprintf(why, whylen, "not a valid Envelope (%zu bytes%s)", size,
                 b->env_budget.exhausted ? ", decode budget exhausted" : "");
        goto fail;
    }
    /* From here on the sender can be told, by id, that this is refused. */
    if (msg_id != NULL && cmn_env_uuid_valid(m->env->message_id))
        memcpy(msg_id, m->env->message_id, 37);
    if (s_check_env(rules, m->env, why, whylen) != 0)
        goto fail;
    m->mt = cmn_env_find_type(rules, m->env->type);
    if (m->mt == NULL) {
        snprintf(why, whylen, "field \"type\": \"%s\" is not accepted here",
                 m->env->type);
        goto fail;
    }
    if (cmn_pb_wire_check(m->mt->descriptor, m->env->payload.data,
                          m->env->payload.len, CMN_ENV_MAX_DEPTH, sub,
                          sizeof sub) != 0) {
        snprintf(why, whylen, "field \"payload\": not a valid %s: %s",
                 m->env->type, sub);
        goto fail;
    }
    cmn_pb_budget_init(&b->payload_budget, 4 * m->env->payload.len + 4096);
    m->payload =
        protobuf_c_message_unpack(m->mt->descriptor, &b->payload_budget.alloc,
                                  m->env->payload.len, m->env->payload.data);
    if (m->payload == NULL) {
        snprintf(
            why, whylen, "field \"payload\": not a valid %s%s", m->env->type,
            b->payload_budget.exhausted ? " (decode budget exhausted)" : "");
        goto fail;
    }
    if (cmn_pb_check(m->payload, CMN_ENV_MAX_DEPTH, sub, sizeof sub) != 0) {
        snprintf(why, whylen, "payload: %s", sub);
        goto fail;
    }
    *err = 0;
    return m;
fail:
    cmn_env_msg_destroy(&m);
    *err = rc;
    return NULL;
}

void
cmn_env_msg_destroy(cmn_env_msg_t **msg_p)
{
    if (msg_p == NULL || *msg_p == NULL)
        return;
    cmn_env_msg_t *m = *msg_p;
    *msg_p = NULL;
    s_budgets_t *b = m->budget;
    if (m->payload != NULL)
        protobuf_c_message_free_unpacked(m->payload, &b->payload_budget.alloc);
    if (m->env != NULL)
        mlps__v1__envelope__free_unpacked(m->env, &b->env_budget.alloc);
    free(b);
    free(m);
}

int
cmn_env_encode(const cmn_env_out_t *in, uint8_t **out, size_t *len)
{
    Mlps__V1__Envelope e = MLPS__V1__ENVELOPE__INIT;
    e.message_id = (char *) in->message_id;
    e.type = (char *) in->type;
    e.source = (char *) in->source;
    e.source_office = (char *) (in->source_office ? in->source_office : "");
    e.correlation_id = (char *) in->correlation_id;
    e.case_version = in->case_version;
    e.created_at_us = in->created_at_us;
    e.payload.data = (uint8_t *) in->payload;
    e.payload.len = in->payload_len;
    e.acting_for = (char *) (in->acting_for ? in->acting_for : "");
    return cmn_pb_pack(&e.base, out, len);
}
