/* api_int.h - what the evaluation's request handlers share (library
 * internal, prefix evl__): replies, who the caller is to a system, text
 * checks, and the handlers of api_inst.c and api_rect.c that api.c's
 * table lists. Worker thread, like every handler. */
#ifndef EVL_API_INT_H
#define EVL_API_INT_H
#include "cmn/api.h"
#include "cmn/problem.h"
#include "evl/evaluation.h"
#include "evl/store.h"

#include <stdbool.h>

#define EVL__RETRIES 3 /* transactions tried on a deadlock */

/* An ActionReply: ok when code is NULL, else a Problem of that code with
 * message (and errs' field errors when errs has some). */
int evl__action(cmn_api_reply_t *out, const char *code, const char *message,
                cmn_problem_t *errs) CMN_MUST_CHECK;

/* A reply of type desc carrying only a Problem. */
int evl__problem(cmn_api_reply_t *out, const ProtobufCMessageDescriptor *desc,
                 const char *code, const char *message) CMN_MUST_CHECK;

/* True for the municipal office's own people: an office or staff identity
 * of this service's office (a plain development caller too). */
bool evl__this_office(const evl_t *self, const cmn_ident_t *who);

/* True when who may act as the system's unit: its proof (proof hashes to
 * the stored hash), or its own unit key (unit:CREDIT_CODE); a plain
 * development caller too. */
bool evl__is_unit(const cmn_ident_t *who, const evl_sys_t *k,
                  const char *proof);

/* True when who may see the system: its unit (evl__is_unit), the
 * institution engaged for its round (inst:ID), an office whose
 * jurisdiction covers the unit's region. */
bool evl__may_see(const evl_t *self, const cmn_ident_t *who, const evl_sys_t *k,
                  const char *proof);

/* The institution id of an institution's key ("inst:ID"), or NULL. */
const char *evl__inst_of(const cmn_ident_t *who);

/* Adds "field: reason" to e when s fails cmn_text_check(). */
void evl__text(cmn_problem_t *e, const char *field, const char *s, size_t max,
               unsigned flags);

/* 64 lower-case hex characters. */
bool evl__hex64(const char *s);

/* Runs tx up to EVL__RETRIES times while it returns CMN_EAGAIN (a
 * deadlock), rolling back after each. */
typedef int (*evl__tx_fn)(PGconn *c, const cmn_env_msg_t *m, void *arg,
                          cmn_api_reply_t *out);
int evl__retry(PGconn *c, const cmn_env_msg_t *m, void *arg,
               cmn_api_reply_t *out, evl__tx_fn tx);

/* The institution registry: api_inst.c (put, and the id check),
 * api_inst_show.c (show, list, suspend). True when id is an institution
 * id: 1 to EVL_INST_MAX of a-z, 0-9, '_' and '-'. */
bool evl__inst_id_ok(const char *id);
int evl__inst_put(PGconn *c, const cmn_env_msg_t *m, void *arg,
                  cmn_api_reply_t *out);
int evl__inst_show(PGconn *c, const cmn_env_msg_t *m, void *arg,
                   cmn_api_reply_t *out);
int evl__inst_list(PGconn *c, const cmn_env_msg_t *m, void *arg,
                   cmn_api_reply_t *out);
int evl__inst_suspend(PGconn *c, const cmn_env_msg_t *m, void *arg,
                      cmn_api_reply_t *out);

/* api_status.c: a system's status, what is due, the office's queue. */
int evl__status(PGconn *c, const cmn_env_msg_t *m, void *arg,
                cmn_api_reply_t *out);
int evl__due(PGconn *c, const cmn_env_msg_t *m, void *arg,
             cmn_api_reply_t *out);
int evl__queue(PGconn *c, const cmn_env_msg_t *m, void *arg,
               cmn_api_reply_t *out);

/* api_rect.c: rectification and inspections. */
int evl__rect_plan(PGconn *c, const cmn_env_msg_t *m, void *arg,
                   cmn_api_reply_t *out);
int evl__rect_review(PGconn *c, const cmn_env_msg_t *m, void *arg,
                     cmn_api_reply_t *out);
int evl__rect_complete(PGconn *c, const cmn_env_msg_t *m, void *arg,
                       cmn_api_reply_t *out);
int evl__insp_plan(PGconn *c, const cmn_env_msg_t *m, void *arg,
                   cmn_api_reply_t *out);
int evl__insp_record(PGconn *c, const cmn_env_msg_t *m, void *arg,
                     cmn_api_reply_t *out);

#endif /* EVL_API_INT_H */
