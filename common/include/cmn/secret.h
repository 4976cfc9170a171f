/* secret.h - refusing the example secrets the project once committed.
 *
 * Keys and passwords that were ever committed (deploy/secrets/ *.example files,
 * before deployments made their own) can be read by anyone in the
 * history, so a service refuses to start with one of them: a deployment
 * makes its own with deploy/make-secrets.sh. A secret's fingerprint is the
 * SHA-256 of its text with surrounding white space trimmed (a key or
 * password file: its first line; a PEM file: all of it). */
#ifndef CMN_SECRET_H
#define CMN_SECRET_H
#include "cmn/err.h"

#include <stdbool.h>
#include <stddef.h>

/* 0, or CMN_ECONFIG with why naming what and the example it is, when text
 * is a committed example. */
int cmn_secret_check_text(const char *what, const char *text, char *why,
                          size_t whylen) CMN_MUST_CHECK;

/* The same for a file: its first line (a password, a Z85 key), or all of
 * it when it is PEM. CMN_ECONFIG when it is an example or unreadable. */
int cmn_secret_check_file(const char *path, char *why,
                          size_t whylen) CMN_MUST_CHECK;

/* A CURVE secret key already read from path. */
int cmn_secret_check_curve(const char *path, const char *secret_z85, char *why,
                           size_t whylen) CMN_MUST_CHECK;

/* --- proofs given to outside parties (a unit's secret for its filing) --- */

#define CMN_PROOF_LEN 32 /* 128 random bits as lower-case hex */

/* A new proof from the kernel's random source into out (NUL-terminated).
 * CMN_EIO when no randomness could be had (never a weaker fallback). */
int cmn_proof_new(char out[CMN_PROOF_LEN + 1]) CMN_MUST_CHECK;

/* The SHA-256 (hex) a proof is stored as. */
int cmn_proof_hash(const char *proof, char out[65]) CMN_MUST_CHECK;

/* True when proof hashes to stored (compared in constant time); false for
 * an empty proof or stored. */
bool cmn_proof_matches(const char *proof, const char *stored);

#endif /* CMN_SECRET_H */
