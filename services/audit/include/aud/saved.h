/* saved.h - checkpoints kept outside the database: the signer's state file
 * and the checkpoint a verifier saved, and the check that the chain still
 * holds one.
 *
 * A superuser cannot sign a rebuilt chain, but can delete checkpoints, and
 * the records after the last one kept, and append new ones: what is left
 * verifies. A checkpoint kept where the database cannot reach it shows
 * that. Both kinds use one file format, whose first four lines are exactly
 * the signed text (anchor.h):
 *   mlps.audit.checkpoint.v1
 *   seq=S
 *   hash=H
 *   signed_at_us=T
 *   key_id=K           16 hex digits
 *   signature=SIG      128 hex digits
 *   event_id=E         the record's event (not signed; finds it again)
 * int returns: 0 or a negative CMN_E* code. */
#ifndef AUD_SAVED_H
#define AUD_SAVED_H
#include "aud/anchor.h"
#include "aud/verify.h"
#include "cmn/err.h"

#include <libpq-fe.h>
#include <stddef.h>

/* The largest checkpoint file read. */
#define AUD_SAVED_MAX 1024

/* Writes cp (seq > 0) to path atomically (cmn_file_write_atomic, mode
 * 0600): a crash leaves the old file or the new one. CMN_EINVAL for a cp
 * that is not well formed; CMN_EIO with the reason, naming the file, in
 * why. */
int aud_saved_write(const char *path, const aud_checkpoint_t *cp, char *why,
                    size_t whylen) CMN_MUST_CHECK;

/* Reads a checkpoint file into cp. CMN_ENOENT when there is no file;
 * CMN_EINVAL when it is not one (why names the file and the line);
 * CMN_EIO or CMN_EMSGSIZE as cmn_file_read. The signature is not checked
 * here (aud_checkpoint_check). */
int aud_saved_read(const char *path, aud_checkpoint_t *cp, char *why,
                   size_t whylen) CMN_MUST_CHECK;

/* Does the chain on conn (search_path reaching the audit schema; the
 * caller's transaction, or a statement of its own) still hold cp: a record
 * at cp->seq with cp->hash, and cp itself in audit.checkpoints? 0 when it
 * does; CMN_EREJECT when not, with why beginning with what was done:
 *   "emptied:"              the chain has no records at all;
 *   "renumbered:"           cp's record (by event id) is at another seq;
 *   "rebuilt:"              the record at cp->seq has another hash (it, or
 *                           one before it, changed and the chain re-hashed),
 *                           or is another record;
 *   "cut:"                  the chain ends before cp->seq;
 *   "checkpoints deleted:"  the record is there but cp's row is gone;
 *   "checkpoints replaced:" a different row stands at cp->seq.
 * Other codes when the database fails. */
int aud_saved_held(PGconn *conn, const aud_checkpoint_t *cp, char *why,
                   size_t whylen) CMN_MUST_CHECK;

/* For verify, after aud_verify() succeeded, in its snapshot: checks cp's
 * signature with key (when key is not NULL: key_id and signature), then
 * aud_saved_held(). The first failure sets out->ok false, out->bad_seq to
 * cp->seq and out->reason to "the chain no longer extends WHAT at seq S:
 * ..." (what, e.g. "the saved checkpoint"). */
int aud_verify_saved(PGconn *conn, const aud_key_t *key,
                     const aud_checkpoint_t *cp, const char *what,
                     aud_verify_result_t *out) CMN_MUST_CHECK;

#endif /* AUD_SAVED_H */
