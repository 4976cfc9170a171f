/* print.c - replies and errors as text for people, one fact per line. */
#include "ctl/print.h"
#include "ctl/cli.h"
#include "ctl/json.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

/* Writes s (NULL as "") with control characters as spaces. */
static void
s_put(FILE *out, const char *s)
{
    if (s == NULL)
        return;
    for (; *s != '\0'; s++)
        fputc((unsigned char) *s < 0x20 || *s == 0x7f ? ' ' : *s, out);
}

static void
s_kv(FILE *out, const char *key, const char *value)
{
    fprintf(out, "%s: ", key);
    s_put(out, value);
    fputc('\n', out);
}

/* s_kv() for a value that may be absent: nothing when it is "". */
static void
s_kv_opt(FILE *out, const char *key, const char *value)
{
    if (value != NULL && *value != '\0')
        s_kv(out, key, value);
}

/* A level, when there is one (not 0). */
static void
s_kv_level(FILE *out, const char *key, uint32_t level)
{
    if (level != 0)
        fprintf(out, "%s: %" PRIu32 "\n", key, level);
}

void
ctl_print_error(FILE *out, const char *field, const char *reason)
{
    fputs("error: ", out);
    if (field != NULL && *field != '\0') {
        s_put(out, field);
        fputs(": ", out);
    }
    s_put(out, reason);
    fputc('\n', out);
}

void
ctl_print_errors(FILE *out, const cmn_problem_t *errs)
{
    for (size_t i = 0; i < errs->count; i++)
        ctl_print_error(out, errs->items[i].field, errs->items[i].reason);
    if (errs->overflow > 0)
        fprintf(out, "error: %zu more not shown\n", errs->overflow);
}

void
ctl_print_problem(FILE *out, const Mlps__V1__Problem *problem)
{
    ctl_print_error(out, problem->code, problem->message);
    for (size_t i = 0; i < problem->n_errors; i++)
        ctl_print_error(out, problem->errors[i]->field,
                        problem->errors[i]->reason);
}

const Mlps__V1__Problem *
ctl_reply_problem(const ProtobufCMessage *reply)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(reply->descriptor,
                                                        "problem");
    if (f == NULL || f->label == PROTOBUF_C_LABEL_REPEATED ||
        f->descriptor != &mlps__v1__problem__descriptor)
        return NULL;
    return *(const Mlps__V1__Problem *const *) ((const char *) reply +
                                                f->offset);
}

int
ctl_print_submit(FILE *out, const Mlps__V1__SubmitFilingReply *reply)
{
    s_kv(out, "tracking_id", reply->tracking_id);
    if (reply->duplicate)
        s_kv(out, "duplicate", "yes");
    s_kv_opt(out, "unit_secret", reply->unit_secret);
    return CTL_EXIT_OK;
}

int
ctl_print_action(FILE *out, FILE *err, const Mlps__V1__ActionReply *reply)
{
    if (!reply->ok) {
        ctl_print_error(err, "refused",
                        *reply->detail ? reply->detail : "no reason given");
        return CTL_EXIT_REFUSED;
    }
    s_kv(out, "ok", "yes");
    s_kv_opt(out, "detail", reply->detail);
    return CTL_EXIT_OK;
}

int
ctl_print_status(FILE *out, const Mlps__V1__StatusReply *reply)
{
    s_kv(out, "tracking_id", reply->tracking_id);
    s_kv(out, "state", reply->state);
    s_kv_opt(out, "outcome", reply->outcome);
    s_kv_level(out, "proposed_level", reply->proposed_level);
    s_kv_level(out, "level", reply->level);
    s_kv_opt(out, "received", reply->received_on);
    s_kv_opt(out, "deadline", reply->deadline);
    s_kv_opt(out, "deadline_note", reply->deadline_note);
    for (size_t i = 0; i < reply->n_missing; i++)
        s_kv(out, "missing", reply->missing[i]);
    s_kv_opt(out, "panel", reply->panel);
    s_kv_opt(out, "liability_notice", reply->liability_notice);
    s_kv(out, "breached", reply->breached ? "yes" : "no");
    s_kv_opt(out, "recommendation", reply->recommendation);
    s_kv_opt(out, "recommendation_reason", reply->recommendation_reason);
    s_kv_opt(out, "decided_by", reply->decided_by);
    return CTL_EXIT_OK;
}

int
ctl_print_queue(FILE *out, const Mlps__V1__ReviewQueueReply *reply)
{
    for (size_t i = 0; i < reply->n_items; i++) {
        const Mlps__V1__ReviewQueueItem *it = reply->items[i];
        char missing[400] = "", left[48];
        for (size_t k = 0; k < it->n_missing; k++)
            snprintf(missing + strlen(missing),
                     sizeof missing - strlen(missing), "%s%s", k ? "," : "",
                     it->missing[k]);
        if (it->deadline[0] == '\0')
            snprintf(left, sizeof left, "-");
        else if (it->days_left < 0)
            snprintf(left, sizeof left, "overdue by %d", -it->days_left);
        else
            snprintf(left, sizeof left, "%d", it->days_left);
        fprintf(out,
                "queue: %s state=%s recommend=%s level=%u due=%s "
                "days_left=%s region=%s",
                it->tracking_id, it->state,
                it->recommendation[0] ? it->recommendation : "-", it->level,
                it->deadline[0] ? it->deadline : "-", left, it->region_code);
        if (missing[0])
            fprintf(out, " missing=%s", missing);
        fputc('\n', out);
        s_kv_opt(out, "  reason", it->reason);
    }
    fprintf(out, "queue: %zu shown of %u waiting\n", reply->n_items,
            reply->total);
    return CTL_EXIT_OK;
}

int
ctl_print_letter(FILE *out, const Mlps__V1__LetterReply *reply)
{
    size_t n = strlen(reply->text);
    fputs(reply->text, out);
    if (n == 0 || reply->text[n - 1] != '\n')
        fputc('\n', out);
    return CTL_EXIT_OK;
}

int
ctl_print_panel(FILE *out, const Mlps__V1__PanelShowReply *reply)
{
    s_kv(out, "tracking_id", reply->tracking_id);
    s_kv(out, "state", reply->state);
    s_kv_opt(out, "session_date", reply->session_date);
    for (size_t i = 0; i < reply->n_experts; i++)
        s_kv(out, "expert", reply->experts[i]);
    s_kv_opt(out, "detail", reply->detail);
    return CTL_EXIT_OK;
}

int
ctl_print_audit_verify(FILE *out, const Mlps__V1__AuditVerifyReply *reply)
{
    if (reply->ok) {
        fprintf(out, "audit verify: ok records=%" PRIu64, reply->records);
        if (reply->key_id[0] != '\0') {
            fprintf(out,
                    " checkpoints=%" PRIu64 " anchored_seq=%" PRIu64 " key=",
                    reply->checkpoints, reply->anchored_seq);
            s_put(out, reply->key_id);
        }
        fputc('\n', out);
        return CTL_EXIT_OK;
    }
    fprintf(out, "audit verify: FAILED at seq=%" PRIu64 ": ",
            reply->first_bad_seq);
    s_put(out, reply->reason);
    fputc('\n', out);
    return CTL_EXIT_REFUSED;
}

/* key=value, the value quoted (with \" and \\) when it is empty or holds a
 * space, a quote or a backslash. */
static void
s_logfmt(FILE *out, const char *key, const char *value)
{
    int quote = *value == '\0' || strpbrk(value, " \"\\") != NULL;
    fprintf(out, " %s=%s", key, quote ? "\"" : "");
    for (const char *s = value; *s != '\0'; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', out);
        fputc((unsigned char) *s < 0x20 || *s == 0x7f ? ' ' : *s, out);
    }
    if (quote)
        fputc('"', out);
}

static void
s_event(FILE *out, const Mlps__V1__AuditEvent *e)
{
    int64_t sec = e->at_us / 1000000, usec = e->at_us % 1000000;
    if (usec < 0) {
        sec--;
        usec += 1000000;
    }
    time_t t = (time_t) sec;
    struct tm tm;
    char when[32] = "?";
    if (gmtime_r(&t, &tm) != NULL)
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    fprintf(out, "%s.%06" PRId64 "Z", when, usec);
    s_logfmt(out, "service", e->service);
    s_logfmt(out, "action", e->action);
    s_logfmt(out, "actor", e->actor);
    s_logfmt(out, "outcome", e->outcome);
    s_logfmt(out, "office", e->office);
    fputc('\n', out);
}

int
ctl_print_audit_events(FILE *out, FILE *err, const char *case_id,
                       const Mlps__V1__AuditEventsReply *reply)
{
    if (reply->n_events == 0) {
        char reason[300];
        snprintf(reason, sizeof reason, "no audit events for case \"%.256s\"",
                 case_id);
        ctl_print_error(err, "", reason);
        return CTL_EXIT_REFUSED;
    }
    for (size_t i = 0; i < reply->n_events; i++)
        s_event(out, reply->events[i]);
    return CTL_EXIT_OK;
}

/* The differences of a district that reported and does not reconcile. */
static void
s_differences(FILE *out, const Mlps__V1__DistrictReport *d)
{
    if (!d->reported || d->n_differences == 0) {
        fputs("no", out);
        return;
    }
    for (size_t k = 0; k < d->n_differences; k++) {
        if (k > 0)
            fputs("; ", out);
        s_put(out, d->differences[k]);
    }
}

/* " NAME=R/D": the exact form scripts read (no percentage after it). */
static void
s_rate(FILE *out, const char *name, uint32_t r, size_t d)
{
    fprintf(out, " %s=%" PRIu32 "/%zu", name, r, d);
}

int
ctl_print_report(FILE *out, const char *month,
                 const Mlps__V1__ReportMonthReply *reply)
{
    const char *m = reply->month[0] != '\0' ? reply->month : month;
    for (size_t i = 0; i < reply->n_districts; i++) {
        const Mlps__V1__DistrictReport *d = reply->districts[i];
        fputs("report ", out);
        s_put(out, m);
        fputs(": district=", out);
        s_put(out, d->district);
        fprintf(out, " reported=%s on_time=%s filings=%" PRIu32 " reconciled=",
                d->reported ? "yes" : "no", d->on_time ? "yes" : "no",
                d->filings);
        if (d->reported && d->reconciled)
            fputs("yes", out);
        else
            s_differences(out, d);
        fputc('\n', out);
    }
    fputs("report ", out);
    s_put(out, m);
    fprintf(out, ": districts=%zu reported=%" PRIu32 " on_time=%" PRIu32,
            reply->n_districts, reply->reported, reply->on_time);
    s_rate(out, "reporting_rate", reply->reported, reply->n_districts);
    s_rate(out, "on_time_rate", reply->on_time, reply->n_districts);
    fputc('\n', out);
    return CTL_EXIT_OK;
}

int
ctl_print_duplicates(FILE *out, const Mlps__V1__DuplicatesReply *reply)
{
    for (size_t i = 0; i < reply->n_pairs; i++) {
        const Mlps__V1__DuplicatePair *p = reply->pairs[i];
        fputs("duplicate: ", out);
        s_put(out, p->tracking_id);
        s_logfmt(out, "other", p->other_tracking_id);
        s_logfmt(out, "state", p->state);
        s_logfmt(out, "unit", p->unit_credit_code);
        s_logfmt(out, "system", p->system_name);
        if (p->decided_by[0] != '\0')
            s_logfmt(out, "decided_by", p->decided_by);
        fputc('\n', out);
    }
    fprintf(out, "duplicates: %zu\n", reply->n_pairs);
    return CTL_EXIT_OK;
}

int
ctl_print_json(FILE *out, FILE *err, const ProtobufCMessage *reply)
{
    json_t *json = ctl_json_from_pb(reply);
    int rc = json != NULL ? json_dumpf(json, out, JSON_PRESERVE_ORDER) : -1;
    json_decref(json);
    if (rc != 0) {
        ctl_print_error(err, "", "out of memory");
        return CTL_EXIT_USAGE;
    }
    fputc('\n', out);
    return CTL_EXIT_OK;
}
