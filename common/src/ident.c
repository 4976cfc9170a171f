/* ident.c - the key registry and the sender rules (see ident.h). */
#include "cmn/ident.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#define S_MAX_BYTES (4u << 20) /* a registry larger than this is refused */

struct cmn_registry {
    cmn_ident_t *ids;
    size_t n, cap;
};

static const char *const s_kinds[CMN_KIND_COUNT] = {
    "",        "service", "office", "staff", "expert", "institution",
    "gateway", "unit",    "dev"};

const char *
cmn_kind_name(cmn_kind_t kind)
{
    return (unsigned) kind < CMN_KIND_COUNT ? s_kinds[kind] : NULL;
}

int
cmn_kind_parse(const char *name, cmn_kind_t *out)
{
    for (int k = CMN_KIND_SERVICE; name && k < CMN_KIND_DEV; k++) {
        if (strcmp(name, s_kinds[k]) == 0) {
            *out = (cmn_kind_t) k;
            return 0;
        }
    }
    return CMN_EINVAL;
}

static bool
s_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > CMN_IDENT_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char) s[i]) && !strchr("_.:@-", s[i]))
            return false;
    return true;
}

static bool
s_office_ok(const char *s)
{
    if (strlen(s) != 6)
        return false;
    for (int i = 0; i < 6; i++)
        if (!isdigit((unsigned char) s[i]))
            return false;
    return true;
}

static bool
s_roles_ok(const char *s)
{
    if (strlen(s) >= sizeof(((cmn_ident_t *) 0)->roles))
        return false;
    for (; *s; s++)
        if (!islower((unsigned char) *s) && *s != '_' && *s != ',')
            return false;
    return true;
}

/* One line's fields into id; the reason into why on failure. */
static int
s_line(char *line, cmn_ident_t *id, char *why, size_t whylen)
{
    char *f[6] = {0}, *save = NULL;
    int n = 0;
    for (char *t = strtok_r(line, " \t\r\n", &save); t && n < 6;
         t = strtok_r(NULL, " \t\r\n", &save))
        f[n++] = t;
    memset(id, 0, sizeof *id);
    if (n < 4 || n > 5) {
        snprintf(why, whylen,
                 "expected IDENTITY KIND OFFICE PUBLIC_KEY [ROLES]");
        return CMN_ECONFIG;
    }
    if (!s_name_ok(f[0])) {
        snprintf(why, whylen,
                 "identity \"%.80s\": 1 to %d of A-Z a-z 0-9 _ . : @ -", f[0],
                 CMN_IDENT_MAX);
        return CMN_ECONFIG;
    }
    snprintf(id->name, sizeof id->name, "%s", f[0]);
    if (cmn_kind_parse(f[1], &id->kind) != 0) {
        snprintf(why, whylen,
                 "kind \"%.40s\": one of service, office, staff, expert, "
                 "institution, gateway, unit",
                 f[1]);
        return CMN_ECONFIG;
    }
    if (!s_office_ok(f[2])) {
        snprintf(why, whylen, "office \"%.40s\": a 6-digit office code", f[2]);
        return CMN_ECONFIG;
    }
    snprintf(id->office, sizeof id->office, "%s", f[2]);
    if (strcmp(f[3], "-") != 0) {
        if (strlen(f[3]) != 40 || zmq_z85_decode(id->key, f[3]) == NULL) {
            snprintf(why, whylen,
                     "public key of \"%s\": 40 characters of Z85, or - for "
                     "none",
                     id->name);
            return CMN_ECONFIG;
        }
        id->has_key = true;
    } else if (id->kind == CMN_KIND_SERVICE || id->kind == CMN_KIND_GATEWAY) {
        snprintf(why, whylen, "\"%s\" is a %s: it needs a key", id->name, f[1]);
        return CMN_ECONFIG;
    }
    if (n == 5 && !s_roles_ok(f[4])) {
        snprintf(why, whylen,
                 "roles \"%.60s\": lower-case names, comma-"
                 "separated",
                 f[4]);
        return CMN_ECONFIG;
    }
    if (n == 5)
        snprintf(id->roles, sizeof id->roles, "%s", f[4]);
    if (id->kind == CMN_KIND_SERVICE) {
        const char *at = strchr(id->name, '@');
        if (at == NULL || strcmp(at + 1, id->office) != 0 || at == id->name ||
            (size_t) (at - id->name) >= sizeof id->service) {
            snprintf(why, whylen,
                     "a service's identity is SERVICE@OFFICE (\"%s\" with "
                     "office %s)",
                     id->name, id->office);
            return CMN_ECONFIG;
        }
        memcpy(id->service, id->name, (size_t) (at - id->name));
    }
    return 0;
}

static int
s_add(cmn_registry_t *r, const cmn_ident_t *id, char *why, size_t whylen)
{
    for (size_t i = 0; i < r->n; i++) {
        if (strcmp(r->ids[i].name, id->name) == 0) {
            snprintf(why, whylen, "identity \"%s\" is listed twice", id->name);
            return CMN_ECONFIG;
        }
        if (id->has_key && r->ids[i].has_key &&
            memcmp(r->ids[i].key, id->key, 32) == 0) {
            snprintf(why, whylen, "\"%s\" has the key of \"%s\"", id->name,
                     r->ids[i].name);
            return CMN_ECONFIG;
        }
    }
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 32;
        cmn_ident_t *grown = realloc(r->ids, cap * sizeof *grown);
        if (grown == NULL) {
            snprintf(why, whylen, "out of memory");
            return CMN_ENOMEM;
        }
        r->ids = grown;
        r->cap = cap;
    }
    r->ids[r->n++] = *id;
    return 0;
}

cmn_registry_t *
cmn_registry_parse(const char *text, size_t len, const char *name, char *why,
                   size_t whylen)
{
    cmn_registry_t *r = calloc(1, sizeof *r);
    char line[512], reason[200];
    int lineno = 0, rc = r ? 0 : CMN_ENOMEM;
    size_t at = 0;
    while (rc == 0 && at < len) {
        size_t end = at;
        while (end < len && text[end] != '\n')
            end++;
        lineno++;
        size_t n = end - at;
        if (n >= sizeof line || memchr(text + at, '\0', n) != NULL) {
            snprintf(why, whylen, "%s:%d: line too long or not text", name,
                     lineno);
            rc = CMN_ECONFIG;
            break;
        }
        memcpy(line, text + at, n);
        line[n] = '\0';
        at = end + 1;
        const char *s = line;
        while (isspace((unsigned char) *s))
            s++;
        if (*s == '\0' || *s == '#')
            continue;
        cmn_ident_t id;
        rc = s_line(line, &id, reason, sizeof reason);
        if (rc == 0)
            rc = s_add(r, &id, reason, sizeof reason);
        if (rc != 0)
            snprintf(why, whylen, "%s:%d: %s", name, lineno, reason);
    }
    if (rc == CMN_ENOMEM && r == NULL)
        snprintf(why, whylen, "out of memory");
    if (rc != 0)
        cmn_registry_destroy(&r);
    return r;
}

cmn_registry_t *
cmn_registry_load(const char *path, char *why, size_t whylen)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(why, whylen, "could not open \"%s\": %s", path,
                 strerror(errno));
        return NULL;
    }
    char *buf = malloc(S_MAX_BYTES + 1);
    size_t n = buf ? fread(buf, 1, S_MAX_BYTES + 1, f) : 0;
    int bad = ferror(f);
    fclose(f);
    cmn_registry_t *r = NULL;
    if (buf == NULL)
        snprintf(why, whylen, "out of memory");
    else if (bad)
        snprintf(why, whylen, "could not read \"%s\"", path);
    else if (n > S_MAX_BYTES)
        snprintf(why, whylen, "\"%s\" is larger than %u bytes", path,
                 S_MAX_BYTES);
    else
        r = cmn_registry_parse(buf, n, path, why, whylen);
    free(buf);
    return r;
}

void
cmn_registry_destroy(cmn_registry_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    free((*self_p)->ids);
    free(*self_p);
    *self_p = NULL;
}

size_t
cmn_registry_count(const cmn_registry_t *self)
{
    return self->n;
}

const cmn_ident_t *
cmn_registry_at(const cmn_registry_t *self, size_t i)
{
    return i < self->n ? &self->ids[i] : NULL;
}

const cmn_ident_t *
cmn_registry_find(const cmn_registry_t *self, const char *name)
{
    for (size_t i = 0; self != NULL && name != NULL && i < self->n; i++)
        if (strcmp(self->ids[i].name, name) == 0)
            return &self->ids[i];
    return NULL;
}

const cmn_ident_t *
cmn_registry_find_key(const cmn_registry_t *self, const uint8_t key[32])
{
    for (size_t i = 0; self != NULL && i < self->n; i++)
        if (self->ids[i].has_key && memcmp(self->ids[i].key, key, 32) == 0)
            return &self->ids[i];
    return NULL;
}

int
cmn_ident_key_text(const cmn_ident_t *id, char out[41])
{
    if (!id->has_key)
        return CMN_ENOENT;
    return zmq_z85_encode(out, id->key, 32) != NULL ? 0 : CMN_EINVAL;
}

bool
cmn_ident_has_role(const cmn_ident_t *id, const char *role)
{
    size_t n = strlen(role);
    for (const char *p = id->roles; n > 0 && *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && strncmp(p, role, n) == 0)
            return true;
        p += len + (p[len] == ',');
    }
    return false;
}

/* One term of a rule against id: 1 match, 0 no, -1 malformed. */
static int
s_term(const cmn_ident_t *id, const char *t, size_t len)
{
    static const char svc[] = "service:";
    if (len > sizeof svc - 1 && strncmp(t, svc, sizeof svc - 1) == 0) {
        const char *name = t + sizeof svc - 1;
        size_t nlen = len - (sizeof svc - 1);
        if (id == NULL || id->kind != CMN_KIND_SERVICE)
            return 0;
        if (nlen == 1 && name[0] == '*')
            return 1;
        return strlen(id->service) == nlen &&
               strncmp(id->service, name, nlen) == 0;
    }
    for (int k = CMN_KIND_SERVICE; k < CMN_KIND_DEV; k++)
        if (strlen(s_kinds[k]) == len && strncmp(s_kinds[k], t, len) == 0)
            return id != NULL && id->kind == (cmn_kind_t) k;
    return -1;
}

bool
cmn_ident_matches(const cmn_ident_t *id, const char *rule)
{
    if (id != NULL && id->kind == CMN_KIND_DEV)
        return true;
    for (const char *p = rule; p != NULL && *p;) {
        size_t len = strcspn(p, ",");
        if (s_term(id, p, len) == 1)
            return true;
        p += len + (p[len] == ',');
    }
    return false;
}

bool
cmn_ident_rule_valid(const char *rule)
{
    if (rule == NULL || rule[0] == '\0')
        return false;
    for (const char *p = rule; *p;) {
        size_t len = strcspn(p, ",");
        if (len == 0 || s_term(NULL, p, len) < 0)
            return false;
        p += len + (p[len] == ',');
    }
    return true;
}

const char *
cmn_ident_label(const cmn_ident_t *id, char *buf, size_t len)
{
    if (id->via[0] != '\0')
        snprintf(buf, len, "%s via %s", id->name, id->via);
    else
        snprintf(buf, len, "%s", id->name[0] ? id->name : "system");
    return buf;
}
