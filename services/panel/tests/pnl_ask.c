/* pnl_ask.c - the panel API from the command line, for the panel's
 * integration test (cmn_api_request, as mlpsctl does):
 *   pnl_ask ENDPOINT SERVER show TRACKING
 *   pnl_ask ENDPOINT SERVER opinion TRACKING EXPERT confirm|adjust|none
 *           LEVEL REASONS
 * SERVER is the panel's registry identity (e.g. panel@110100); the caller
 * is the key of TST_KEY, with TST_REGISTRY (tst/client.h). Prints the
 * reply as key=value lines (ok, detail, code, message, error, state,
 * session, experts). Exit 0 when a reply came back, whatever it says; 2 on
 * a usage or transport error. */
#include "cmn/api.h"
#include "mlps/v1/api.pb-c.h"
#include "tst/client.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_TIMEOUT_MS 10000

static tst_client_t s_keys;

static int
s_call(const char *endpoint, const ProtobufCMessage *req,
       const ProtobufCMessageDescriptor *desc, ProtobufCMessage **reply)
{
    char err[256];
    cmn_api_target_t t = {endpoint, s_keys.keys, NULL, S_TIMEOUT_MS};
    if (cmn_api_request(&t, req->descriptor->name, req, desc, reply, err,
                        sizeof err) == 0)
        return 0;
    fprintf(stderr, "pnl_ask: %s\n", err);
    return -1;
}

static void
s_problem(const Mlps__V1__Problem *p)
{
    if (p == NULL)
        return;
    printf("code=%s\nmessage=%s\n", p->code, p->message);
    for (size_t i = 0; i < p->n_errors; i++)
        printf("error=%s: %s\n", p->errors[i]->field, p->errors[i]->reason);
}

static int
s_show(const char *endpoint, const char *tracking)
{
    Mlps__V1__PanelShowRequest req = MLPS__V1__PANEL_SHOW_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    req.tracking_id = (char *) tracking;
    if (s_call(endpoint, &req.base, &mlps__v1__panel_show_reply__descriptor,
               &reply) != 0)
        return 2;
    const Mlps__V1__PanelShowReply *r =
        (const Mlps__V1__PanelShowReply *) reply;
    if (r->problem != NULL) {
        s_problem(r->problem);
    } else {
        printf("state=%s\nsession=%s\nexperts=", r->state, r->session_date);
        for (size_t i = 0; i < r->n_experts; i++)
            printf("%s%s", i ? "," : "", r->experts[i]);
        printf("\ndetail=%s\n", r->detail);
    }
    protobuf_c_message_free_unpacked(reply, NULL);
    return 0;
}

static int
s_opinion(const char *endpoint, char **argv)
{
    Mlps__V1__OpinionRequest req = MLPS__V1__OPINION_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    req.tracking_id = argv[0];
    req.expert_id = argv[1];
    if (strcmp(argv[2], "confirm") == 0)
        req.verdict = MLPS__V1__PANEL_VERDICT__CONFIRM;
    else if (strcmp(argv[2], "adjust") == 0)
        req.verdict = MLPS__V1__PANEL_VERDICT__ADJUST;
    req.level = (uint32_t) strtoul(argv[3], NULL, 10);
    req.reasons = argv[4];
    if (s_call(endpoint, &req.base, &mlps__v1__action_reply__descriptor,
               &reply) != 0)
        return 2;
    const Mlps__V1__ActionReply *r = (const Mlps__V1__ActionReply *) reply;
    printf("ok=%s\ndetail=%s\n", r->ok ? "true" : "false", r->detail);
    s_problem(r->problem);
    protobuf_c_message_free_unpacked(reply, NULL);
    return 0;
}

int
main(int argc, char **argv)
{
    char why[512];
    bool show = argc == 5 && strcmp(argv[3], "show") == 0;
    bool opinion = argc == 9 && strcmp(argv[3], "opinion") == 0;
    if (!show && !opinion) {
        fprintf(stderr, "usage: pnl_ask ENDPOINT SERVER show TRACKING\n"
                        "       pnl_ask ENDPOINT SERVER opinion TRACKING "
                        "EXPERT confirm|adjust|none LEVEL REASONS\n");
        return 2;
    }
    if (tst_client_keys(&s_keys, argv[2], why, sizeof why) != 0) {
        fprintf(stderr, "pnl_ask: %s\n", why);
        return 2;
    }
    return show ? s_show(argv[1], argv[4]) : s_opinion(argv[1], argv + 4);
}
