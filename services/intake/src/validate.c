/* validate.c - field-by-field checks of a Filing, with named errors. */
#include "itk/validate.h"
#include "cmn/pb.h"
#include "cmn/text.h"
#include "dom/codes.h"
#include "dom/date.h"
#include "dom/materials.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define s_err cmn_problem_add

/* Required text of 1..max characters, on one line (no control
 * characters at all) unless multiline (newlines and tabs allowed). */
static void
s_text_as(cmn_problem_t *e, const char *field, const char *s, size_t max,
          bool multiline)
{
    char why[96];
    unsigned flags = CMN_TEXT_REQUIRED | CMN_TEXT_CHARS |
                     (multiline ? CMN_TEXT_MULTILINE : 0);
    if (cmn_text_check(s, max, flags, why, sizeof why) != 0)
        s_err(e, field, "%s", why);
}

static void
s_text(cmn_problem_t *e, const char *field, const char *s, size_t max)
{
    s_text_as(e, field, s, max, false);
}

/* A real date YYYY-MM-DD within the years a filing can mention: *out gets
 * it. 0, or CMN_EINVAL. */
static int
s_date(const char *text, dom_date_t *out)
{
    dom_date_t d;
    int y;
    if (dom_date_parse(text, &d) != 0)
        return CMN_EINVAL;
    dom_date_to_ymd(d, &y, NULL, NULL);
    if (y < ITK_YEAR_MIN || y > ITK_YEAR_MAX)
        return CMN_EINVAL;
    *out = d;
    return 0;
}

static int
s_phone_ok(const char *s)
{
    size_t n = strlen(s), digits = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9')
            digits++;
        else if (s[i] != '-' && s[i] != '+' && s[i] != ' ')
            return 0;
    }
    return digits >= 7 && digits <= 15;
}

static void
s_unit(const Mlps__V1__Unit *u, cmn_problem_t *e)
{
    char f[64];
    if (u == NULL) {
        s_err(e, "unit", "is required");
        return;
    }
    s_text(e, "unit.name", u->name, 200);
    if (u->credit_code[0] == '\0')
        s_err(e, "unit.credit_code", "is required");
    else if (!dom_credit_code_valid(u->credit_code))
        s_err(e, "unit.credit_code",
              "is not a valid 18-character unified social credit code");
    if (!dom_region_code_valid(u->region_code))
        s_err(e, "unit.region_code",
              "must be a 6-digit GB/T 2260 division code");
    s_text(e, "unit.sector", u->sector, 100);
    s_text(e, "unit.unit_type", u->unit_type, 100);
    s_text(e, "unit.department", u->department, 200);
    if (u->n_contacts == 0)
        s_err(e, "unit.contacts", "at least one contact is required");
    if (u->n_contacts > 20)
        s_err(e, "unit.contacts", "at most 20 contacts");
    for (size_t i = 0; i < u->n_contacts && i < 20; i++) {
        const Mlps__V1__Contact *c = u->contacts[i];
        snprintf(f, sizeof f, "unit.contacts[%zu].name", i);
        s_text(e, f, c->name, 100);
        snprintf(f, sizeof f, "unit.contacts[%zu].phone", i);
        if (c->phone[0] == '\0')
            s_err(e, f, "is required");
        else if (!s_phone_ok(c->phone))
            s_err(e, f, "must be 7 to 15 digits (with + - or spaces)");
        snprintf(f, sizeof f, "unit.contacts[%zu].email", i);
        if (c->email[0] != '\0' &&
            (strchr(c->email, '@') == NULL || strlen(c->email) > 254))
            s_err(e, f, "is not an e-mail address");
    }
    if (u->has_supervisor)
        s_text(e, "unit.supervisor_name", u->supervisor_name, 200);
}

static void
s_system(const Mlps__V1__SystemInfo *s, dom_date_t today, cmn_problem_t *e)
{
    if (s == NULL) {
        s_err(e, "system", "is required");
        return;
    }
    s_text(e, "system.name", s->name, 200);
    s_text(e, "system.system_type", s->system_type, 100);
    s_text_as(e, "system.technology", s->technology, 1000, true);
    s_text_as(e, "system.business", s->business, 2000, true);
    s_text(e, "system.service_scope", s->service_scope, 200);
    dom_date_t live;
    if (s_date(s->go_live_date, &live) != 0)
        s_err(e, "system.go_live_date", "must be a date YYYY-MM-DD");
    if (s->interconnection[0] != '\0')
        s_text_as(e, "system.interconnection", s->interconnection, 1000, true);
    (void) today; /* a planned system may go live later */
}

static int
s_dimension(const Mlps__V1__Dimension *d, const char *name, cmn_problem_t *e)
{
    char f[64];
    if (d == NULL) {
        s_err(e, name, "is required");
        return 0;
    }
    snprintf(f, sizeof f, "%s.object", name);
    if (d->object == MLPS__V1__HARM_OBJECT__HARM_OBJECT_UNSPECIFIED)
        s_err(e, f, "is required");
    snprintf(f, sizeof f, "%s.degree", name);
    if (d->degree == MLPS__V1__HARM_DEGREE__HARM_DEGREE_UNSPECIFIED)
        s_err(e, f, "is required");
    snprintf(f, sizeof f, "%s.proposed_level", name);
    if (d->proposed_level < 1 || d->proposed_level > 5) {
        s_err(e, f, "must be a level from 1 to 5");
        return 0;
    }
    return (int) d->proposed_level;
}

static void
s_grading(const Mlps__V1__Grading *g, dom_date_t today, cmn_problem_t *e)
{
    if (g == NULL) {
        s_err(e, "grading", "is required");
        return;
    }
    int b = s_dimension(g->business, "grading.business", e);
    int s = s_dimension(g->service, "grading.service", e);
    if (g->final_level == 1)
        s_err(e, "grading.final_level", "level 1 systems are not filed");
    else if (g->final_level < 2 || g->final_level > 5)
        s_err(e, "grading.final_level", "must be a level from 2 to 5");
    else if (b > 0 && s > 0 && (int) g->final_level != (b > s ? b : s))
        s_err(e, "grading.final_level",
              "must be the higher of the two dimension levels (%d)",
              b > s ? b : s);
    dom_date_t graded;
    if (s_date(g->graded_on, &graded) != 0)
        s_err(e, "grading.graded_on", "must be a date YYYY-MM-DD");
    else if (today != DOM_DATE_NEVER && graded > today)
        s_err(e, "grading.graded_on", "is in the future");
}

static int
s_hex64(const char *s)
{
    if (s == NULL || strlen(s) != 64)
        return 0;
    for (int i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

int
itk_validate_materials(Mlps__V1__Material *const *m, size_t n,
                       const char *prefix, cmn_problem_t *e)
{
    size_t before = cmn_problem_found(e);
    char f[96];
    bool seen[DOM_MAT_COUNT] = {false};
    if (n == 0)
        s_err(e, prefix, "at least one material is required");
    if (n > 50)
        s_err(e, prefix, "at most 50 materials");
    for (size_t i = 0; i < n && i < 50; i++) {
        dom_material_t kind;
        snprintf(f, sizeof f, "%s[%zu].kind", prefix, i);
        if (m[i]->kind[0] == '\0')
            s_err(e, f, "is required");
        else if (dom_material_parse(m[i]->kind, &kind) != 0)
            s_err(e, f, "\"%.40s\" is not a known kind of material",
                  m[i]->kind);
        else if (seen[kind])
            s_err(e, f, "\"%s\" is listed twice", m[i]->kind);
        else
            seen[kind] = true;
        snprintf(f, sizeof f, "%s[%zu].name", prefix, i);
        s_text(e, f, m[i]->name, 255);
        if (strchr(m[i]->name, '/') != NULL || strchr(m[i]->name, '\\'))
            s_err(e, f, "must be a file name, not a path");
        snprintf(f, sizeof f, "%s[%zu].sha256", prefix, i);
        if (!s_hex64(m[i]->sha256))
            s_err(e, f, "must be 64 lower-case hex characters");
    }
    return cmn_problem_found(e) > before ? CMN_EREJECT : 0;
}

int
itk_validate_filing(const Mlps__V1__Filing *f, dom_date_t today,
                    cmn_problem_t *e)
{
    size_t before = cmn_problem_found(e);
    s_unit(f->unit, e);
    s_system(f->system, today, e);
    s_grading(f->grading, today, e);
    (void) itk_validate_materials(f->materials, f->n_materials, "materials", e);
    return cmn_problem_found(e) > before ? CMN_EREJECT : 0;
}
