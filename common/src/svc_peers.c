/* svc_peers.c - the service skeleton's outboxes: "peers" entries
 * NAME[@OFFICE]=EP parsed into one dispatcher each (CURVE keys from the
 * registry, the bare-name alias of another office's peer), the required
 * peers checked, lookups and kicks. */
#include "svc_internal.h"

#include "cmn/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

cmn_outbox_t *
cmn_svc_outbox(cmn_svc_t *svc, const char *dest)
{
    for (int i = 0; i < svc->nout; i++)
        if (strcmp(svc->dest[i], dest) == 0 ||
            (svc->alias[i] != NULL && strcmp(svc->alias[i], dest) == 0))
            return svc->out[i];
    return NULL;
}

void
cmn_svc_kick(cmn_svc_t *svc)
{
    for (int i = 0; i < svc->nout && !svc->stopping; i++)
        cmn_outbox_kick(svc->out[i]);
}

/* The destination of peer "name[@office]" into dest (the whole entry: a
 * service of another office is "intake@110108", this office's "review"),
 * and its public key, the registry identity name@office (this office by
 * default), into key; 0, or -1 (logged). */
static int
s_peer_key(const cmn_svc_t *svc, const char *peer, char dest[41],
           char key[CMN_CURVE_KEYLEN + 1])
{
    char ident[CMN_IDENT_MAX + 1];
    const char *at = strchr(peer, '@');
    size_t n = at ? (size_t) (at - peer) : strlen(peer);
    if (n == 0 || n > 32 || strlen(peer) > 40 || (at && strlen(at + 1) != 6)) {
        cmn_log_error("bad \"peers\" entry \"%s\": a service name, or "
                      "NAME@OFFICE",
                      peer);
        return -1;
    }
    snprintf(dest, 41, "%s", peer);
    snprintf(ident, sizeof ident, "%.*s@%s", (int) n, peer,
             at ? at + 1 : svc->conf->office);
    if (!svc->curve)
        return 0;
    const cmn_ident_t *id = cmn_registry_find(svc->registry, ident);
    if (id == NULL || id->kind != CMN_KIND_SERVICE ||
        cmn_ident_key_text(id, key) != 0) {
        cmn_log_error("\"peers\": the registry has no service \"%s\"", ident);
        return -1;
    }
    return 0;
}

/* The alias of peer entry NAME@OFFICE in peers: NAME, when no other entry
 * is NAME or NAME@ANOTHER (into alias[33]; "" when it has none). */
static void
s_alias(const char *peers, const char *entry, char alias[33])
{
    const char *at = strchr(entry, '@');
    size_t n = at ? (size_t) (at - entry) : 0;
    int same = 0;
    alias[0] = '\0';
    if (at == NULL || n > 32)
        return;
    for (const char *p = peers; p && *p;
         p = strchr(p, ';') ? strchr(p, ';') + 1 : NULL)
        if (strncmp(p, entry, n) == 0 && (p[n] == '@' || p[n] == '='))
            same++;
    if (same == 1)
        snprintf(alias, 33, "%.*s", (int) n, entry);
}

/* "dest=ep,ep;dest2=ep" -> one dispatcher each. */
int
cmn__svc_open_peers(cmn_svc_t *svc)
{
    char *copy = strdup(svc->conf->peers), *save = NULL;
    int rc = 0;
    if (copy == NULL)
        return CMN_ENOMEM;
    for (char *p = strtok_r(copy, ";", &save); p && rc == 0;
         p = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(p, '=');
        if (eq == NULL || eq == p || svc->nout == CMN_SVC_MAX_PEERS) {
            cmn_log_error("bad \"peers\" entry \"%s\": expected name=endpoint",
                          p);
            rc = CMN_ECONFIG;
            break;
        }
        *eq = '\0';
        const cmn_svc_conf_t *c = svc->conf;
        char server_key[CMN_CURVE_KEYLEN + 1], dest[41];
        if (s_peer_key(svc, p, dest, server_key) != 0) {
            rc = CMN_ECONFIG;
            break;
        }
        bool curve = svc->curve;
        char alias[33];
        s_alias(svc->conf->peers, dest, alias);
        cmn_outbox_opts_t o = {
            .source = svc->def->name,
            .office = c->office,
            .dest = dest,
            .alias = alias[0] ? alias : NULL,
            .endpoints = eq + 1,
            .batch = (int) c->outbox_batch,
            .lease_ms = (int) c->outbox_lease_ms,
            .poll_ms = (int) c->outbox_poll_ms,
            .max_batches = (int) c->outbox_batches,
            .curve_secret = curve ? svc->secret : NULL,
            .curve_public = curve ? svc->public_key : NULL,
            .curve_server = curve ? server_key : NULL,
        };
        svc->out[svc->nout] =
            cmn_outbox_new(&svc->loop, svc->zctx, svc->db, &o, &rc);
        if (svc->out[svc->nout] != NULL &&
            (svc->dest[svc->nout] = strdup(dest)) != NULL &&
            (alias[0] == '\0' ||
             (svc->alias[svc->nout] = strdup(alias)) != NULL))
            svc->nout++;
        else if (rc == 0)
            rc = CMN_ENOMEM;
    }
    free(copy);
    return rc;
}

/* Every peer the definition requires is among "peers" (by its name, or
 * its alias: a peer of another office, "audit@110100"). */
int
cmn__svc_check_peers(const cmn_svc_t *svc)
{
    const char *const *need = svc->def->peers;
    char list[256] = "";
    size_t at = 0;
    bool missing = false;
    for (size_t i = 0; need != NULL && need[i] != NULL; i++) {
        const char *sep = i == 0 ? "" : need[i + 1] ? ", " : " and ";
        if (at < sizeof list)
            at += (size_t) snprintf(list + at, sizeof list - at, "%s%s", sep,
                                    need[i]);
        missing |= cmn_svc_outbox((cmn_svc_t *) svc, need[i]) == NULL;
    }
    if (!missing)
        return 0;
    cmn_log_error("\"peers\" must name %s", list);
    return CMN_ECONFIG;
}
