/* kt_flood.c - a CURVE client that says it sends a huge frame and streams
 * it, without ever holding it: does the server read it whole?
 *
 *   kt_flood ENDPOINT SERVER inbox|api BYTES [--before-handshake]
 *
 * It speaks ZMTP 3.1 and CurveZMQ itself (libsodium), since libzmq would
 * build the whole message, encrypted, before sending it. It connects to
 * ENDPOINT (tcp://HOST:PORT), does the CURVE handshake with the keys of
 * TST_REGISTRY and TST_KEY (tst/client.h; SERVER is the server's registry
 * identity), sends one small frame and waits for its answer (inbox: a
 * KtSeq with seq 0, which kt_recv refuses; api: a KtCountRequest), so the
 * session is known to work; then it sends the header of a BYTES-long
 * frame and streams zeros until the server hangs up. With
 * --before-handshake the header follows the greeting at once: a stranger
 * who never authenticates.
 *
 * Prints "kt_flood: ..." lines; exit 0 when the server closed the
 * connection before BYTES were sent, 1 when it took them all, 3 when the
 * handshake was refused or broken, 2 on a usage or set-up error. */
#include "cmn/api.h"
#include "cmn/envelope.h"
#include "kt.pb-c.h"
#include "tst/client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <zmq.h>

#define S_CHUNK     (64 * 1024)
#define S_FRAME_MAX 65536 /* largest frame read back */

typedef struct {
    int fd;
    uint8_t pub[32], sec[32], server[32]; /* C, c, S */
    uint8_t cn_pub[32], cn_sec[32];       /* C', c' */
    uint8_t cn_server[32], cookie[96];    /* S', the server's cookie */
    uint8_t precom[crypto_box_BEFORENMBYTES];
    uint64_t nonce; /* our next short nonce */
    uint8_t frame[S_FRAME_MAX];
    size_t len; /* of the last frame read */
} s_conn_t;

static void
s_put64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t) v;
}

static int
s_write(int fd, const void *data, size_t len)
{
    const uint8_t *p = data;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t) n;
    }
    return 0;
}

static int
s_read(int fd, void *data, size_t len)
{
    uint8_t *p = data;
    while (len > 0) {
        ssize_t n = recv(fd, p, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t) n;
    }
    return 0;
}

/* A ZMTP frame header: flags (0x04 command, 0x02 long) and size. */
static int
s_header(int fd, bool command, uint64_t size)
{
    uint8_t h[9];
    h[0] = (uint8_t) ((command ? 0x04 : 0) | (size > 255 ? 0x02 : 0));
    if (size > 255) {
        s_put64(h + 1, size);
        return s_write(fd, h, 9);
    }
    h[1] = (uint8_t) size;
    return s_write(fd, h, 2);
}

static int
s_send_frame(s_conn_t *c, bool command, const uint8_t *body, size_t len)
{
    return s_header(c->fd, command, len) || s_write(c->fd, body, len) ? -1 : 0;
}

/* Reads one frame into c->frame (at most S_FRAME_MAX bytes). */
static int
s_recv_frame(s_conn_t *c)
{
    uint8_t flags, sz[8];
    uint64_t size = 0;
    if (s_read(c->fd, &flags, 1) != 0)
        return -1;
    int n = flags & 0x02 ? 8 : 1;
    if (s_read(c->fd, sz, (size_t) n) != 0)
        return -1;
    for (int i = 0; i < n; i++)
        size = size << 8 | sz[i];
    if (size > S_FRAME_MAX || s_read(c->fd, c->frame, size) != 0)
        return -1;
    c->len = size;
    return 0;
}

/* The 64-byte greeting, both ways: ZMTP 3.1, mechanism CURVE. */
static int
s_greet(s_conn_t *c)
{
    uint8_t g[64] = {0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 1};
    memcpy(g + 12, "CURVE", 5);
    if (s_write(c->fd, g, sizeof g) != 0 || s_read(c->fd, g, sizeof g) != 0)
        return -1;
    return g[0] == 0xff && g[10] == 3 && memcmp(g + 12, "CURVE", 6) == 0 ? 0
                                                                         : -1;
}

static void
s_nonce(uint8_t n[24], const char *prefix, uint64_t v)
{
    memcpy(n, prefix, 16);
    s_put64(n + 16, v);
}

/* HELLO: C' and Box[64 zero bytes](C'->S). */
static int
s_hello(s_conn_t *c)
{
    uint8_t hello[200] = {0}, zero[64] = {0}, nonce[24];
    crypto_box_keypair(c->cn_pub, c->cn_sec);
    s_nonce(nonce, "CurveZMQHELLO---", c->nonce++);
    memcpy(hello, "\x05HELLO\x01\x00", 8);
    memcpy(hello + 80, c->cn_pub, 32);
    memcpy(hello + 112, nonce + 16, 8);
    if (crypto_box_easy(hello + 120, zero, sizeof zero, nonce, c->server,
                        c->cn_sec) != 0)
        return -1;
    return s_send_frame(c, true, hello, sizeof hello);
}

/* WELCOME: Box[S' + cookie](S->C'). */
static int
s_welcome(s_conn_t *c)
{
    uint8_t nonce[24], plain[128];
    if (s_recv_frame(c) != 0 || c->len != 168 ||
        memcmp(c->frame, "\x07WELCOME", 8) != 0)
        return -1;
    memcpy(nonce, "WELCOME-", 8);
    memcpy(nonce + 8, c->frame + 8, 16);
    if (crypto_box_open_easy(plain, c->frame + 24, 144, nonce, c->server,
                             c->cn_sec) != 0)
        return -1;
    memcpy(c->cn_server, plain, 32);
    memcpy(c->cookie, plain + 32, 96);
    return crypto_box_beforenm(c->precom, c->cn_server, c->cn_sec);
}

/* INITIATE: the cookie and Box[C + vouch + metadata](C'->S'), the vouch
 * being Box[C' + S](C->S'). The metadata says we are a DEALER. */
static int
s_initiate(s_conn_t *c)
{
    static const uint8_t meta[] = "\x0bSocket-Type\0\0\0\x06"
                                  "DEALER";
    uint8_t vouch_plain[64], vouch_nonce[24], nonce[24];
    uint8_t plain[128 + sizeof meta - 1];
    uint8_t msg[113 + 16 + sizeof plain];
    memcpy(vouch_plain, c->cn_pub, 32);
    memcpy(vouch_plain + 32, c->server, 32);
    memcpy(vouch_nonce, "VOUCH---", 8);
    randombytes_buf(vouch_nonce + 8, 16);
    memcpy(plain, c->pub, 32);
    memcpy(plain + 32, vouch_nonce + 8, 16);
    if (crypto_box_easy(plain + 48, vouch_plain, 64, vouch_nonce, c->cn_server,
                        c->sec) != 0)
        return -1;
    memcpy(plain + 128, meta, sizeof meta - 1);
    s_nonce(nonce, "CurveZMQINITIATE", c->nonce++);
    memcpy(msg, "\x08INITIATE", 9);
    memcpy(msg + 9, c->cookie, 96);
    memcpy(msg + 105, nonce + 16, 8);
    if (crypto_box_easy(msg + 113, plain, sizeof plain, nonce, c->cn_server,
                        c->cn_sec) != 0)
        return -1;
    return s_send_frame(c, true, msg, sizeof msg);
}

/* READY, or ERROR with the server's reason (printed). */
static int
s_ready(s_conn_t *c)
{
    if (s_recv_frame(c) != 0) {
        printf("kt_flood: the server hung up during the handshake\n");
        return -1;
    }
    if (c->len >= 7 && memcmp(c->frame,
                              "\x05"
                              "ERROR",
                              6) == 0) {
        size_t n = c->frame[6];
        if (n > c->len - 7)
            n = c->len - 7;
        printf("kt_flood: the server refused the handshake: %.*s\n", (int) n,
               (const char *) c->frame + 7);
        return -1;
    }
    return c->len >= 6 && memcmp(c->frame, "\x05READY", 6) == 0 ? 0 : -1;
}

/* One small message each way: ours encrypted, the answer opened. */
static int
s_round_trip(s_conn_t *c, const uint8_t *data, size_t len)
{
    uint8_t nonce[24], plain[1 + 512], msg[16 + 16 + sizeof plain];
    if (len > 512)
        return -1;
    plain[0] = 0; /* flags: the last (only) part */
    memcpy(plain + 1, data, len);
    s_nonce(nonce, "CurveZMQMESSAGEC", c->nonce);
    memcpy(msg, "\x07MESSAGE", 8);
    s_put64(msg + 8, c->nonce++);
    if (crypto_box_easy_afternm(msg + 16, plain, len + 1, nonce, c->precom) ||
        s_send_frame(c, false, msg, 16 + 16 + len + 1) || s_recv_frame(c) ||
        c->len < 33 || memcmp(c->frame, "\x07MESSAGE", 8) != 0)
        return -1;
    memcpy(nonce, "CurveZMQMESSAGES", 16);
    memcpy(nonce + 16, c->frame + 8, 8);
    return crypto_box_open_easy_afternm(c->frame + 16, c->frame + 16,
                                        c->len - 16, nonce, c->precom);
}

/* The small frame whose answer shows the session works. */
static int
s_probe(s_conn_t *c, bool api, const tst_client_t *keys)
{
    Mlps__Test__KtSeq seq = MLPS__TEST__KT_SEQ__INIT; /* seq 0: refused */
    Mlps__Test__KtCountRequest count = MLPS__TEST__KT_COUNT_REQUEST__INIT;
    uint8_t payload[16], *frame = NULL;
    size_t flen = 0;
    char mid[37];
    cmn_uuid4(mid);
    cmn_env_out_t e = {
        .message_id = mid,
        .type = api ? "mlps.test.KtCountRequest" : "mlps.test.KtSeq",
        .source = keys->self.service[0] ? keys->self.service : "client",
        .source_office = keys->self.office,
        .correlation_id = mid,
        .created_at_us = cmn_now_us(),
        .payload = payload,
        .payload_len = api ? mlps__test__kt_count_request__pack(&count, payload)
                           : mlps__test__kt_seq__pack(&seq, payload)};
    int rc = cmn_env_encode(&e, &frame, &flen);
    if (rc == 0)
        rc = s_round_trip(c, frame, flen);
    free(frame);
    if (rc == 0)
        printf("kt_flood: handshake done; a small frame was answered (%zu "
               "bytes)\n",
               c->len - 16 - 16 - 1);
    return rc;
}

/* The header of a BYTES-long frame, then zeros until the server hangs up
 * (0) or all are sent (1). */
static int
s_flood(s_conn_t *c, bool command, unsigned long long bytes)
{
    static uint8_t zeros[S_CHUNK];
    unsigned long long sent = 0;
    if (s_header(c->fd, command, bytes) != 0) {
        printf("kt_flood: the server hung up before the frame header\n");
        return 0;
    }
    while (sent < bytes) {
        size_t n = bytes - sent < S_CHUNK ? (size_t) (bytes - sent) : S_CHUNK;
        if (s_write(c->fd, zeros, n) != 0)
            break;
        sent += n;
    }
    if (sent < bytes) {
        printf("kt_flood: the server closed the connection after %llu of "
               "%llu bytes\n",
               sent, bytes);
        return 0;
    }
    printf("kt_flood: the server took all %llu bytes\n", bytes);
    return 1;
}

/* "tcp://HOST:PORT" to a connected socket, or -1. */
static int
s_connect(const char *endpoint)
{
    char host[64];
    int port = 0;
    struct sockaddr_in sa = {.sin_family = AF_INET};
    if (sscanf(endpoint, "tcp://%63[^:]:%d", host, &port) != 2 ||
        inet_pton(AF_INET, host, &sa.sin_addr) != 1 || port <= 0)
        return -1;
    sa.sin_port = htons((uint16_t) port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (fd < 0 || connect(fd, (struct sockaddr *) &sa, sizeof sa) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static int
s_keys(s_conn_t *c, const tst_client_t *keys)
{
    if (!keys->curve || zmq_z85_decode(c->pub, keys->public_key) == NULL ||
        zmq_z85_decode(c->sec, keys->secret) == NULL ||
        zmq_z85_decode(c->server, keys->server_key) == NULL)
        return -1;
    c->nonce = 1;
    return 0;
}

int
main(int argc, char **argv)
{
    static s_conn_t c;
    tst_client_t keys;
    char why[512];
    bool early = argc == 6 && strcmp(argv[5], "--before-handshake") == 0;
    if ((argc != 5 && !early) ||
        (strcmp(argv[3], "inbox") != 0 && strcmp(argv[3], "api") != 0)) {
        fprintf(stderr, "usage: kt_flood ENDPOINT SERVER inbox|api BYTES "
                        "[--before-handshake]\n");
        return 2;
    }
    unsigned long long bytes = strtoull(argv[4], NULL, 10);
    snprintf(why, sizeof why, "TST_REGISTRY and TST_KEY are needed");
    if (sodium_init() < 0 || tst_client_keys(&keys, argv[2], why, sizeof why) ||
        s_keys(&c, &keys) != 0) {
        fprintf(stderr, "kt_flood: %s\n", why);
        return 2;
    }
    if ((c.fd = s_connect(argv[1])) < 0) {
        fprintf(stderr, "kt_flood: could not connect to \"%s\"\n", argv[1]);
        return 2;
    }
    int rc = 3;
    if (s_greet(&c) != 0)
        printf("kt_flood: no CURVE greeting from the server\n");
    else if (early)
        rc = s_flood(&c, true, bytes);
    else if (s_hello(&c) || s_welcome(&c) || s_initiate(&c) || s_ready(&c) ||
             s_probe(&c, strcmp(argv[3], "api") == 0, &keys))
        printf("kt_flood: the CURVE handshake or the small frame failed\n");
    else
        rc = s_flood(&c, false, bytes);
    close(c.fd);
    sodium_memzero(&c, sizeof c);
    return rc;
}
