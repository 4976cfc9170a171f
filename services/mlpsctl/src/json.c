/* json.c - JSON documents to protobuf messages, driven by the descriptors.
 *
 * The walk follows the message descriptor: each key of a JSON object must
 * name a field of the message, and the field's type says which JSON type it
 * takes. An error is recorded and the walk goes on, so one run reports
 * everything. The message under construction can be freed by
 * protobuf_c_message_free_unpacked() at every step: a string is either the
 * descriptor's default or malloc()ed, and an array is zeroed and counted
 * before it is filled. */
#include "ctl/json.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    cmn_problem_t *errs;
    char path[256]; /* JSON path of the value being converted */
    size_t len;
    int rc; /* 0, or CMN_ENOMEM once an allocation failed */
} s_walk_t;

/* Integer fields narrower than their type: the levels. */
static const struct {
    const ProtobufCMessageDescriptor *msg;
    const char *field;
    uint32_t min, max;
} s_bounds[] = {
    {&mlps__v1__dimension__descriptor, "proposed_level", 1, 5},
    {&mlps__v1__grading__descriptor, "final_level", 1, 5},
};

static size_t s_push(s_walk_t *w, const char *fmt, ...) CMN_PRINTF(2, 3);
static void s_fail(s_walk_t *w, const char *fmt, ...) CMN_PRINTF(2, 3);
static void s_object(s_walk_t *w, const ProtobufCMessageDescriptor *md,
                     json_t *json, ProtobufCMessage *msg, const char *only);

/* Appends to the path; returns the length to restore with s_pop(). */
static size_t
s_push(s_walk_t *w, const char *fmt, ...)
{
    size_t old = w->len, room = sizeof w->path - w->len;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(w->path + w->len, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        w->len += (size_t) n < room ? (size_t) n : room - 1;
    return old;
}

static void
s_pop(s_walk_t *w, size_t old)
{
    w->len = old;
    w->path[old] = '\0';
}

/* Records an error at the current path. */
static void
s_fail(s_walk_t *w, const char *fmt, ...)
{
    char reason[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    cmn_problem_add(w->errs, w->path, "%s", reason);
}

/* Copies at most 64 bytes of a key for an error message, cut at a UTF-8
 * boundary, with control characters shown as '?' so a line stays a line. */
static void
s_printable(const char *key, char out[65])
{
    size_t n = strlen(key);
    if (n > 64) {
        n = 64;
        while (n > 0 && ((unsigned char) key[n] & 0xC0) == 0x80)
            n--;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = (unsigned char) key[i] < 0x20 || key[i] == 0x7f ? '?' : key[i];
    out[n] = '\0';
}

static ProtobufCMessage *
s_new(const ProtobufCMessageDescriptor *md)
{
    ProtobufCMessage *msg = malloc(md->sizeof_message);
    if (msg != NULL)
        md->message_init(msg);
    return msg;
}

static void
s_string(s_walk_t *w, json_t *v, char **dst)
{
    if (!json_is_string(v)) {
        s_fail(w, "expected a string");
        return;
    }
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (strlen(s) != n) {
        s_fail(w, "must not contain a NUL character");
        return;
    }
    char *copy = malloc(n + 1);
    if (copy == NULL) {
        w->rc = CMN_ENOMEM;
        return;
    }
    memcpy(copy, s, n + 1);
    *dst = copy;
}

static void
s_uint32(s_walk_t *w, const ProtobufCMessageDescriptor *md,
         const ProtobufCFieldDescriptor *f, json_t *v, uint32_t *dst)
{
    uint32_t min = 0, max = UINT32_MAX;
    for (size_t i = 0; i < sizeof s_bounds / sizeof s_bounds[0]; i++) {
        if (s_bounds[i].msg == md && strcmp(s_bounds[i].field, f->name) == 0) {
            min = s_bounds[i].min;
            max = s_bounds[i].max;
        }
    }
    json_int_t n = json_is_integer(v) ? json_integer_value(v) : -1;
    if (n < (json_int_t) min || n > (json_int_t) max) {
        s_fail(w, "expected an integer from %" PRIu32 " to %" PRIu32, min, max);
        return;
    }
    *dst = (uint32_t) n;
}

static char
s_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char) (c - 'A' + 'a') : c;
}

/* True when name (an enum value name, upper case) is s in lower case. */
static int
s_lower_eq(const char *name, const char *s)
{
    for (; *name != '\0' && s_lower(*name) == *s; name++, s++)
        ;
    return *name == '\0' && *s == '\0';
}

/* Appends s in lower case to buf (size bytes, *len used), truncating. */
static void
s_append_lower(char *buf, size_t size, size_t *len, const char *s)
{
    for (; *s != '\0' && *len + 1 < size; s++)
        buf[(*len)++] = s_lower(*s);
    buf[*len] = '\0';
}

/* Enumerations take the lower-case value name; the zero value
 * (UNSPECIFIED) is never valid input. */
static void
s_enum(s_walk_t *w, const ProtobufCEnumDescriptor *ed, json_t *v, int *dst)
{
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    char names[256] = "";
    size_t len = 0;
    for (unsigned i = 0; i < ed->n_values; i++) {
        const ProtobufCEnumValue *ev = &ed->values[i];
        if (ev->value == 0)
            continue;
        if (s != NULL && s_lower_eq(ev->name, s)) {
            *dst = ev->value;
            return;
        }
        s_append_lower(names, sizeof names, &len, len > 0 ? ", " : "");
        s_append_lower(names, sizeof names, &len, ev->name);
    }
    s_fail(w, "expected one of %s", names);
}

static void
s_message(s_walk_t *w, const ProtobufCMessageDescriptor *md, json_t *v,
          ProtobufCMessage **dst)
{
    if (!json_is_object(v)) {
        s_fail(w, "expected an object");
        return;
    }
    ProtobufCMessage *msg = s_new(md);
    if (msg == NULL) {
        w->rc = CMN_ENOMEM;
        return;
    }
    *dst = msg;
    s_object(w, md, v, msg, NULL);
}

/* A JSON integer into a 64-bit field (an unsigned one refuses negatives). */
static void
s_int64(s_walk_t *w, const ProtobufCFieldDescriptor *f, json_t *v, void *dst)
{
    if (!json_is_integer(v)) {
        s_fail(w, "expected an integer");
        return;
    }
    json_int_t n = json_integer_value(v);
    if (f->type == PROTOBUF_C_TYPE_UINT64 && n < 0) {
        s_fail(w, "expected an integer of 0 or more");
        return;
    }
    if (f->type == PROTOBUF_C_TYPE_UINT64)
        *(uint64_t *) dst = (uint64_t) n;
    else
        *(int64_t *) dst = (int64_t) n;
}

/* Size of one element of a repeated field of this type; 0 if unsupported. */
static size_t
s_elem_size(ProtobufCType type)
{
    switch (type) {
    case PROTOBUF_C_TYPE_STRING:
        return sizeof(char *);
    case PROTOBUF_C_TYPE_MESSAGE:
        return sizeof(ProtobufCMessage *);
    case PROTOBUF_C_TYPE_BOOL:
        return sizeof(protobuf_c_boolean);
    case PROTOBUF_C_TYPE_UINT32:
        return sizeof(uint32_t);
    case PROTOBUF_C_TYPE_ENUM:
        return sizeof(int);
    case PROTOBUF_C_TYPE_INT32:
        return sizeof(int32_t);
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_UINT64:
        return sizeof(int64_t);
    default:
        return 0;
    }
}

/* Converts one value of field f (of message md) into dst. */
static void
s_value(s_walk_t *w, const ProtobufCMessageDescriptor *md,
        const ProtobufCFieldDescriptor *f, json_t *v, void *dst)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING:
        s_string(w, v, dst);
        break;
    case PROTOBUF_C_TYPE_BOOL:
        if (json_is_boolean(v))
            *(protobuf_c_boolean *) dst = json_is_true(v);
        else
            s_fail(w, "expected true or false");
        break;
    case PROTOBUF_C_TYPE_UINT32:
        s_uint32(w, md, f, v, dst);
        break;
    case PROTOBUF_C_TYPE_ENUM:
        s_enum(w, f->descriptor, v, dst);
        break;
    case PROTOBUF_C_TYPE_MESSAGE:
        s_message(w, f->descriptor, v, dst);
        break;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_UINT64:
        s_int64(w, f, v, dst);
        break;
    default:
        s_fail(w, "field type not supported by mlpsctl");
        break;
    }
}

static void
s_repeated(s_walk_t *w, const ProtobufCMessageDescriptor *md,
           const ProtobufCFieldDescriptor *f, json_t *v, ProtobufCMessage *msg)
{
    if (!json_is_array(v)) {
        s_fail(w, "expected an array");
        return;
    }
    size_t n = json_array_size(v), size = s_elem_size(f->type);
    if (size == 0) {
        s_fail(w, "field type not supported by mlpsctl");
        return;
    }
    if (n == 0)
        return;
    char *arr = calloc(n, size);
    if (arr == NULL) {
        w->rc = CMN_ENOMEM;
        return;
    }
    *(void **) ((char *) msg + f->offset) = arr;
    *(size_t *) ((char *) msg + f->quantifier_offset) = n;
    for (size_t i = 0; i < n && w->rc == 0; i++) {
        size_t old = s_push(w, "[%zu]", i);
        s_value(w, md, f, json_array_get(v, i), arr + i * size);
        s_pop(w, old);
    }
}

/* Fills msg from the keys of json. only, if not NULL, is the one key
 * accepted. */
static void
s_object(s_walk_t *w, const ProtobufCMessageDescriptor *md, json_t *json,
         ProtobufCMessage *msg, const char *only)
{
    const char *key;
    json_t *v;
    json_object_foreach(json, key, v)
    {
        const ProtobufCFieldDescriptor *f =
            only != NULL && strcmp(key, only) != 0
                ? NULL
                : protobuf_c_message_descriptor_get_field_by_name(md, key);
        if (f == NULL) {
            char shown[65];
            s_printable(key, shown);
            s_fail(w, "unknown key \"%s\"", shown);
        } else if (!json_is_null(v)) {
            size_t old = s_push(w, "%s%s", w->len > 0 ? "." : "", key);
            if (f->label == PROTOBUF_C_LABEL_REPEATED)
                s_repeated(w, md, f, v, msg);
            else
                s_value(w, md, f, v, (char *) msg + f->offset);
            s_pop(w, old);
        }
        if (w->rc != 0)
            return;
    }
}

/* Converts the document json into a new message of type md. */
static int
s_convert(const ProtobufCMessageDescriptor *md, json_t *json, const char *only,
          cmn_problem_t *errs, ProtobufCMessage **out)
{
    s_walk_t w = {.errs = errs};
    size_t before = errs->count;
    ProtobufCMessage *msg = NULL;
    *out = NULL;
    if (!json_is_object(json))
        s_fail(&w, "expected a JSON object");
    else if ((msg = s_new(md)) == NULL)
        w.rc = CMN_ENOMEM;
    else
        s_object(&w, md, json, msg, only);
    if (w.rc == 0 && errs->count > before)
        w.rc = CMN_EINVAL;
    if (w.rc != 0) {
        protobuf_c_message_free_unpacked(msg, NULL);
        return w.rc;
    }
    *out = msg;
    return 0;
}

int
ctl_pb_from_json(const ProtobufCMessageDescriptor *md, json_t *json,
                 ProtobufCMessage **out, cmn_problem_t *errs)
{
    return s_convert(md, json, NULL, errs, out);
}

int
ctl_filing_from_json(json_t *json, Mlps__V1__Filing **out, cmn_problem_t *errs)
{
    return s_convert(&mlps__v1__filing__descriptor, json, NULL, errs,
                     (ProtobufCMessage **) out);
}

void
ctl_filing_free(Mlps__V1__Filing **filing_p)
{
    if (filing_p == NULL || *filing_p == NULL)
        return;
    protobuf_c_message_free_unpacked(&(*filing_p)->base, NULL);
    *filing_p = NULL;
}

int
ctl_supplement_from_json(json_t *json, const char *tracking_id,
                         Mlps__V1__SupplementRequest **out, cmn_problem_t *errs)
{
    Mlps__V1__SupplementRequest *req = NULL;
    int rc = s_convert(&mlps__v1__supplement_request__descriptor, json,
                       "materials", errs, (ProtobufCMessage **) &req);
    if (rc != 0)
        goto out;
    size_t n = strlen(tracking_id) + 1;
    if ((req->tracking_id = malloc(n)) == NULL) {
        rc = CMN_ENOMEM;
        goto out;
    }
    memcpy(req->tracking_id, tracking_id, n);
out:
    if (rc != 0)
        ctl_supplement_free(&req);
    *out = req;
    return rc;
}

void
ctl_supplement_free(Mlps__V1__SupplementRequest **req_p)
{
    if (req_p == NULL || *req_p == NULL)
        return;
    protobuf_c_message_free_unpacked(&(*req_p)->base, NULL);
    *req_p = NULL;
}

/* Records a jansson load error; returns the matching CMN_E* code. */
static int
s_load_error(const char *name, const json_error_t *e, cmn_problem_t *errs)
{
    char where[512];
    int rc = CMN_EINVAL;
    switch (json_error_code(e)) {
    case json_error_out_of_memory:
        return CMN_ENOMEM;
    case json_error_cannot_open_file:
        rc = CMN_EIO;
        where[0] = '\0';
        break;
    default:
        snprintf(where, sizeof where, "%s:%d:%d", name, e->line, e->column);
        break;
    }
    cmn_problem_add(errs, where, "%s", e->text);
    return rc;
}

int
ctl_json_load_file(const char *path, json_t **out, cmn_problem_t *errs)
{
    json_error_t e;
    *out = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
    return *out != NULL ? 0 : s_load_error(path, &e, errs);
}

int
ctl_json_parse(const char *text, size_t len, const char *name, json_t **out,
               cmn_problem_t *errs)
{
    json_error_t e;
    *out = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e);
    return *out != NULL ? 0 : s_load_error(name, &e, errs);
}

/* --- protobuf to JSON ------------------------------------------------ */

static json_t *s_to_json(const ProtobufCMessage *msg);

/* An enumeration value's name in lower case (its number if unnamed). */
static json_t *
s_enum_json(const ProtobufCEnumDescriptor *ed, int value)
{
    const ProtobufCEnumValue *ev =
        protobuf_c_enum_descriptor_get_value(ed, value);
    char name[128];
    size_t len = 0;
    if (ev == NULL)
        return json_integer(value);
    name[0] = '\0';
    s_append_lower(name, sizeof name, &len, ev->name);
    return json_string(name);
}

/* One value of field f at p. */
static json_t *
s_value_json(const ProtobufCFieldDescriptor *f, const void *p)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING:
        return json_string(*(char *const *) p ? *(char *const *) p : "");
    case PROTOBUF_C_TYPE_BOOL:
        return json_boolean(*(const protobuf_c_boolean *) p);
    case PROTOBUF_C_TYPE_UINT32:
        return json_integer(*(const uint32_t *) p);
    case PROTOBUF_C_TYPE_INT32:
        return json_integer(*(const int32_t *) p);
    case PROTOBUF_C_TYPE_INT64:
        return json_integer(*(const int64_t *) p);
    case PROTOBUF_C_TYPE_UINT64: {
        uint64_t u = *(const uint64_t *) p;
        char text[24];
        if (u <= (uint64_t) INT64_MAX) /* json_int_t: long long */
            return json_integer((json_int_t) u);
        snprintf(text, sizeof text, "%" PRIu64, u);
        return json_string(text);
    }
    case PROTOBUF_C_TYPE_ENUM:
        return s_enum_json(f->descriptor, *(const int *) p);
    case PROTOBUF_C_TYPE_MESSAGE: {
        const ProtobufCMessage *m = *(ProtobufCMessage *const *) p;
        return m != NULL ? s_to_json(m) : json_null();
    }
    default:
        return json_null(); /* no field of ours has another type */
    }
}

static json_t *
s_field_json(const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
    const char *base = (const char *) msg + f->offset;
    if (f->label != PROTOBUF_C_LABEL_REPEATED)
        return s_value_json(f, base);
    size_t n = *(const size_t *) ((const char *) msg + f->quantifier_offset);
    size_t size = s_elem_size(f->type);
    const char *arr = *(char *const *) base;
    json_t *list = json_array();
    for (size_t i = 0; list != NULL && i < n; i++) {
        if (size == 0 ||
            json_array_append_new(list, s_value_json(f, arr + i * size)) != 0) {
            json_decref(list);
            list = NULL;
        }
    }
    return list;
}

static json_t *
s_to_json(const ProtobufCMessage *msg)
{
    const ProtobufCMessageDescriptor *md = msg->descriptor;
    json_t *o = json_object();
    for (unsigned i = 0; o != NULL && i < md->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &md->fields[i];
        if (json_object_set_new(o, f->name, s_field_json(msg, f)) != 0) {
            json_decref(o);
            o = NULL;
        }
    }
    return o;
}

json_t *
ctl_json_from_pb(const ProtobufCMessage *msg)
{
    return s_to_json(msg);
}
