/* envelope_fuzz.c - libFuzzer target for cmn_env_decode: any bytes, as they
 * would arrive in a ZeroMQ frame from a hostile peer. Besides crashes and
 * sanitizer reports it checks what the header promises: a result xor an
 * error with a reason, and an accepted envelope that re-encodes and decodes
 * again. */
#include "cmn/envelope.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const cmn_msgtype_t s_types[] = {
    {"mlps.v1.Ack", &mlps__v1__ack__descriptor},
};
static const cmn_env_rules_t s_rules = {CMN_ENV_MAX_FRAME_DEFAULT, s_types, 1};

/* An accepted envelope, encoded again from its fields, is accepted again
 * with the same fields. */
static void
s_reencode(const cmn_env_msg_t *m)
{
    const Mlps__V1__Envelope *e = m->env;
    cmn_env_out_t o = {
        .message_id = e->message_id,
        .type = e->type,
        .source = e->source,
        .source_office = e->source_office,
        .correlation_id = e->correlation_id,
        .case_version = e->case_version,
        .created_at_us = e->created_at_us,
        .payload = e->payload.data,
        .payload_len = e->payload.len,
    };
    uint8_t *buf = NULL;
    size_t len = 0;
    if (cmn_env_encode(&o, &buf, &len) != 0)
        abort();
    int err = 0;
    char why[256];
    cmn_env_msg_t *again =
        cmn_env_decode(&s_rules, buf, len, &err, NULL, why, sizeof why);
    if (again == NULL && err != CMN_EMSGSIZE)
        abort();
    if (again != NULL &&
        (strcmp(again->env->message_id, e->message_id) != 0 ||
         strcmp(again->env->correlation_id, e->correlation_id) != 0 ||
         again->env->created_at_us != e->created_at_us ||
         again->env->payload.len != e->payload.len))
        abort();
    cmn_env_msg_destroy(&again);
    free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int err = 1;
    char msg_id[37];
    char why[256];
    why[0] = '\0';
    cmn_env_msg_t *m =
        cmn_env_decode(&s_rules, data, size, &err, msg_id, why, sizeof why);
    if (m != NULL) {
        if (err != 0 || m->env == NULL || m->payload == NULL ||
            m->mt != &s_types[0] || !cmn_env_uuid_valid(m->env->message_id) ||
            strcmp(msg_id, m->env->message_id) != 0)
            abort();
        s_reencode(m);
    } else if (err == 0 || why[0] == '\0' ||
               (msg_id[0] != '\0' && !cmn_env_uuid_valid(msg_id))) {
        abort();
    }
    cmn_env_msg_destroy(&m);
    if (m != NULL)
        abort();
    return 0;
}
