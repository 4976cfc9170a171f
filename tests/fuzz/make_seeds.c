/* make_seeds.c - writes the seed corpus of envelope_fuzz into a directory:
 * a few valid envelopes and a few that fail at each stage of the decode.
 *   make_seeds DIR */
#include "cmn/envelope.h"
#include "cmn/pb.h"

#include <stdio.h>
#include <stdlib.h>

#define S_ID "123e4567-e89b-12d3-a456-426614174000"

static int
s_write(const char *dir, const char *name, const uint8_t *buf, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(buf, 1, len, f) != len) {
        fprintf(stderr, "could not write \"%s\"\n", path);
        if (f != NULL)
            fclose(f);
        return -1;
    }
    return fclose(f) == 0 ? 0 : -1;
}

/* Packs an Ack with n items (n <= 3); the last has the given status. */
static int
s_ack(size_t n, int status, uint8_t **out, size_t *len)
{
    Mlps__V1__Ack ack = MLPS__V1__ACK__INIT;
    Mlps__V1__Ack__Item it[3], *p[3];
    for (size_t i = 0; i < 3; i++) {
        mlps__v1__ack__item__init(&it[i]);
        it[i].message_id = S_ID;
        it[i].status = MLPS__V1__ACK__STATUS__APPLIED;
        p[i] = &it[i];
    }
    if (n > 0) {
        it[n - 1].status = (Mlps__V1__Ack__Status) status;
        it[n - 1].reason = "case version 2 missing";
    }
    ack.n_items = n;
    ack.items = p;
    return cmn_pb_pack(&ack.base, out, len);
}

/* Encodes an envelope around payload and writes it as name. */
static int
s_seed(const char *dir, const char *name, const char *id, const char *type,
       const uint8_t *pl, size_t pllen)
{
    cmn_env_out_t o = {
        .message_id = id,
        .type = type,
        .source = "intake",
        .source_office = "office-01",
        .correlation_id = "filing-42",
        .case_version = 2,
        .created_at_us = 1700000000000000,
        .payload = pl,
        .payload_len = pllen,
    };
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc = cmn_env_encode(&o, &buf, &len);
    if (rc == 0)
        rc = s_write(dir, name, buf, len);
    free(buf);
    return rc;
}

int
main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    const char *dir = argv[1];
    uint8_t *one = NULL, *three = NULL, *badenum = NULL;
    size_t l1 = 0, l3 = 0, lb = 0;
    int rc = 0;
    if (s_ack(1, MLPS__V1__ACK__STATUS__DUPLICATE, &one, &l1) != 0 ||
        s_ack(3, MLPS__V1__ACK__STATUS__RETRY, &three, &l3) != 0 ||
        s_ack(2, 9, &badenum, &lb) != 0)
        rc = -1;
    if (rc == 0)
        rc = s_seed(dir, "ack_one.bin", S_ID, "mlps.v1.Ack", one, l1) ||
             s_seed(dir, "ack_three.bin", S_ID, "mlps.v1.Ack", three, l3) ||
             s_seed(dir, "ack_empty.bin", S_ID, "mlps.v1.Ack", NULL, 0) ||
             s_seed(dir, "bad_enum.bin", S_ID, "mlps.v1.Ack", badenum, lb) ||
             s_seed(dir, "bad_type.bin", S_ID, "mlps.v1.Other", one, l1) ||
             s_seed(dir, "bad_id.bin", "not-a-uuid", "mlps.v1.Ack", one, l1);
    free(one);
    free(three);
    free(badenum);
    return rc == 0 ? 0 : 1;
}
