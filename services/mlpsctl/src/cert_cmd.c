/* cert_cmd.c - mlpsctl cert ...: a certificate's status, its PDF, offline
 * verification, revoke, reissue and the revocation list (cert_cmd.h). */
#include "ctl/cert_cmd.h"
#include "cmn/file.h"
#include "ctl/cli.h"
#include "dom/cert/payload.h"
#include "dom/cert/revlist.h"
#include "dom/cert/sig.h"
#include "mlps/v1/cert.pb-c.h"

#include <stdlib.h>
#include <string.h>

#define S_FILE_MAX (64u << 20) /* a PDF or payload file read for verify */
#define S_FLAGS    4

/* A command's arguments: the positional ones and the flags it knows. */
typedef struct {
    const char *pos[4];
    int npos;
    const char *names[S_FLAGS]; /* e.g. "keys", "o" */
    const char *values[S_FLAGS];
} s_args_t;

static const struct {
    const char *name, *args;
} s_usage_lines[] = {
    {"status", "NUMBER | --case=TRACKING_ID"},
    {"pdf", "NUMBER -o FILE.pdf"},
    {"verify", "FILE.pdf|PAYLOAD --keys ISSUER_KEYS [--revocations LIST] "
               "[--sm2-id=ID]"},
    {"revoke", "NUMBER REASON [--note=TEXT]"},
    {"reissue", "NUMBER [--level=N] [--note=TEXT]"},
    {"revocations", "-o FILE"},
};

void
ctl_cert_usage(FILE *out)
{
    for (size_t i = 0; i < sizeof s_usage_lines / sizeof s_usage_lines[0]; i++)
        fprintf(out, "  cert %s %s\n", s_usage_lines[i].name,
                s_usage_lines[i].args);
}

static int
s_usage(const ctl_cert_t *c, const char *name)
{
    for (size_t i = 0; i < sizeof s_usage_lines / sizeof s_usage_lines[0]; i++)
        if (name != NULL && strcmp(name, s_usage_lines[i].name) == 0) {
            fprintf(c->err, "usage: mlpsctl [OPTION...] cert %s %s\n", name,
                    s_usage_lines[i].args);
            return CTL_EXIT_USAGE;
        }
    fprintf(c->err, "usage: mlpsctl [OPTION...] cert COMMAND ARG...\n");
    ctl_cert_usage(c->err);
    return CTL_EXIT_USAGE;
}

/* The flag named by arg ("-o", "--keys", "--keys=V"): its index in a's
 * names, and its value joined to it (or NULL). -1 when it is none. */
static int
s_flag(const s_args_t *a, const char *arg, const char **joined)
{
    const char *n = strncmp(arg, "--", 2) == 0 ? arg + 2
                    : arg[0] == '-'            ? arg + 1
                                               : NULL;
    *joined = NULL;
    for (int i = 0; n != NULL && i < S_FLAGS && a->names[i]; i++) {
        size_t len = strlen(a->names[i]);
        if (strncmp(n, a->names[i], len) != 0)
            continue;
        if (n[len] == '=') {
            *joined = n + len + 1;
            return i;
        }
        if (n[len] == '\0')
            return i;
    }
    return -1;
}

/* Splits argv[1..] (after the command's word) into a; npos must be in
 * [min, max]. An exit code (usage said). */
static int
s_parse(const ctl_cert_t *c, s_args_t *a, int min, int max)
{
    for (int i = 1; i < c->argc; i++) {
        const char *arg = c->argv[i], *v = NULL;
        int f = s_flag(a, arg, &v);
        if (f >= 0 && v == NULL && i + 1 < c->argc)
            v = c->argv[++i];
        if (f >= 0 && v != NULL) {
            a->values[f] = v;
        } else if (f < 0 && arg[0] != '-' && a->npos < 4) {
            a->pos[a->npos++] = arg;
        } else {
            fprintf(c->err, "mlpsctl: cert %s: unexpected \"%s\"\n", c->argv[0],
                    arg);
            return s_usage(c, c->argv[0]);
        }
    }
    if (a->npos < min || a->npos > max)
        return s_usage(c, c->argv[0]);
    return CTL_EXIT_OK;
}

/* "key: value" with control characters as spaces; nothing when empty. */
static void
s_line(FILE *out, const char *key, const char *value)
{
    if (value == NULL || value[0] == '\0')
        return;
    fprintf(out, "%s: ", key);
    for (const unsigned char *p = (const unsigned char *) value; *p; p++)
        fputc(*p < 0x20 || *p == 0x7f ? ' ' : *p, out);
    fputc('\n', out);
}

/* Writes data to path (replaced, mode 0644); an exit code. */
static int
s_write(const ctl_cert_t *c, const char *path, const void *data, size_t len)
{
    char why[300];
    if (cmn_file_write_atomic(path, data, len, 0644, why, sizeof why) == 0)
        return CTL_EXIT_OK;
    fprintf(c->err, "mlpsctl: %s\n", why);
    return CTL_EXIT_USAGE;
}

/* --- status ------------------------------------------------------------- */

static void
s_print_status(FILE *out, const Mlps__V1__CertStatusReply *r)
{
    char level[12] = "";
    if (r->level != 0)
        snprintf(level, sizeof level, "%u", r->level);
    s_line(out, "number", r->number);
    s_line(out, "tracking_id", r->tracking_id);
    s_line(out, "state", r->state);
    s_line(out, "level", level);
    s_line(out, "unit_name", r->unit_name);
    s_line(out, "unit_credit_code", r->unit_credit_code);
    s_line(out, "system_name", r->system_name);
    s_line(out, "organ", r->organ);
    s_line(out, "issued_on", r->issued_on);
    s_line(out, "key_id", r->key_id);
    s_line(out, "alg", r->alg);
    s_line(out, "revoked_on", r->revoked_on);
    s_line(out, "revoked_reason", r->revoked_reason);
    s_line(out, "superseded_by", r->superseded_by);
    s_line(out, "note", r->note);
    s_line(out, "payload", r->payload);
}

static int
s_status(const ctl_cert_t *c)
{
    s_args_t a = {.names = {"case"}};
    Mlps__V1__CertStatusRequest req = MLPS__V1__CERT_STATUS_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    int rc = s_parse(c, &a, 0, 1);
    if (rc != CTL_EXIT_OK)
        return rc;
    if ((a.npos == 1) == (a.values[0] != NULL))
        return s_usage(c, "status");
    req.number = (char *) (a.npos ? a.pos[0] : "");
    req.tracking_id = (char *) (a.values[0] ? a.values[0] : "");
    req.unit_secret = (char *) c->unit_secret;
    rc = c->call(c->arg, &req.base, &mlps__v1__cert_status_reply__descriptor,
                 &reply);
    if (rc == CTL_EXIT_OK)
        s_print_status(c->out, (const Mlps__V1__CertStatusReply *) reply);
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

/* --- pdf, revocations ----------------------------------------------------- */

static int
s_pdf(const ctl_cert_t *c)
{
    s_args_t a = {.names = {"o", "out"}};
    Mlps__V1__CertPdfRequest req = MLPS__V1__CERT_PDF_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    int rc = s_parse(c, &a, 1, 1);
    const char *path = a.values[0] ? a.values[0] : a.values[1];
    if (rc != CTL_EXIT_OK)
        return rc;
    if (path == NULL)
        return s_usage(c, "pdf");
    req.number = (char *) a.pos[0];
    req.unit_secret = (char *) c->unit_secret;
    rc = c->call(c->arg, &req.base, &mlps__v1__cert_pdf_reply__descriptor,
                 &reply);
    const Mlps__V1__CertPdfReply *r = (const Mlps__V1__CertPdfReply *) reply;
    if (rc == CTL_EXIT_OK)
        rc = s_write(c, path, r->pdf.data, r->pdf.len);
    if (rc == CTL_EXIT_OK)
        fprintf(c->out, "cert pdf: %s -> %s (%zu bytes)\n", r->number, path,
                r->pdf.len);
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

static int
s_revocations(const ctl_cert_t *c)
{
    s_args_t a = {.names = {"o", "out"}};
    Mlps__V1__CertRevocationsRequest req =
        MLPS__V1__CERT_REVOCATIONS_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    int rc = s_parse(c, &a, 0, 0);
    const char *path = a.values[0] ? a.values[0] : a.values[1];
    if (rc != CTL_EXIT_OK)
        return rc;
    if (path == NULL)
        return s_usage(c, "revocations");
    rc = c->call(c->arg, &req.base,
                 &mlps__v1__cert_revocations_reply__descriptor, &reply);
    const Mlps__V1__CertRevocationsReply *r =
        (const Mlps__V1__CertRevocationsReply *) reply;
    if (rc == CTL_EXIT_OK)
        rc = s_write(c, path, r->text, strlen(r->text));
    if (rc == CTL_EXIT_OK)
        fprintf(c->out, "cert revocations: as_of=%s entries=%u -> %s\n",
                r->as_of, r->entries, path);
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

/* --- revoke, reissue ------------------------------------------------------ */

static int
s_revoke(const ctl_cert_t *c)
{
    s_args_t a = {.names = {"note"}};
    Mlps__V1__CertRevokeRequest req = MLPS__V1__CERT_REVOKE_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    int rc = s_parse(c, &a, 2, 2);
    if (rc != CTL_EXIT_OK)
        return rc;
    req.number = (char *) a.pos[0];
    req.reason = (char *) a.pos[1];
    req.note = (char *) (a.values[0] ? a.values[0] : "");
    rc = c->call(c->arg, &req.base, &mlps__v1__cert_revoke_reply__descriptor,
                 &reply);
    const Mlps__V1__CertRevokeReply *r =
        (const Mlps__V1__CertRevokeReply *) reply;
    if (rc == CTL_EXIT_OK) {
        fprintf(c->out, "cert revoke: %s %s (%s) on %s\n", r->number,
                r->already ? "was revoked before" : "revoked", r->reason,
                r->revoked_on);
        s_line(c->out, "revocation_list_as_of", r->revlist_as_of);
    }
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

static int
s_reissue(const ctl_cert_t *c)
{
    s_args_t a = {.names = {"level", "note"}};
    Mlps__V1__CertReissueRequest req = MLPS__V1__CERT_REISSUE_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    int rc = s_parse(c, &a, 1, 1);
    if (rc != CTL_EXIT_OK)
        return rc;
    const char *lv = a.values[0];
    if (lv != NULL && (lv[0] < '2' || lv[0] > '5' || lv[1] != '\0')) {
        fprintf(c->err, "mlpsctl: --level must be 2 to 5, not \"%s\"\n", lv);
        return CTL_EXIT_USAGE;
    }
    req.number = (char *) a.pos[0];
    req.level = lv ? (uint32_t) (lv[0] - '0') : 0;
    req.note = (char *) (a.values[1] ? a.values[1] : "");
    rc = c->call(c->arg, &req.base, &mlps__v1__cert_reissue_reply__descriptor,
                 &reply);
    const Mlps__V1__CertReissueReply *r =
        (const Mlps__V1__CertReissueReply *) reply;
    if (rc == CTL_EXIT_OK && r->number[0] != '\0')
        fprintf(c->out, "cert reissue: %s -> %s (level %u, %s)\n",
                r->old_number, r->number, r->level, r->state);
    else if (rc == CTL_EXIT_OK)
        fprintf(c->out, "cert reissue: %s revoked; level %u %s\n",
                r->old_number, r->level, r->state);
    if (rc == CTL_EXIT_OK)
        s_line(c->out, "note", r->note);
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

/* --- verify (offline) ------------------------------------------------------
 */

/* The payload: the argument itself, or found in the file it names. */
static int
s_payload(const ctl_cert_t *c, const char *arg, char out[CRT_PAYLOAD_MAX])
{
    char why[300], *data = NULL;
    size_t len = 0;
    if (strncmp(arg, CRT_PAYLOAD_TAG ";", strlen(CRT_PAYLOAD_TAG) + 1) == 0) {
        snprintf(out, CRT_PAYLOAD_MAX, "%s", arg);
        return CTL_EXIT_OK;
    }
    if (cmn_file_read(arg, S_FILE_MAX, &data, &len, why, sizeof why) != 0) {
        fprintf(c->err, "mlpsctl: %s\n", why);
        return CTL_EXIT_USAGE;
    }
    int err =
        crt_payload_find((const uint8_t *) data, len, out, CRT_PAYLOAD_MAX);
    free(data);
    if (err == 0)
        return CTL_EXIT_OK;
    fprintf(c->err, "mlpsctl: \"%s\" holds no certificate payload (%s)\n", arg,
            err == CMN_ENOENT ? "no \"" CRT_PAYLOAD_TAG ";\" in it"
                              : "one too long to be a certificate's");
    return CTL_EXIT_USAGE;
}

/* The issuer keys (their SM2 user id set, if given) and, if named, the
 * list, checked with them. */
static int
s_trust(const ctl_cert_t *c, const s_args_t *a, crt_keyring_t **ring,
        crt_revlist_t **rl)
{
    const char *keys = a->values[0], *list = a->values[1], *id = a->values[2];
    char why[400] = "";
    if (keys == NULL) {
        fprintf(c->err, "mlpsctl: cert verify: --keys ISSUER_KEYS is "
                        "required (the issuers' public keys, PEM)\n");
        return CTL_EXIT_USAGE;
    }
    if ((*ring = crt_keyring_load(keys, why, sizeof why)) == NULL)
        goto bad;
    if (id != NULL && crt_keyring_set_sm2_id(*ring, id) != 0) {
        snprintf(why, sizeof why,
                 "--sm2-id: must be 1 to %d printable ASCII characters",
                 CRT_SM2_ID_MAX);
        goto bad;
    }
    if (list != NULL &&
        (*rl = crt_revlist_load(list, *ring, why, sizeof why)) == NULL)
        goto bad;
    return CTL_EXIT_OK;
bad:
    fprintf(c->err, "mlpsctl: cert verify: %s\n", why);
    return CTL_EXIT_USAGE;
}

static void
s_print_verdict(FILE *out, const crt_verify_result_t *v)
{
    if (v->status == CRT_VALID)
        fprintf(out, "cert verify: valid\n");
    else if (v->status == CRT_REVOKED)
        fprintf(out, "cert verify: revoked (%s, %s, as of %s)\n",
                v->revoked_reason, v->revoked_on, v->revlist_as_of);
    else
        fprintf(out, "cert verify: invalid: %s\n", v->reason);
    s_line(out, "reason", v->reason);
    if (!v->have_content)
        return;
    const crt_content_t *ct = &v->content;
    char level[4];
    snprintf(level, sizeof level, "%d", ct->level);
    if (v->status == CRT_INVALID)
        fprintf(out, "fields: as the payload says them; not to be trusted\n");
    s_line(out, "number", ct->number);
    s_line(out, "organ", ct->organ);
    s_line(out, "unit_credit_code", ct->unit_credit_code);
    s_line(out, "unit_name", ct->unit_name);
    s_line(out, "system_name", ct->system_name);
    s_line(out, "level", level);
    s_line(out, "issued_on", ct->issued_on);
    s_line(out, "tracking_id", ct->tracking_id);
    s_line(out, "key_id", ct->key_id);
    s_line(out, "alg", ct->alg);
}

static int
s_verify(const ctl_cert_t *c)
{
    s_args_t a = {.names = {"keys", "revocations", "sm2-id"}};
    char payload[CRT_PAYLOAD_MAX];
    crt_keyring_t *ring = NULL;
    crt_revlist_t *rl = NULL;
    crt_verify_result_t v;
    int rc = s_parse(c, &a, 1, 1);
    if (rc == CTL_EXIT_OK)
        rc = s_payload(c, a.pos[0], payload);
    if (rc == CTL_EXIT_OK)
        rc = s_trust(c, &a, &ring, &rl);
    if (rc == CTL_EXIT_OK && crt_verify(ring, payload, rl, &v) != 0) {
        fprintf(c->err, "mlpsctl: cert verify: the check could not run\n");
        rc = CTL_EXIT_USAGE;
    }
    if (rc == CTL_EXIT_OK) {
        s_print_verdict(c->out, &v);
        rc = v.status == CRT_VALID ? CTL_EXIT_OK : CTL_EXIT_REFUSED;
    }
    crt_revlist_destroy(&rl);
    crt_keyring_free(&ring);
    return rc;
}

int
ctl_cert_run(const ctl_cert_t *c)
{
    static const struct {
        const char *name;
        int (*run)(const ctl_cert_t *c);
    } cmds[] = {{"status", s_status},   {"pdf", s_pdf},
                {"verify", s_verify},   {"revoke", s_revoke},
                {"reissue", s_reissue}, {"revocations", s_revocations}};
    for (size_t i = 0; c->argc > 0 && i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(c->argv[0], cmds[i].name) == 0)
            return cmds[i].run(c);
    if (c->argc > 0)
        fprintf(c->err, "mlpsctl: unknown command \"cert %s\"\n", c->argv[0]);
    return s_usage(c, NULL);
}
