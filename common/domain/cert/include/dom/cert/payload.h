/* payload.h - the QR payload: a certificate's fields, digest and signature
 * as one line of printable ASCII (a QR code carries no character set).
 *
 *   MLPSC1;n=<number>;o=<organ>;u=<unit credit code>;un=<unit name>;
 *   sn=<system name>;l=<level>;d=<issued on>;t=<tracking id>;k=<key id>;
 *   a=<alg>;h=<digest>;s=<signature>
 *
 * (one line, no spaces). The parts come in exactly this order, each once,
 * separated by ';'. un and sn are the UTF-8 names in base64url (RFC 4648
 * section 5, no padding); h is the 32-byte digest of the canonical text
 * (content.h) and s the 64-byte signature over it (Ed25519, or SM2 as r
 * and s, 32 bytes each, big-endian), both base64url. The other values are
 * the fields as they are, which are ASCII by their checks. A certificate
 * with 40-character names makes at most CRT_PAYLOAD_MAX - 1 bytes; a usual
 * one (names of about 12 characters) about 400, a version 15 QR code at
 * error correction M. int returns: 0 or a negative CMN_E* code. */
#ifndef CRT_PAYLOAD_H
#define CRT_PAYLOAD_H
#include "cmn/err.h"
#include "dom/cert/content.h"

#include <stddef.h>
#include <stdint.h>

#define CRT_PAYLOAD_TAG   "MLPSC1"
#define CRT_PAYLOAD_MAX   640 /* bytes, NUL included */
#define CRT_DIGEST_LEN    32
#define CRT_SIGNATURE_LEN 64

/* Writes the payload of checked content c with its digest and signature
 * into out (CRT_PAYLOAD_MAX is always enough). Its length, or CMN_EINVAL
 * when c does not pass crt_content_check() or cap is too small. */
int crt_payload_format(const crt_content_t *c,
                       const uint8_t digest[CRT_DIGEST_LEN],
                       const uint8_t sig[CRT_SIGNATURE_LEN], char *out,
                       size_t cap);

/* Parses payload (NUL-terminated) into c, digest and sig. CMN_EPROTO with
 * why naming the part and the reason (e.g. "part \"un\": not base64url",
 * "part 5: expected \"sn=\"") when it is malformed; c then holds what was
 * read so far. Checks every field as crt_content_check() does; does not
 * check the signature or the digest (crt_verify() does). */
int crt_payload_parse(const char *payload, crt_content_t *c,
                      uint8_t digest[CRT_DIGEST_LEN],
                      uint8_t sig[CRT_SIGNATURE_LEN], char *why,
                      size_t whylen) CMN_MUST_CHECK;

/* Finds a payload in bytes that carry one (a PDF's metadata, a file, a
 * scanner's output): the first "MLPSC1;" and the payload characters after
 * it, copied with a NUL into out. CMN_ENOENT when there is none;
 * CMN_EMSGSIZE when it does not fit in cap. Does not parse or verify it
 * (crt_payload_parse(), crt_verify()). */
int crt_payload_find(const uint8_t *data, size_t len, char *out,
                     size_t cap) CMN_MUST_CHECK;

#endif /* CRT_PAYLOAD_H */
