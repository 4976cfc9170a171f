/* api.h - request/reply endpoints for clients (mlpsctl, tests, offices).
 *
 * A service binds a ROUTER socket; each request is an Envelope whose type is
 * on the endpoint's allow-list, decoded and checked as any other frame. The
 * handler runs on a worker thread with a database connection, opens and
 * commits its own transaction when it writes (a read may need none; one
 * left open is rolled back), and packs its reply; the reply goes
 * back as an Envelope whose correlation_id echoes the request's. A frame
 * that cannot be decoded is answered with an mlps.v1.Problem naming the
 * reason. Clients may use REQ or DEALER sockets.
 *
 * cmn_api_call() is the blocking client side, for command-line tools. */
#ifndef CMN_API_H
#define CMN_API_H
#include "cmn/db.h"
#include "cmn/envelope.h"
#include "cmn/err.h"

#include <stdbool.h>
#include <uv.h>

/* What a handler hands back (worker thread fills it). */
typedef struct {
    char type[64];    /* reply payload type, e.g. "mlps.v1.StatusReply" */
    uint8_t *payload; /* malloc()ed packed reply; the runtime frees it */
    size_t len;
    bool kick; /* outbox rows were committed: deliver them now */
} cmn_api_reply_t;

/* Answers one request. Returns 0 with out filled, or a CMN_E* code (the
 * client then gets a Problem "unavailable"). */
typedef int (*cmn_api_fn)(PGconn *conn, const cmn_env_msg_t *req, void *arg,
                          cmn_api_reply_t *out);

typedef struct {
    const char *type; /* request type */
    const ProtobufCMessageDescriptor *descriptor;
    cmn_api_fn handle;
    /* Who may ask (cmn_ident_matches), e.g. "staff,office,gateway,unit".
     * Anyone else is answered a Problem "forbidden" and the handler never
     * runs; the handler decides what an allowed caller may see. */
    const char *from;
} cmn_api_handler_t;

typedef struct cmn_api cmn_api_t;

/* Where and how an API listens. */
typedef struct {
    const char *service;   /* this service's name (replies' source) */
    const char *endpoints; /* comma-separated zmq endpoints to bind */
    size_t max_frame;      /* largest request, bytes (0: 4 MiB) */
    /* CURVE secret key (Z85) and the registry the ZAP handler answers from
     * (bound first): a request without the ZAP User-Id is refused, and
     * handlers find the caller in req->peer. NULL: a plain development
     * socket, every caller CMN_KIND_DEV. */
    const char *curve_secret;
    const cmn_registry_t *registry;
} cmn_api_opts_t;

/* Binds the endpoints, the frame cap set before the bind. Borrows loop,
 * zctx, db, handlers and what opts points to. kick (may be NULL) runs on
 * the loop after a reply that set out->kick. A request whose envelope
 * names acting_for is taken only from a gateway's key, and is then the
 * named person's (req->peer, with .via the gateway). */
cmn_api_t *cmn_api_new(uv_loop_t *loop, void *zctx, cmn_db_t *db,
                       const cmn_api_opts_t *opts,
                       const cmn_api_handler_t *handlers, size_t nhandlers,
                       void *arg, void (*kick)(void *), void *kick_arg,
                       int *err);

/* Stops taking requests; running ones finish and are answered. */
void cmn_api_stop(cmn_api_t *self);
int cmn_api_idle(const cmn_api_t *self);
void cmn_api_destroy(cmn_api_t **self_p);

/* Packs msg into out (type copied). Convenience for handlers. */
int cmn_api_reply(cmn_api_reply_t *out, const char *type,
                  const ProtobufCMessage *msg) CMN_MUST_CHECK;

/* Blocking client call: sends req as `type` to endpoint and waits up to
 * timeout_ms for a reply of reply_desc's type. On success *reply is owned
 * by the caller (protobuf_c_message_free_unpacked(*reply, NULL)). On failure
 * returns a CMN_E* code and writes the reason (a Problem's message, or the
 * transport's) to err. */
int cmn_api_call(const char *endpoint, const char *type,
                 const ProtobufCMessage *req,
                 const ProtobufCMessageDescriptor *reply_desc, int timeout_ms,
                 ProtobufCMessage **reply, char *err,
                 size_t errlen) CMN_MUST_CHECK;

/* The keys of a CURVE client (Z85 text): its own pair and the server's
 * public key. */
typedef struct {
    const char *secret, *public_key, *server_key;
} cmn_api_curve_t;

/* cmn_api_call over CURVE when curve is not NULL (the server's ZAP
 * handler then knows the caller by its key). */
int cmn_api_call_curve(const char *endpoint, const cmn_api_curve_t *curve,
                       const char *type, const ProtobufCMessage *req,
                       const ProtobufCMessageDescriptor *reply_desc,
                       int timeout_ms, ProtobufCMessage **reply, char *err,
                       size_t errlen) CMN_MUST_CHECK;

/* A call as a gateway acting for a person. */
typedef struct {
    const char *endpoint;
    const cmn_api_curve_t *curve; /* NULL: plain (development) */
    const char *acting_for;       /* NULL or "": the caller itself */
    int timeout_ms;
} cmn_api_target_t;

/* cmn_api_call_curve with the envelope's acting_for set. */
int cmn_api_request(const cmn_api_target_t *target, const char *type,
                    const ProtobufCMessage *req,
                    const ProtobufCMessageDescriptor *reply_desc,
                    ProtobufCMessage **reply, char *err,
                    size_t errlen) CMN_MUST_CHECK;

/* Writes a random (version 4) UUID in canonical lower-case text. */
void cmn_uuid4(char out[37]);

/* Microseconds since the Unix epoch. */
int64_t cmn_now_us(void);

#endif /* CMN_API_H */
