/* signer.h - the checkpoint signer: signs the chain's head now and then,
 * but only while the chain still extends the last checkpoint it signed,
 * which it keeps outside the database in a state file beside its key
 * (saved.h's format).
 *
 * A superuser who rebuilds the chain cannot sign it, but can delete
 * checkpoints and the records after the last one kept; a signer that
 * trusted the table would then sign the rebuilt head. This one checks
 * first. Once it finds the chain no longer extends what it signed, it logs
 * one alarm (level error), signs nothing more until it is restarted, and
 * says why to whoever asks (verify reports it).
 * int returns: 0 or a negative CMN_E* code. */
#ifndef AUD_SIGNER_H
#define AUD_SIGNER_H
#include "aud/anchor.h"
#include "cmn/err.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What the reasons of a refusal begin with, S being last->seq. */
#define AUD_SIGNER_NOT_EXTENDED                                              \
    "the chain no longer extends the last checkpoint this signer signed at " \
    "seq "

/* One round, in its own transaction on conn (search_path reaching the
 * audit schema), holding the signing lock (replicas take turns):
 *   1. when last->seq > 0 (the last checkpoint this signer signed; 0:
 *      none yet), the chain still holds it (aud_saved_held);
 *   2. every record after it follows, links and hashes right
 *      (aud_verify_after), up to the chain's last record, the head;
 *   3. the newest checkpoint in the table lies within the chain, and when
 *      it is newer than last and signed with key, the record at its seq
 *      has its hash (a replica with the same key signed it): last moves
 *      on to it;
 *   4. when the head is past that newest checkpoint, it is signed and
 *      stored, and last becomes it.
 * *seq gets the seq signed in 4, or 0. Returns 0; CMN_EREJECT when 1-3
 * fail (nothing signed, last unchanged), with what was found in why
 * (beginning AUD_SIGNER_NOT_EXTENDED when last->seq > 0); CMN_EINVAL for a
 * key that cannot sign; or another CMN_E* code from the database. */
int aud_checkpoint_make(PGconn *conn, const aud_key_t *key,
                        aud_checkpoint_t *last, int64_t *seq, char *why,
                        size_t whylen) CMN_MUST_CHECK;

typedef struct aud_signer aud_signer_t;

/* Borrows key, which must be able to sign and outlive the signer. Reads
 * the last checkpoint it signed from state_path (copied); when there is no
 * such file the signer has signed nothing yet and trusts the chain as it
 * stands, and a warning says so. Caller owns the result and must destroy
 * it; NULL, with the reason naming the file in why, when the file is not a
 * checkpoint or not one key signed. */
aud_signer_t *aud_signer_new(const aud_key_t *key, const char *state_path,
                             char *why, size_t whylen);

/* Frees self and sets *self_p to NULL. Safe on NULL. */
void aud_signer_destroy(aud_signer_t **self_p);

/* One round of aud_checkpoint_make() with the signer's last checkpoint;
 * a new one is written to the state file (cmn_file_write_atomic) after
 * the transaction commits. Never two at once (cmn_svc_every's work).
 * Returns 0 (*seq: the seq signed, or 0); CMN_EREJECT when it refuses,
 * now (the alarm is logged once, at error) or since an earlier round; or
 * another CMN_E* code (the next round tries again). A state file that
 * could not be written is logged and written at the next round. */
int aud_signer_run(aud_signer_t *self, PGconn *conn,
                   int64_t *seq) CMN_MUST_CHECK;

/* Any thread: copies the last checkpoint signed (seq 0: none) into *last
 * and returns true when the signer refuses, with the alarm in why. */
bool aud_signer_state(aud_signer_t *self, aud_checkpoint_t *last, char *why,
                      size_t whylen);

#endif /* AUD_SIGNER_H */
