/* probe.c - tst_probe: sends one message of any mlps.v1 type, built from
 * JSON, to an inbox or an API endpoint, with any key and any claimed
 * source, and prints what came back. It stands in for a peer in handler
 * tests, and plays the forger in hostile ones.
 *
 *   tst_probe [OPTION...] inbox|api ENDPOINT TYPE JSON|@FILE
 *   tst_probe [OPTION...] plain ENDPOINT
 *
 * Options: --key=FILE (this client's CURVE secret key), --server=IDENTITY
 * with --registry=FILE (the server's key; without them the socket is
 * plain), --source=NAME, --office=CODE, --corr=ID (default the payload's
 * tracking_id, else "probe"), --version=N (case version), --message-id=UUID
 * (default a new one: the same id twice is one message sent again),
 * --acting-for=ID, --timeout-ms=N (default 3000).
 *
 * Prints one line: for an inbox `ack: STATUS reason=...` (APPLIED,
 * DUPLICATE, REJECTED, RETRY) or `ack: none` when nothing answered; for
 * an API `reply: TYPE` then `problem: CODE: MESSAGE` when the reply
 * carries one, and each top-level text field as `FIELD: VALUE`; for
 * `plain`, `plain: answered` or `plain: no answer` (a CURVE server never
 * answers a plain client). Exit 0 when something answered, 1 when nothing
 * did, 2 on bad usage. */
#include "cmn/api.h"
#include "cmn/curve.h"
#include "cmn/envelope.h"
#include "cmn/ident.h"
#include "cmn/pb.h"
#include "cmn/problem.h"
#include "ctl/json.h"
#include "mlps/v1/api.pb-c.h"
#include "mlps/v1/cert.pb-c.h"
#include "mlps/v1/evaluation.pb-c.h"
#include "mlps/v1/workflow.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

static const ProtobufCMessageDescriptor *const s_types[] = {
    &mlps__v1__submit_filing_request__descriptor,
    &mlps__v1__supplement_request__descriptor,
    &mlps__v1__insist_request__descriptor,
    &mlps__v1__status_request__descriptor,
    &mlps__v1__letter_request__descriptor,
    &mlps__v1__review_queue_request__descriptor,
    &mlps__v1__review_decide_request__descriptor,
    &mlps__v1__opinion_request__descriptor,
    &mlps__v1__panel_show_request__descriptor,
    &mlps__v1__audit_verify_request__descriptor,
    &mlps__v1__audit_events_request__descriptor,
    &mlps__v1__filing_received__descriptor,
    &mlps__v1__materials_supplemented__descriptor,
    &mlps__v1__unit_insists__descriptor,
    &mlps__v1__panel_referral__descriptor,
    &mlps__v1__panel_decision__descriptor,
    &mlps__v1__panel_escalation__descriptor,
    &mlps__v1__panel_withdrawal__descriptor,
    &mlps__v1__audit_event__descriptor,
    &mlps__v1__filing_batch__descriptor,
    &mlps__v1__batch_receipt__descriptor,
    &mlps__v1__case_decided__descriptor,
    &mlps__v1__case_update__descriptor,
    &mlps__v1__filing_revised__descriptor,
    &mlps__v1__monthly_aggregate__descriptor,
    &mlps__v1__import_request__descriptor,
    &mlps__v1__aggregate_send_request__descriptor,
    &mlps__v1__report_month_request__descriptor,
    &mlps__v1__duplicates_request__descriptor,
    &mlps__v1__duplicate_decide_request__descriptor,
    &mlps__v1__case_accepted__descriptor,
    &mlps__v1__evaluation_concluded__descriptor,
    &mlps__v1__institution_put_request__descriptor,
    &mlps__v1__institution_show_request__descriptor,
    &mlps__v1__institution_list_request__descriptor,
    &mlps__v1__institution_suspend_request__descriptor,
    &mlps__v1__evaluation_choose_request__descriptor,
    &mlps__v1__evaluation_assign_request__descriptor,
    &mlps__v1__evaluation_report_request__descriptor,
    &mlps__v1__evaluation_status_request__descriptor,
    &mlps__v1__evaluation_due_request__descriptor,
    &mlps__v1__evaluation_queue_request__descriptor,
    &mlps__v1__rectification_plan_request__descriptor,
    &mlps__v1__rectification_review_request__descriptor,
    &mlps__v1__rectification_complete_request__descriptor,
    &mlps__v1__inspection_plan_request__descriptor,
    &mlps__v1__inspection_record_request__descriptor,
    &mlps__v1__cert_status_request__descriptor,
    &mlps__v1__cert_pdf_request__descriptor,
    &mlps__v1__cert_revoke_request__descriptor,
    &mlps__v1__cert_reissue_request__descriptor,
    &mlps__v1__cert_revocations_request__descriptor,
};

static const ProtobufCMessageDescriptor *const s_replies[] = {
    &mlps__v1__problem__descriptor,
    &mlps__v1__submit_filing_reply__descriptor,
    &mlps__v1__action_reply__descriptor,
    &mlps__v1__status_reply__descriptor,
    &mlps__v1__letter_reply__descriptor,
    &mlps__v1__review_queue_reply__descriptor,
    &mlps__v1__panel_show_reply__descriptor,
    &mlps__v1__audit_verify_reply__descriptor,
    &mlps__v1__audit_events_reply__descriptor,
    &mlps__v1__import_reply__descriptor,
    &mlps__v1__report_month_reply__descriptor,
    &mlps__v1__duplicates_reply__descriptor,
    &mlps__v1__institution_put_reply__descriptor,
    &mlps__v1__institution_show_reply__descriptor,
    &mlps__v1__institution_list_reply__descriptor,
    &mlps__v1__evaluation_status_reply__descriptor,
    &mlps__v1__evaluation_list_reply__descriptor,
    &mlps__v1__inspection_plan_reply__descriptor,
    &mlps__v1__cert_status_reply__descriptor,
    &mlps__v1__cert_pdf_reply__descriptor,
    &mlps__v1__cert_revoke_reply__descriptor,
    &mlps__v1__cert_reissue_reply__descriptor,
    &mlps__v1__cert_revocations_reply__descriptor,
};

static const ProtobufCMessageDescriptor *
s_reply_type(const char *name)
{
    for (size_t i = 0; i < sizeof s_replies / sizeof s_replies[0]; i++)
        if (strcmp(s_replies[i]->name, name) == 0)
            return s_replies[i];
    return NULL;
}

typedef struct {
    const char *key, *registry, *server, *source, *office, *corr, *acting;
    const char *mid; /* the message id; NULL: a new one */
    unsigned long long version;
    int timeout_ms;
} s_opts_t;

static const ProtobufCMessageDescriptor *
s_type(const char *name)
{
    for (size_t i = 0; i < sizeof s_types / sizeof s_types[0]; i++)
        if (strcmp(s_types[i]->name, name) == 0)
            return s_types[i];
    return NULL;
}

static int
s_usage(void)
{
    fprintf(stderr, "usage: tst_probe [--key=FILE --registry=FILE "
                    "--server=IDENTITY] [--source=S] [--office=O] [--corr=ID] "
                    "[--version=N] [--message-id=UUID] [--acting-for=ID] "
                    "[--timeout-ms=N] "
                    "inbox|api ENDPOINT TYPE JSON|@FILE\n"
                    "       tst_probe plain ENDPOINT\n");
    return 2;
}

/* The payload: JSON text, or @FILE. Caller frees. */
static ProtobufCMessage *
s_payload(const ProtobufCMessageDescriptor *md, const char *arg)
{
    cmn_problem_t errs;
    json_t *json = NULL;
    ProtobufCMessage *msg = NULL;
    cmn_problem_init(&errs);
    int rc = arg[0] == '@'
                 ? ctl_json_load_file(arg + 1, &json, &errs)
                 : ctl_json_parse(arg, strlen(arg), "JSON", &json, &errs);
    if (rc == 0)
        rc = ctl_pb_from_json(md, json, &msg, &errs);
    for (size_t i = 0; rc != 0 && i < errs.count; i++)
        fprintf(stderr, "tst_probe: %s: %s\n", errs.items[i].field,
                errs.items[i].reason);
    json_decref(json);
    return msg;
}

/* Makes zs a CURVE client when the options name a key and a server. */
static int
s_curve(void *zs, const s_opts_t *o)
{
    char sec[41], pub[41], srv[41], why[300];
    if (o->key == NULL)
        return 0;
    if (o->registry == NULL || o->server == NULL) {
        fprintf(stderr, "tst_probe: --key needs --registry and --server\n");
        return -1;
    }
    cmn_registry_t *reg = cmn_registry_load(o->registry, why, sizeof why);
    const cmn_ident_t *id = reg ? cmn_registry_find(reg, o->server) : NULL;
    int ok = id != NULL && cmn_ident_key_text(id, srv) == 0;
    cmn_registry_destroy(&reg);
    if (!ok || cmn_curve_load(o->key, sec, pub, why, sizeof why) != 0 ||
        cmn_curve_client(zs, sec, pub, srv) != 0) {
        fprintf(stderr, "tst_probe: no keys for \"%s\": %s\n", o->server,
                ok ? why : "not in the registry");
        return -1;
    }
    return 0;
}

/* The envelope's correlation id: --corr, else the payload's tracking_id. */
static const char *
s_corr(const s_opts_t *o, const ProtobufCMessage *msg)
{
    if (o->corr != NULL)
        return o->corr;
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(msg->descriptor,
                                                        "tracking_id");
    if (f != NULL && f->type == PROTOBUF_C_TYPE_STRING) {
        const char *v = *(const char *const *) ((const char *) msg + f->offset);
        if (v != NULL && v[0] != '\0')
            return v;
    }
    return "probe";
}

static int
s_frame(const s_opts_t *o, const ProtobufCMessage *msg, uint8_t **frame,
        size_t *len)
{
    uint8_t *payload = NULL;
    size_t plen = 0;
    char mid[37];
    if (o->mid != NULL)
        snprintf(mid, sizeof mid, "%s", o->mid);
    else
        cmn_uuid4(mid);
    int rc = cmn_pb_pack(msg, &payload, &plen);
    cmn_env_out_t e = {.message_id = mid,
                       .type = msg->descriptor->name,
                       .source = o->source ? o->source : "probe",
                       .source_office = o->office ? o->office : "",
                       .correlation_id = s_corr(o, msg),
                       .case_version = o->version,
                       .created_at_us = cmn_now_us(),
                       .payload = payload,
                       .payload_len = plen,
                       .acting_for = o->acting};
    if (rc == 0)
        rc = cmn_env_encode(&e, frame, len);
    free(payload);
    return rc;
}

/* Prints an Ack's first item. */
static void
s_print_ack(const zmq_msg_t *m)
{
    Mlps__V1__Ack *ack = mlps__v1__ack__unpack(
        NULL, zmq_msg_size((zmq_msg_t *) m), zmq_msg_data((zmq_msg_t *) m));
    if (ack == NULL || ack->n_items == 0) {
        printf("ack: malformed\n");
    } else {
        const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(
            &mlps__v1__ack__status__descriptor, (int) ack->items[0]->status);
        printf("ack: %s reason=%s\n", v ? v->name : "?", ack->items[0]->reason);
    }
    mlps__v1__ack__free_unpacked(ack, NULL);
}

/* Prints a reply: its type, its Problem, its top-level text fields. */
static void
s_print_reply(const zmq_msg_t *m)
{
    Mlps__V1__Envelope *e = mlps__v1__envelope__unpack(
        NULL, zmq_msg_size((zmq_msg_t *) m), zmq_msg_data((zmq_msg_t *) m));
    if (e == NULL) {
        printf("reply: malformed\n");
        return;
    }
    printf("reply: %s\n", e->type);
    const ProtobufCMessageDescriptor *md = s_reply_type(e->type);
    ProtobufCMessage *r = md ? protobuf_c_message_unpack(
                                   md, NULL, e->payload.len, e->payload.data)
                             : NULL;
    for (unsigned i = 0; r != NULL && i < md->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &md->fields[i];
        const char *at = (const char *) r + f->offset;
        if (f->label == PROTOBUF_C_LABEL_REPEATED)
            continue;
        if (f->type == PROTOBUF_C_TYPE_STRING && **(char *const *) at)
            printf("%s: %s\n", f->name, *(char *const *) at);
        else if (f->type == PROTOBUF_C_TYPE_MESSAGE &&
                 strcmp(f->name, "problem") == 0 && *(void *const *) at) {
            const Mlps__V1__Problem *p = *(Mlps__V1__Problem *const *) at;
            printf("problem: %s: %s\n", p->code, p->message);
        }
    }
    if (md == &mlps__v1__problem__descriptor && r != NULL)
        printf("problem: %s: %s\n", ((Mlps__V1__Problem *) r)->code,
               ((Mlps__V1__Problem *) r)->message);
    protobuf_c_message_free_unpacked(r, NULL);
    mlps__v1__envelope__free_unpacked(e, NULL);
}

static int
s_send(const s_opts_t *o, bool inbox, const char *ep, const uint8_t *frame,
       size_t len)
{
    void *ctx = zmq_ctx_new();
    void *zs = zmq_socket(ctx, inbox ? ZMQ_DEALER : ZMQ_REQ);
    int zero = 0, rc = 1;
    zmq_msg_t m;
    (void) zmq_msg_init(&m); /* always 0 (zmq_msg_init(3)) */
    if (zs == NULL || zmq_setsockopt(zs, ZMQ_LINGER, &zero, sizeof zero) != 0 ||
        zmq_setsockopt(zs, ZMQ_RCVTIMEO, &o->timeout_ms,
                       sizeof o->timeout_ms) != 0 ||
        zmq_setsockopt(zs, ZMQ_SNDTIMEO, &o->timeout_ms,
                       sizeof o->timeout_ms) != 0 ||
        s_curve(zs, o) != 0 || zmq_connect(zs, ep) != 0) {
        rc = 2;
    } else if (zmq_send(zs, frame, len, 0) < 0 || zmq_msg_recv(&m, zs, 0) < 0) {
        printf("%s: none\n", inbox ? "ack" : "reply");
    } else {
        if (inbox)
            s_print_ack(&m);
        else
            s_print_reply(&m);
        rc = 0;
    }
    zmq_msg_close(&m);
    zmq_close(zs);
    zmq_ctx_term(ctx);
    return rc;
}

/* A well-formed request over a plain socket: a CURVE server answers
 * nothing. */
static int
s_plain(s_opts_t *o, const char *ep)
{
    Mlps__V1__StatusRequest req = MLPS__V1__STATUS_REQUEST__INIT;
    uint8_t *frame = NULL;
    size_t len = 0;
    req.tracking_id = "PROBE";
    o->key = NULL;
    if (s_frame(o, &req.base, &frame, &len) != 0)
        return 2;
    void *ctx = zmq_ctx_new(), *zs = zmq_socket(ctx, ZMQ_REQ);
    int zero = 0, rc = 1;
    zmq_msg_t m;
    (void) zmq_msg_init(&m); /* always 0 (zmq_msg_init(3)) */
    if (zs != NULL && zmq_setsockopt(zs, ZMQ_LINGER, &zero, sizeof zero) == 0 &&
        zmq_setsockopt(zs, ZMQ_RCVTIMEO, &o->timeout_ms,
                       sizeof o->timeout_ms) == 0 &&
        zmq_connect(zs, ep) == 0 && zmq_send(zs, frame, len, 0) >= 0 &&
        zmq_msg_recv(&m, zs, 0) >= 0) {
        printf("plain: answered\n");
        rc = 0;
    } else {
        printf("plain: no answer\n");
    }
    zmq_msg_close(&m);
    zmq_close(zs);
    zmq_ctx_term(ctx);
    free(frame);
    return rc;
}

/* The value of --name=VALUE in arg, or NULL. */
static const char *
s_opt(const char *arg, const char *name)
{
    size_t n = strlen(name);
    return strncmp(arg, "--", 2) == 0 && strncmp(arg + 2, name, n) == 0 &&
                   arg[2 + n] == '='
               ? arg + 3 + n
               : NULL;
}

static int
s_options(int argc, char **argv, s_opts_t *o)
{
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        const char *a = argv[i], *v;
        if ((v = s_opt(a, "key")))
            o->key = v;
        else if ((v = s_opt(a, "registry")))
            o->registry = v;
        else if ((v = s_opt(a, "server")))
            o->server = v;
        else if ((v = s_opt(a, "source")))
            o->source = v;
        else if ((v = s_opt(a, "office")))
            o->office = v;
        else if ((v = s_opt(a, "corr")))
            o->corr = v;
        else if ((v = s_opt(a, "acting-for")))
            o->acting = v;
        else if ((v = s_opt(a, "version")))
            o->version = strtoull(v, NULL, 10);
        else if ((v = s_opt(a, "message-id")))
            o->mid = v;
        else if ((v = s_opt(a, "timeout-ms")))
            o->timeout_ms = atoi(v);
        else
            return -1;
    }
    return i;
}

int
main(int argc, char **argv)
{
    s_opts_t o = {.timeout_ms = 3000};
    int i = s_options(argc, argv, &o);
    if (i < 0 || argc - i < 2)
        return s_usage();
    if (strcmp(argv[i], "plain") == 0 && argc - i == 2)
        return s_plain(&o, argv[i + 1]);
    bool inbox = strcmp(argv[i], "inbox") == 0;
    if ((!inbox && strcmp(argv[i], "api") != 0) || argc - i != 4)
        return s_usage();
    const ProtobufCMessageDescriptor *md = s_type(argv[i + 2]);
    if (md == NULL) {
        fprintf(stderr, "tst_probe: no type \"%s\"\n", argv[i + 2]);
        return 2;
    }
    ProtobufCMessage *msg = s_payload(md, argv[i + 3]);
    uint8_t *frame = NULL;
    size_t len = 0;
    int rc = msg != NULL && s_frame(&o, msg, &frame, &len) == 0
                 ? s_send(&o, inbox, argv[i + 1], frame, len)
                 : 2;
    free(frame);
    protobuf_c_message_free_unpacked(msg, NULL);
    return rc;
}
