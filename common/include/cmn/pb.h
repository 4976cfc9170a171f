/* pb.h - hostile-input helpers for protobuf-c: a budgeted allocator, a
 * post-decode checker (enums, UTF-8, depth) and UTF-8 validation.
 * protobuf-c itself checks neither enum values nor UTF-8 and has no depth
 * limit, so every decode of foreign bytes goes through these. */
#ifndef CMN_PB_H
#define CMN_PB_H
#include "cmn/err.h"

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An allocator that refuses to hand out more than `limit` bytes in all.
 * Use one budget for one decode, and free with the same budget. */
typedef struct {
    ProtobufCAllocator alloc; /* pass &budget->alloc to protobuf-c */
    size_t used;              /* bytes currently allocated */
    size_t limit;
    bool exhausted; /* an allocation was refused */
} cmn_pb_budget_t;

/* Initialises budget in place (it must not move while in use). */
void cmn_pb_budget_init(cmn_pb_budget_t *budget, size_t limit);

/* True when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
bool cmn_utf8_valid(const char *s, size_t len);

/* Walks a decoded message: every enum value must be declared, every string
 * valid UTF-8, nesting at most max_depth. On failure returns CMN_EPROTO and
 * writes the offending field's path (e.g. "unit.contacts[2].phone") and the
 * reason to why. */
int cmn_pb_check(const ProtobufCMessage *msg, int max_depth, char *why,
                 size_t whylen) CMN_MUST_CHECK;

/* Walks the wire encoding of a message of type desc before it is decoded:
 * every length stays inside the buffer, nesting is at most max_depth (a
 * deeply nested message would crash protobuf-c's recursive unpack), no
 * group wire types, and a string field holds no NUL byte (protobuf-c would
 * hand out the string cut at the NUL: "mlps.v1.StatusRequest\0x" would
 * read as "mlps.v1.StatusRequest"). On failure returns CMN_EPROTO with the
 * field's path and the reason in why. */
int cmn_pb_wire_check(const ProtobufCMessageDescriptor *desc,
                      const uint8_t *data, size_t len, int max_depth, char *why,
                      size_t whylen) CMN_MUST_CHECK;

/* Packs msg into a new buffer. Caller owns *out and must free() it. */
int cmn_pb_pack(const ProtobufCMessage *msg, uint8_t **out,
                size_t *len) CMN_MUST_CHECK;

#endif /* CMN_PB_H */
