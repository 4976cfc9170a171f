/* config.c - defaults, file, environment and command line, in that order. */
#include "cmn/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static const cmn_cfg_opt_t *
s_find(const cmn_cfg_opt_t *opts, const char *key, size_t len)
{
    for (const cmn_cfg_opt_t *o = opts; o->key != NULL; o++)
        if (strlen(o->key) == len && strncmp(o->key, key, len) == 0)
            return o;
    return NULL;
}

/* Sets one field from text; names where and why in err on failure. */
static int
s_set(const cmn_cfg_opt_t *o, void *target, const char *val, const char *where,
      char *err, size_t errlen)
{
    char *field = (char *) target + o->offset;
    if (o->type == CMN_CFG_STR) {
        char *copy = strdup(val);
        if (copy == NULL)
            return CMN_ENOMEM;
        free(*(char **) field);
        *(char **) field = copy;
        return 0;
    }
    if (o->type == CMN_CFG_BOOL) {
        bool b;
        if (strcmp(val, "true") == 0 || strcmp(val, "1") == 0 ||
            strcmp(val, "yes") == 0 || strcmp(val, "on") == 0)
            b = true;
        else if (strcmp(val, "false") == 0 || strcmp(val, "0") == 0 ||
                 strcmp(val, "no") == 0 || strcmp(val, "off") == 0)
            b = false;
        else {
            snprintf(err, errlen,
                     "%s: \"%s\" must be true or false, not "
                     "\"%s\"",
                     where, o->key, val);
            return CMN_ECONFIG;
        }
        *(bool *) field = b;
        return 0;
    }
    char *end = NULL;
    errno = 0;
    long v = strtol(val, &end, 10);
    if (errno != 0 || end == val || *end != '\0' || v < o->min || v > o->max) {
        snprintf(err, errlen,
                 "%s: \"%s\" must be an integer from %ld to "
                 "%ld, not \"%s\"",
                 where, o->key, o->min, o->max, val);
        return CMN_ECONFIG;
    }
    *(long *) field = v;
    return 0;
}

static char *
s_trim(char *s)
{
    while (isspace((unsigned char) *s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char) s[n - 1]))
        s[--n] = '\0';
    return s;
}

static int
s_load_file(const cmn_cfg_opt_t *opts, void *target, const char *path,
            char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "could not open config file \"%s\": %s", path,
                 strerror(errno));
        return CMN_ECONFIG;
    }
    char line[4096], where[512];
    int lineno = 0, rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f) != NULL) {
        lineno++;
        snprintf(where, sizeof where, "%s:%d", path, lineno);
        char *s = s_trim(line);
        if (*s == '\0' || *s == '#')
            continue;
        char *eq = strchr(s, '=');
        if (eq == NULL) {
            snprintf(err, errlen, "%s: expected \"key = value\"", where);
            rc = CMN_ECONFIG;
            break;
        }
        *eq = '\0';
        char *key = s_trim(s), *val = s_trim(eq + 1);
        const cmn_cfg_opt_t *o = s_find(opts, key, strlen(key));
        if (o == NULL) {
            snprintf(err, errlen, "%s: unknown key \"%s\"", where, key);
            rc = CMN_ECONFIG;
            break;
        }
        rc = s_set(o, target, val, where, err, errlen);
    }
    fclose(f);
    return rc;
}

/* MLPS_DB_URL -> matches "db.url" */
static const cmn_cfg_opt_t *
s_find_env(const cmn_cfg_opt_t *opts, const char *name, size_t len)
{
    for (const cmn_cfg_opt_t *o = opts; o->key != NULL; o++) {
        size_t i = 0;
        for (; i < len && o->key[i] != '\0'; i++) {
            char c = o->key[i];
            c = (c == '.' || c == '-') ? '_'
                                       : (char) toupper((unsigned char) c);
            if (c != name[i])
                break;
        }
        if (o->key[i] == '\0' && i == len)
            return o;
    }
    return NULL;
}

static int
s_load_env(const cmn_cfg_opt_t *opts, void *target, char *err, size_t errlen)
{
    for (char **e = environ; *e != NULL; e++) {
        if (strncmp(*e, "MLPS_", 5) != 0)
            continue;
        const char *name = *e + 5, *eq = strchr(name, '=');
        if (eq == NULL || strncmp(name, "CONFIG=", 7) == 0)
            continue;
        const cmn_cfg_opt_t *o = s_find_env(opts, name, (size_t) (eq - name));
        if (o == NULL) /* another program's setting: the env is shared */
            continue;
        int rc = s_set(o, target, eq + 1, "environment", err, errlen);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static void
s_help(const cmn_cfg_opt_t *opts)
{
    for (const cmn_cfg_opt_t *o = opts; o->key != NULL; o++)
        fprintf(stdout, "  --%-28s %s (default: %s)\n", o->key, o->help,
                o->def != NULL ? o->def : "required");
}

static int
s_load_args(const cmn_cfg_opt_t *opts, void *target, int argc, char **argv,
            int *first_arg, char *err, size_t errlen)
{
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (strncmp(a, "--", 2) != 0)
            break;
        a += 2;
        if (strcmp(a, "help") == 0) {
            s_help(opts);
            return CMN_ECANCELED;
        }
        if (strncmp(a, "config=", 7) == 0)
            continue;
        const char *eq = strchr(a, '=');
        size_t klen = eq ? (size_t) (eq - a) : strlen(a);
        const cmn_cfg_opt_t *o = s_find(opts, a, klen);
        if (o == NULL) {
            snprintf(err, errlen, "command line: unknown option \"--%.*s\"",
                     (int) klen, a);
            return CMN_ECONFIG;
        }
        if (eq == NULL && o->type != CMN_CFG_BOOL) {
            snprintf(err, errlen, "command line: \"--%s\" needs a value",
                     o->key);
            return CMN_ECONFIG;
        }
        int rc =
            s_set(o, target, eq ? eq + 1 : "true", "command line", err, errlen);
        if (rc != 0)
            return rc;
    }
    if (first_arg != NULL)
        *first_arg = i;
    return 0;
}

int
cmn_cfg_load(const cmn_cfg_opt_t *opts, void *target, int argc, char **argv,
             int *first_arg, char *err, size_t errlen)
{
    int rc = 0;
    const char *file = getenv("MLPS_CONFIG");
    for (int i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--") == 0) /* end of options */
            break;
        if (strncmp(argv[i], "--config=", 9) == 0)
            file = argv[i] + 9;
    }

    for (const cmn_cfg_opt_t *o = opts; rc == 0 && o->key != NULL; o++)
        if (o->def != NULL)
            rc = s_set(o, target, o->def, "default", err, errlen);
    if (rc == 0 && file != NULL && *file != '\0')
        rc = s_load_file(opts, target, file, err, errlen);
    if (rc == 0)
        rc = s_load_env(opts, target, err, errlen);
    if (rc == 0)
        rc = s_load_args(opts, target, argc, argv, first_arg, err, errlen);
    for (const cmn_cfg_opt_t *o = opts; rc == 0 && o->key != NULL; o++) {
        if (o->def == NULL && o->type == CMN_CFG_STR &&
            *(char **) ((char *) target + o->offset) == NULL) {
            snprintf(err, errlen, "missing required setting \"%s\"", o->key);
            rc = CMN_ECONFIG;
        }
    }
    if (rc != 0)
        cmn_cfg_release(opts, target);
    return rc;
}

void
cmn_cfg_release(const cmn_cfg_opt_t *opts, void *target)
{
    for (const cmn_cfg_opt_t *o = opts; o->key != NULL; o++) {
        if (o->type != CMN_CFG_STR)
            continue;
        char **p = (char **) ((char *) target + o->offset);
        free(*p);
        *p = NULL;
    }
}
