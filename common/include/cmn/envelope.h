/* envelope.h - encode and check the Envelope that crosses every process
 * boundary (proto/mlps/v1/envelope.proto).
 *
 * Decoding is hostile-input safe: the frame size is bounded before protobuf-c
 * sees it, decoding allocates from a fixed budget, the envelope's fields are
 * checked, the type must be on the receiver's allow-list, and the payload is
 * decoded with its own descriptor and checked by cmn_pb_check(). Any failure
 * gives a reason that names the field; nothing is half-decoded. */
#ifndef CMN_ENVELOPE_H
#define CMN_ENVELOPE_H
#include "cmn/err.h"
#include "cmn/ident.h"
#include "mlps/v1/envelope.pb-c.h"

#include <stddef.h>
#include <stdint.h>

#define CMN_ENV_MAX_FRAME_DEFAULT (1u << 20) /* 1 MiB */
#define CMN_ENV_MAX_DEPTH         8

/* One entry of a receiver's allow-list. */
typedef struct {
    const char *type; /* e.g. "mlps.v1.FilingSubmitted" */
    const ProtobufCMessageDescriptor *descriptor;
} cmn_msgtype_t;

typedef struct {
    size_t max_frame;           /* bytes; larger frames are refused */
    const cmn_msgtype_t *types; /* allow-list */
    size_t ntypes;
} cmn_env_rules_t;

/* A decoded, checked envelope and its payload. */
typedef struct cmn_env_msg {
    Mlps__V1__Envelope *env;
    ProtobufCMessage *payload; /* of type mt->descriptor */
    const cmn_msgtype_t *mt;
    /* Who sent it: the identity the connection's key authenticated as
     * (ZAP User-Id, looked up in the registry), or the person a gateway
     * acts for (with .via the gateway); kind CMN_KIND_DEV on a plain
     * development socket. Decisions about who sent a message use this,
     * never a field of the payload. */
    cmn_ident_t peer;
    /* private */
    void *budget;
} cmn_env_msg_t;

/* Outgoing envelope fields (strings borrowed). */
typedef struct {
    const char *message_id;
    const char *type;
    const char *source;
    const char *source_office;
    const char *correlation_id;
    uint64_t case_version;
    int64_t created_at_us;
    const uint8_t *payload;
    size_t payload_len;
    const char *acting_for; /* a gateway's person; NULL or "" for none */
} cmn_env_out_t;

/* Decodes and checks one frame. Returns a new message the caller owns and
 * must release with cmn_env_msg_destroy(), or NULL with *err set and the
 * reason in why. When the envelope decoded and its message id is valid,
 * *msg_id (if not NULL, 37 bytes) gets that id even if the decode failed
 * later, so the sender can be told the message is refused for good;
 * otherwise it is "". */
cmn_env_msg_t *cmn_env_decode(const cmn_env_rules_t *rules, const uint8_t *data,
                              size_t size, int *err, char *msg_id, char *why,
                              size_t whylen);

/* Frees *msg_p and sets it to NULL. Safe on NULL. */
void cmn_env_msg_destroy(cmn_env_msg_t **msg_p);

/* Encodes an envelope. Caller owns *out and must free() it. */
int cmn_env_encode(const cmn_env_out_t *in, uint8_t **out,
                   size_t *len) CMN_MUST_CHECK;

/* True when s is a canonical lower-case UUID text (36 chars). */
int cmn_env_uuid_valid(const char *s);

/* Finds type in rules' allow-list; NULL if it is not there. */
const cmn_msgtype_t *cmn_env_find_type(const cmn_env_rules_t *rules,
                                       const char *type);

#endif /* CMN_ENVELOPE_H */
