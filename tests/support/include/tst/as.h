/* as.h - the service name a stand-in test service runs under.
 *
 * A test service that stands in for a real one (pnl_send for review, say)
 * must send under that service's name: its envelopes say source "review"
 * and its key is review@OFFICE's. It takes the name from "--as=NAME" on
 * its command line, before cmn_svc_main() sees the options, and sets
 * cmn_svc_def_t.name to it; its schema stays its own. Tests only. */
#ifndef TST_AS_H
#define TST_AS_H

#define TST_AS_MAX 32 /* longest service name */

/* Takes "--as=NAME" out of argv (the last one counts; nothing after a
 * "--" is looked at) and returns NAME, or own when there is none. argv and
 * *argc are left without it. NULL, with the reason on stderr, when NAME is
 * not 1 to TST_AS_MAX of a-z 0-9 _ -. The result is borrowed from argv or
 * own. */
const char *tst_as(int *argc, char **argv, const char *own);

#endif /* TST_AS_H */
