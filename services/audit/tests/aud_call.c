/* aud_call.c - a test client of the audit service's API (cmn_api_request).
 *
 *   aud_call verify ENDPOINT SERVER       prints "api verify: ok records=N"
 *                                         (exit 0) or "api verify: FAILED
 *                                         at seq=S: REASON" (exit 1)
 *   aud_call events ENDPOINT SERVER CASE  prints "events n=K", then one
 *                                         line per event in chain order:
 *                                         "ACTION OUTCOME" (exit 0), or the
 *                                         Problem (exit 1)
 *
 * SERVER is the audit service's registry identity (e.g. audit@110100); the
 * client's keys come from TST_REGISTRY and TST_KEY (tst/client.h). Exit 2:
 * the call itself failed (no answer, bad arguments, a refusal). */
#include "cmn/api.h"
#include "mlps/v1/api.pb-c.h"
#include "tst/client.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define S_TIMEOUT_MS 30000

static tst_client_t s_keys;

static int
s_call(const char *endpoint, const ProtobufCMessage *req,
       const ProtobufCMessageDescriptor *desc, ProtobufCMessage **reply)
{
    char err[512];
    cmn_api_target_t t = {endpoint, s_keys.keys, NULL, S_TIMEOUT_MS};
    int rc = cmn_api_request(&t, req->descriptor->name, req, desc, reply, err,
                             sizeof err);
    if (rc != 0)
        fprintf(stderr, "aud_call: %s\n", err);
    return rc;
}

static int
s_verify(const char *endpoint)
{
    Mlps__V1__AuditVerifyRequest req = MLPS__V1__AUDIT_VERIFY_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    if (s_call(endpoint, &req.base, &mlps__v1__audit_verify_reply__descriptor,
               &reply) != 0)
        return 2;
    const Mlps__V1__AuditVerifyReply *v =
        (const Mlps__V1__AuditVerifyReply *) reply;
    int code = v->ok ? 0 : 1;
    if (v->ok)
        printf("api verify: ok records=%llu\n",
               (unsigned long long) v->records);
    else
        printf("api verify: FAILED at seq=%llu: %s (records=%llu)\n",
               (unsigned long long) v->first_bad_seq, v->reason,
               (unsigned long long) v->records);
    protobuf_c_message_free_unpacked(reply, NULL);
    return code;
}

static int
s_events(const char *endpoint, const char *case_id)
{
    Mlps__V1__AuditEventsRequest req = MLPS__V1__AUDIT_EVENTS_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    req.case_id = (char *) case_id;
    if (s_call(endpoint, &req.base, &mlps__v1__audit_events_reply__descriptor,
               &reply) != 0)
        return 2;
    const Mlps__V1__AuditEventsReply *e =
        (const Mlps__V1__AuditEventsReply *) reply;
    int code = 0;
    if (e->problem != NULL) {
        printf("problem %s: %s\n", e->problem->code, e->problem->message);
        for (size_t i = 0; i < e->problem->n_errors; i++)
            printf("field %s: %s\n", e->problem->errors[i]->field,
                   e->problem->errors[i]->reason);
        code = 1;
    }
    printf("events n=%zu\n", e->n_events);
    for (size_t i = 0; i < e->n_events; i++)
        printf("%s %s\n", e->events[i]->action, e->events[i]->outcome);
    protobuf_c_message_free_unpacked(reply, NULL);
    return code;
}

int
main(int argc, char **argv)
{
    char why[512];
    bool verify = argc == 4 && strcmp(argv[1], "verify") == 0;
    bool events = argc == 5 && strcmp(argv[1], "events") == 0;
    if (!verify && !events) {
        fprintf(stderr, "usage: aud_call verify ENDPOINT SERVER\n"
                        "       aud_call events ENDPOINT SERVER CASE_ID\n");
        return 2;
    }
    if (tst_client_keys(&s_keys, argv[3], why, sizeof why) != 0) {
        fprintf(stderr, "aud_call: %s\n", why);
        return 2;
    }
    return verify ? s_verify(argv[2]) : s_events(argv[2], argv[4]);
}
