/* json.h - the JSON filing format (docs/filing-format.md) to protobuf.
 *
 * A filing in JSON mirrors mlps.v1.Filing: the keys of each object are the
 * proto field names, an enumeration is its value name in lower case
 * ("social_order", "especially_serious"), and null stands for a key not
 * given. The conversion checks shape only: unknown keys, wrong JSON types,
 * enumeration names, integers out of range. Whether a field is present,
 * well formed and consistent (credit code, levels against the grading
 * matrix, materials for the level) is the intake service's judgement.
 * Every error found is recorded, each naming its JSON path, and no
 * half-converted message is ever handed out.
 *
 * The messages returned are built with malloc() in the layout protobuf-c's
 * unpack produces, so protobuf_c_message_free_unpacked(msg, NULL) frees
 * them; ctl_filing_free() and ctl_supplement_free() do just that.
 *
 * int returns: 0; CMN_EINVAL when errors were recorded in errs; CMN_EIO
 * when a file could not be read (recorded too); CMN_ENOMEM. */
#ifndef CTL_JSON_H
#define CTL_JSON_H
#include "cmn/err.h"
#include "cmn/problem.h"
#include "mlps/v1/api.pb-c.h"
#include "mlps/v1/filing.pb-c.h"

#include <jansson.h>

/* Reads a JSON document from path; duplicate keys are refused. Caller owns
 * *out (json_decref). A syntax error is recorded with the field
 * "PATH:LINE:COLUMN" and jansson's reason. */
int ctl_json_load_file(const char *path, json_t **out,
                       cmn_problem_t *errs) CMN_MUST_CHECK;

/* The same from memory; name stands for the file in errors. */
int ctl_json_parse(const char *text, size_t len, const char *name, json_t **out,
                   cmn_problem_t *errs) CMN_MUST_CHECK;

/* Converts json into a new message of any type md, by the same rules.
 * On 0 the caller owns *out (protobuf_c_message_free_unpacked(*out,
 * NULL)); otherwise *out is NULL. */
int ctl_pb_from_json(const ProtobufCMessageDescriptor *md, json_t *json,
                     ProtobufCMessage **out,
                     cmn_problem_t *errs) CMN_MUST_CHECK;

/* Converts a filing. Borrows json. On 0 the caller owns *out and must free
 * it with ctl_filing_free(); otherwise *out is NULL. */
int ctl_filing_from_json(json_t *json, Mlps__V1__Filing **out,
                         cmn_problem_t *errs) CMN_MUST_CHECK;

/* Frees *filing_p and sets it to NULL. Safe on NULL. */
void ctl_filing_free(Mlps__V1__Filing **filing_p);

/* Converts a supplement file, {"materials": [...]}, into a request for
 * tracking_id (copied). Borrows json. On 0 the caller owns *out and must
 * free it with ctl_supplement_free(); otherwise *out is NULL. */
int ctl_supplement_from_json(json_t *json, const char *tracking_id,
                             Mlps__V1__SupplementRequest **out,
                             cmn_problem_t *errs) CMN_MUST_CHECK;

/* Frees *req_p and sets it to NULL. Safe on NULL. */
void ctl_supplement_free(Mlps__V1__SupplementRequest **req_p);

/* The other way, for printing a reply: msg as a JSON object in the same
 * format, every field given (a message not set is null, a repeated field
 * an array, an enumeration its lower-case name, a 64-bit unsigned value
 * past the JSON integers a string). Borrows msg. Caller owns the result
 * (json_decref); NULL when out of memory. */
json_t *ctl_json_from_pb(const ProtobufCMessage *msg);

#endif /* CTL_JSON_H */
