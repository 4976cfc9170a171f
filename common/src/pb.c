/* pb.c - budgeted protobuf-c allocation and post-decode checks. */
#include "cmn/pb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t size;
    max_align_t align[];
} s_hdr_t;

static void *
s_alloc(void *data, size_t size)
{
    cmn_pb_budget_t *b = data;
    if (size > b->limit || b->used + size > b->limit) {
        b->exhausted = true;
        return NULL;
    }
    s_hdr_t *h = malloc(sizeof *h + size);
    if (h == NULL)
        return NULL;
    h->size = size;
    b->used += size;
    /* cppcheck-suppress memleak ; s_free finds h again from h->align */
    return h->align;
}

static void
s_free(void *data, void *ptr)
{
    cmn_pb_budget_t *b = data;
    if (ptr == NULL)
        return;
    s_hdr_t *h = (s_hdr_t *) ((char *) ptr - offsetof(s_hdr_t, align));
    b->used -= h->size;
    free(h);
}

void
cmn_pb_budget_init(cmn_pb_budget_t *budget, size_t limit)
{
    budget->alloc.alloc = s_alloc;
    budget->alloc.free = s_free;
    budget->alloc.allocator_data = budget;
    budget->used = 0;
    budget->limit = limit;
    budget->exhausted = false;
}

bool
cmn_utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *) str;
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        size_t n;
        unsigned min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1, min = 0x80, c &= 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2, min = 0x800, c &= 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3, min = 0x10000, c &= 0x07;
        } else {
            return false;
        }
        if (len - i <= n)
            return false;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            c = (c << 6) | (s[i + k] & 0x3F);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            return false;
        i += n + 1;
    }
    return true;
}

static int s_check(const ProtobufCMessage *msg, int depth, char *path,
                   size_t plen, char *why, size_t whylen);

static int
s_check_value(const ProtobufCFieldDescriptor *f, const void *v, int depth,
              char *path, size_t plen, char *why, size_t whylen)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING: {
        const char *s = *(char *const *) v;
        if (s != NULL && !cmn_utf8_valid(s, strlen(s))) {
            snprintf(why, whylen, "field \"%s\": not valid UTF-8", path);
            return CMN_EPROTO;
        }
        return 0;
    }
    case PROTOBUF_C_TYPE_ENUM: {
        int e = *(const int *) v;
        if (protobuf_c_enum_descriptor_get_value(f->descriptor, e) == NULL) {
            snprintf(why, whylen, "field \"%s\": %d is not a declared value",
                     path, e);
            return CMN_EPROTO;
        }
        return 0;
    }
    case PROTOBUF_C_TYPE_MESSAGE: {
        const ProtobufCMessage *m = *(ProtobufCMessage *const *) v;
        return m ? s_check(m, depth - 1, path, plen, why, whylen) : 0;
    }
    default:
        return 0;
    }
}

static int
s_check_field(const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f,
              int depth, char *path, size_t plen, char *why, size_t whylen)
{
    const char *base = (const char *) msg;
    size_t at = strlen(path);
    int rc = 0;
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
        size_t n = *(const size_t *) (base + f->quantifier_offset);
        char *const *arr = (char *const *) (base + f->offset);
        size_t sz = f->type == PROTOBUF_C_TYPE_STRING ||
                            f->type == PROTOBUF_C_TYPE_MESSAGE
                        ? sizeof(void *)
                        : (f->type == PROTOBUF_C_TYPE_ENUM ? sizeof(int) : 0);
        for (size_t i = 0; rc == 0 && sz != 0 && i < n; i++) {
            snprintf(path + at, plen - at, "%s%s[%zu]", at ? "." : "", f->name,
                     i);
            rc = s_check_value(f, (const char *) *arr + i * sz, depth, path,
                               plen, why, whylen);
        }
    } else {
        if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->quantifier_offset &&
            f->type != PROTOBUF_C_TYPE_STRING &&
            f->type != PROTOBUF_C_TYPE_MESSAGE &&
            !*(const protobuf_c_boolean *) (base + f->quantifier_offset))
            return 0;
        snprintf(path + at, plen - at, "%s%s", at ? "." : "", f->name);
        rc = s_check_value(f, base + f->offset, depth, path, plen, why, whylen);
    }
    if (rc == 0)
        path[at] = '\0';
    return rc;
}

static int
s_check(const ProtobufCMessage *msg, int depth, char *path, size_t plen,
        char *why, size_t whylen)
{
    if (depth < 0) {
        snprintf(why, whylen, "field \"%s\": nested too deeply", path);
        return CMN_EPROTO;
    }
    const ProtobufCMessageDescriptor *d = msg->descriptor;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            uint32_t which =
                *(const uint32_t *) ((const char *) msg + f->quantifier_offset);
            if (which != f->id)
                continue;
        }
        int rc = s_check_field(msg, f, depth, path, plen, why, whylen);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int
cmn_pb_check(const ProtobufCMessage *msg, int max_depth, char *why,
             size_t whylen)
{
    char path[256] = "";
    return s_check(msg, max_depth, path, sizeof path, why, whylen);
}

int
cmn_pb_pack(const ProtobufCMessage *msg, uint8_t **out, size_t *len)
{
    size_t n = protobuf_c_message_get_packed_size(msg);
    uint8_t *buf = malloc(n ? n : 1);
    if (buf == NULL)
        return CMN_ENOMEM;
    *len = protobuf_c_message_pack(msg, buf);
    *out = buf;
    return 0;
}

/* --- the wire walk ----------------------------------------------------- */

/* Reads a varint at *at (< len); false when it runs past the end or over
 * 10 bytes. */
static bool
s_varint(const uint8_t *d, size_t len, size_t *at, uint64_t *out)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 70 && *at < len; shift += 7) {
        uint8_t b = d[(*at)++];
        v |= (uint64_t) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
            *out = v;
            return true;
        }
    }
    return false;
}

static int
s_wire_fail(char *why, size_t whylen, const char *path, const char *name,
            const char *reason)
{
    snprintf(why, whylen, "field \"%s%s%s\": %s", path, path[0] ? "." : "",
             name, reason);
    return CMN_EPROTO;
}

static int s_wire_walk(const ProtobufCMessageDescriptor *desc, const uint8_t *d,
                       size_t len, int depth, const char *path, char *why,
                       size_t whylen);

/* One length-delimited field's bytes d[0..n). */
static int
s_wire_bytes(const ProtobufCFieldDescriptor *f, const uint8_t *d, size_t n,
             int depth, const char *path, char *why, size_t whylen)
{
    if (f->type == PROTOBUF_C_TYPE_STRING) {
        if (memchr(d, '\0', n) != NULL)
            return s_wire_fail(why, whylen, path, f->name,
                               "contains a NUL byte");
        return 0;
    }
    if (f->type != PROTOBUF_C_TYPE_MESSAGE)
        return 0; /* bytes, or packed scalars */
    if (depth <= 1)
        return s_wire_fail(why, whylen, path, f->name, "nested too deeply");
    char sub[200];
    snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", f->name);
    return s_wire_walk(f->descriptor, d, n, depth - 1, sub, why, whylen);
}

static int
s_wire_walk(const ProtobufCMessageDescriptor *desc, const uint8_t *d,
            size_t len, int depth, const char *path, char *why, size_t whylen)
{
    size_t at = 0;
    while (at < len) {
        uint64_t tag, v;
        if (!s_varint(d, len, &at, &tag) || (tag >> 3) == 0 ||
            (tag >> 3) > 536870911u)
            return s_wire_fail(why, whylen, path, "?", "a bad tag");
        const ProtobufCFieldDescriptor *f =
            protobuf_c_message_descriptor_get_field(desc,
                                                    (unsigned) (tag >> 3));
        const char *name = f ? f->name : "?";
        switch (tag & 7) {
        case 0:
            if (!s_varint(d, len, &at, &v))
                return s_wire_fail(why, whylen, path, name, "a bad varint");
            break;
        case 1:
        case 5: {
            size_t w = (tag & 7) == 1 ? 8 : 4;
            if (len - at < w)
                return s_wire_fail(why, whylen, path, name, "cut short");
            at += w;
            break;
        }
        case 2:
            if (!s_varint(d, len, &at, &v) || v > len - at)
                return s_wire_fail(why, whylen, path, name,
                                   "a length past the end");
            if (f != NULL &&
                s_wire_bytes(f, d + at, (size_t) v, depth, path, why, whylen))
                return CMN_EPROTO;
            at += (size_t) v;
            break;
        default:
            return s_wire_fail(why, whylen, path, name,
                               "groups are not accepted");
        }
    }
    return 0;
}

int
cmn_pb_wire_check(const ProtobufCMessageDescriptor *desc, const uint8_t *data,
                  size_t len, int max_depth, char *why, size_t whylen)
{
    if (max_depth < 1) {
        snprintf(why, whylen, "nested too deeply");
        return CMN_EPROTO;
    }
    return s_wire_walk(desc, data, len, max_depth, "", why, whylen);
}
