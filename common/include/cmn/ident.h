/* ident.h - who a caller is: the key registry and the identities in it.
 *
 * Every caller is somebody, proven by a CURVE key, never by a field it
 * wrote. The registry (curve.registry) lists every identity a region
 * knows, one a line:
 *
 *   # IDENTITY        KIND         OFFICE  PUBLIC_KEY  [ROLES]
 *   review@110100     service      110100  <Z85, 40 chars>
 *   intake@110108     service      110108  <Z85>
 *   office:110108     office       110108  <Z85>
 *   staff:li          staff        110100  <Z85>       reviewer,registrar
 *   staff:zhao        staff        110100  -           reviewer
 *   expert:102        expert       110100  <Z85>
 *   inst:xinan        institution  110100  <Z85>
 *   web               gateway      110100  <Z85>
 *   unit:91110108MA01ABCD1E unit   110108  <Z85>
 *
 * IDENTITY is 1 to 64 of A-Z a-z 0-9 _ . : @ -, unique; a service's is
 * SERVICE@OFFICE. OFFICE is the 6-digit code of the office it belongs to.
 * PUBLIC_KEY "-" is a person without a key of their own, who reaches the
 * services only through a gateway (a web front end acting for them). ROLES
 * (comma-separated) are for staff. A bad line stops start-up naming
 * file:line.
 *
 * The ZAP handler (cmn/curve.h) lets in only keys listed here and gives
 * the identity as the connection's User-Id; the inbox and the API look it
 * up here and hand handlers the cmn_ident_t (cmn_env_msg_t .peer). Each
 * handler table names who may send each type (cmn_ident_matches). */
#ifndef CMN_IDENT_H
#define CMN_IDENT_H
#include "cmn/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    CMN_KIND_NONE = 0,
    CMN_KIND_SERVICE,     /* one of the platform's services */
    CMN_KIND_OFFICE,      /* an office's own system (a clerk's desk) */
    CMN_KIND_STAFF,       /* a person working at an office */
    CMN_KIND_EXPERT,      /* a member of the expert panel */
    CMN_KIND_INSTITUTION, /* an evaluation institution */
    CMN_KIND_GATEWAY,     /* a front end that authenticates people itself */
    CMN_KIND_UNIT,        /* an operator unit its district registered */
    CMN_KIND_DEV,         /* a plain socket (curve.dev-plain): trusted */
    CMN_KIND_COUNT
} cmn_kind_t;

#define CMN_IDENT_MAX 64

typedef struct {
    char name[CMN_IDENT_MAX + 1]; /* registry identity; "" none */
    cmn_kind_t kind;
    char office[8];              /* the office it belongs to */
    char service[33];            /* CMN_KIND_SERVICE: the service's name */
    char roles[128];             /* staff: comma-separated */
    char via[CMN_IDENT_MAX + 1]; /* acting through this gateway; "" direct */
    bool has_key;
    uint8_t key[32]; /* the public key, raw */
} cmn_ident_t;

typedef struct cmn_registry cmn_registry_t;

/* Parses registry text (name starts every error, "name:line: reason").
 * Caller owns the result; NULL with the reason in why. */
cmn_registry_t *cmn_registry_parse(const char *text, size_t len,
                                   const char *name, char *why, size_t whylen);

/* Reads and parses the file at path. */
cmn_registry_t *cmn_registry_load(const char *path, char *why, size_t whylen);

/* Frees *self_p and sets it to NULL. Safe on NULL. */
void cmn_registry_destroy(cmn_registry_t **self_p);

size_t cmn_registry_count(const cmn_registry_t *self);
const cmn_ident_t *cmn_registry_at(const cmn_registry_t *self, size_t i);

/* The identity named name, or NULL. Borrowed from self. */
const cmn_ident_t *cmn_registry_find(const cmn_registry_t *self,
                                     const char *name);

/* The identity holding this raw public key, or NULL. */
const cmn_ident_t *cmn_registry_find_key(const cmn_registry_t *self,
                                         const uint8_t key[32]);

/* Z85 text of the identity's public key into out[41]; CMN_ENOENT when it
 * has none (a person reached through a gateway). */
int cmn_ident_key_text(const cmn_ident_t *id, char out[41]) CMN_MUST_CHECK;

/* "service", "office", ...; NULL outside the enum. */
const char *cmn_kind_name(cmn_kind_t kind);
int cmn_kind_parse(const char *name, cmn_kind_t *out) CMN_MUST_CHECK;

/* True when id holds role (a staff role, e.g. "reviewer"). */
bool cmn_ident_has_role(const cmn_ident_t *id, const char *role);

/* Who may send a message type: a comma-separated list of terms, each a
 * kind ("staff", "expert", ...) or "service:NAME" (a service of that name,
 * any office; "service:*" any service). A plain development socket's
 * CMN_KIND_DEV matches every rule. NULL or "" matches nobody but DEV. */
bool cmn_ident_matches(const cmn_ident_t *id, const char *rule);

/* True when rule is well formed (every term a kind or service:NAME):
 * handler tables are checked at start. */
bool cmn_ident_rule_valid(const char *rule);

/* "staff:li via web" or "staff:li": who did it, for logs and audit
 * events. Into buf; returns buf. */
const char *cmn_ident_label(const cmn_ident_t *id, char *buf, size_t len);

#endif /* CMN_IDENT_H */
