/* eval_print.c - the evaluation service's replies as text for people, one
 * fact per line (see eval_cmd.h and print.h). */
#include "ctl/cli.h"
#include "eval_cmd.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

/* Writes s (NULL as "") with control characters as spaces. */
static void
s_put(FILE *out, const char *s)
{
    for (; s != NULL && *s != '\0'; s++)
        fputc((unsigned char) *s < 0x20 || *s == 0x7f ? ' ' : *s, out);
}

static void
s_kv(FILE *out, const char *key, const char *value)
{
    fprintf(out, "%s: ", key);
    s_put(out, value);
    fputc('\n', out);
}

static void
s_kv_opt(FILE *out, const char *key, const char *value)
{
    if (value != NULL && *value != '\0')
        s_kv(out, key, value);
}

/* " key=value", the value quoted when it holds a blank; "-" when empty. */
static void
s_pair(FILE *out, const char *key, const char *value)
{
    bool quote = value != NULL && strpbrk(value, " \t") != NULL;
    fprintf(out, " %s=%s", key, quote ? "\"" : "");
    s_put(out, value != NULL && *value != '\0' ? value : "-");
    if (quote)
        fputc('"', out);
}

int
ctl_eval_print_status(FILE *out, const Mlps__V1__EvaluationStatusReply *r)
{
    bool reported = r->verdict[0] != '\0';
    s_kv(out, "tracking_id", r->tracking_id);
    s_kv(out, "state", r->state);
    fprintf(out, "level: %" PRIu32 "\nround: %" PRIu32 "\n", r->level,
            r->round);
    fputs("institution: ", out);
    s_put(out, r->institution_id[0] ? r->institution_id : "none");
    if (r->institution_name[0] != '\0') {
        fputs(" (", out);
        s_put(out, r->institution_name);
        fputc(')', out);
    }
    fputc('\n', out);
    if (r->engaged[0] != '\0') {
        fputs("engaged: ", out);
        s_put(out, r->engaged);
        fputs(" on ", out);
        s_put(out, r->engaged_on);
        fputc('\n', out);
    }
    fputs("verdict: ", out);
    s_put(out, reported ? r->verdict : "none");
    if (reported) {
        fputs(" (", out);
        s_put(out, r->verdict_title);
        fputc(')', out);
    }
    fputc('\n', out);
    if (reported)
        fprintf(out,
                "score: %" PRIu32 " (high risks %" PRIu32
                ", medium risks %" PRIu32 ")\n",
                r->score, r->high_risks, r->medium_risks);
    s_kv(out, "report_date", r->report_date[0] ? r->report_date : "none");
    s_kv(out, "next_due", r->next_due[0] ? r->next_due : "none");
    s_kv_opt(out, "calendar", r->calendar);
    s_kv_opt(out, "proposal", r->proposal);
    s_kv_opt(out, "detail", r->detail);
    s_kv_opt(out, "unit", r->unit_name);
    s_kv_opt(out, "system", r->system_name);
    s_kv_opt(out, "region", r->region_code);
    return CTL_EXIT_OK;
}

/* what: "due" or "queue". */
int
ctl_eval_print_list(FILE *out, const char *what,
                    const Mlps__V1__EvaluationListReply *r)
{
    bool due = strcmp(what, "due") == 0;
    for (size_t i = 0; i < r->n_items; i++) {
        const Mlps__V1__EvaluationItem *it = r->items[i];
        char days[24] = "-";
        if (it->next_due[0] != '\0')
            snprintf(days, sizeof days, "%" PRId32, it->days_left);
        fprintf(out, "%s: ", what);
        s_put(out, it->tracking_id);
        fprintf(out, " level=%" PRIu32, it->level);
        s_pair(out, "state", it->state);
        s_pair(out, "next_due", it->next_due);
        s_pair(out, "days_left", days);
        s_pair(out, "calendar", it->calendar);
        s_pair(out, due ? "institution" : "proposal",
               due ? it->institution_id : it->proposal);
        s_pair(out, "region", it->region_code);
        fputc('\n', out);
        if (!due)
            s_kv_opt(out, "  detail", it->detail);
    }
    if (due) {
        fprintf(out, "due: %zu listed (due by ", r->n_items);
        s_put(out, r->before);
        fputs(", or overdue)\n", out);
    } else {
        fprintf(out, "queue: %zu waiting for the office\n", r->n_items);
    }
    return CTL_EXIT_OK;
}

int
ctl_eval_print_put(FILE *out, const Mlps__V1__InstitutionPutReply *r)
{
    size_t added = 0, changed = 0;
    for (size_t i = 0; i < r->n_items; i++) {
        fputs("institution: ", out);
        s_put(out, r->items[i]->id);
        fputc(' ', out);
        s_put(out, r->items[i]->result);
        fputc('\n', out);
        added += strcmp(r->items[i]->result, "added") == 0;
        changed += strcmp(r->items[i]->result, "changed") == 0;
    }
    fprintf(out,
            "institutions: %zu listed, %zu added, %zu changed, %zu "
            "unchanged\n",
            r->n_items, added, changed, r->n_items - added - changed);
    return CTL_EXIT_OK;
}

static void
s_certificate(FILE *out, const Mlps__V1__QualCertificate *q)
{
    fputs("certificate: ", out);
    s_put(out, q->number);
    s_pair(out, "category", q->category);
    fprintf(out, " level=%" PRIu32, q->level);
    s_pair(out, "issued", q->issued_on);
    s_pair(out, "expires", q->expires_on);
    s_pair(out, "surveillance", q->surveillance);
    s_pair(out, "on", q->surveillance_on);
    if (q->suspended)
        s_pair(out, "suspended",
               q->suspended_reason[0] ? q->suspended_reason : "yes");
    fputc('\n', out);
}

int
ctl_eval_print_institution(FILE *out, const Mlps__V1__InstitutionShowReply *r)
{
    const Mlps__V1__Institution *in = r->institution;
    if (in == NULL)
        return CTL_EXIT_OK;
    s_kv(out, "id", in->id);
    s_kv(out, "name", in->name);
    s_kv(out, "credit_code", in->credit_code);
    fprintf(out, "capacity: %" PRIu32 "\nbusy: %" PRIu32 "\n", in->capacity,
            r->busy);
    s_kv(out, "last_assigned",
         r->last_assigned[0] ? r->last_assigned : "never");
    fputs(r->qualified ? "qualified: yes\n" : "qualified: no: ", out);
    if (!r->qualified) {
        s_put(out, r->qualified_note);
        fputc('\n', out);
    }
    for (size_t i = 0; i < in->n_certificates; i++)
        s_certificate(out, in->certificates[i]);
    for (size_t i = 0; i < r->n_withdrawn; i++)
        s_kv(out, "withdrawn", r->withdrawn[i]);
    for (size_t i = 0; i < in->n_related_units; i++)
        s_kv(out, "related_unit", in->related_units[i]);
    for (size_t i = 0; i < in->n_designed_units; i++)
        s_kv(out, "designed_unit", in->designed_units[i]);
    for (size_t i = 0; i < in->n_contacts; i++) {
        const Mlps__V1__Contact *c = in->contacts[i];
        fputs("contact: ", out);
        s_put(out, c->name);
        s_pair(out, "role", c->role);
        s_pair(out, "phone", c->phone);
        s_pair(out, "email", c->email);
        fputc('\n', out);
    }
    return CTL_EXIT_OK;
}

int
ctl_eval_print_institutions(FILE *out, const Mlps__V1__InstitutionListReply *r)
{
    size_t qualified = 0;
    for (size_t i = 0; i < r->n_institutions; i++) {
        const Mlps__V1__InstitutionSummary *s = r->institutions[i];
        char busy[48];
        snprintf(busy, sizeof busy, "%" PRIu32 "/%" PRIu32, s->busy,
                 s->capacity);
        fputs("institution: ", out);
        s_put(out, s->id);
        fputs(s->qualified ? " qualified=yes" : " qualified=no", out);
        s_pair(out, "busy", busy);
        s_pair(out, "last_assigned", s->last_assigned);
        s_pair(out, "name", s->name);
        fputc('\n', out);
        if (!s->qualified)
            s_kv(out, "  why", s->qualified_note);
        qualified += s->qualified;
    }
    fprintf(out,
            "institutions: %zu, %zu qualified for level evaluation "
            "today\n",
            r->n_institutions, qualified);
    return CTL_EXIT_OK;
}

int
ctl_eval_print_inspection(FILE *out, const Mlps__V1__InspectionPlanReply *r)
{
    size_t required = 0;
    for (size_t i = 0; i < r->n_items; i++) {
        const Mlps__V1__InspectionItem *it = r->items[i];
        char last[16] = "never";
        if (it->last_inspected != 0)
            snprintf(last, sizeof last, "%" PRIu32, it->last_inspected);
        fprintf(out, "inspection %" PRIu32 ": ", r->year);
        s_put(out, it->tracking_id);
        fprintf(out, " level=%" PRIu32 " required=%s last=%s", it->level,
                it->required ? "yes" : "no", last);
        s_pair(out, "region", it->region_code);
        s_pair(out, "system", it->system_name);
        fputc('\n', out);
        s_kv_opt(out, "  reason", it->reason);
        required += it->required;
    }
    fprintf(out,
            "inspection %" PRIu32 ": important=%" PRIu32 " done=%" PRIu32
            " planned=%zu required=%zu\n",
            r->year, r->important, r->done, r->n_items, required);
    return CTL_EXIT_OK;
}
