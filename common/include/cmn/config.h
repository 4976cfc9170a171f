/* config.h - table-driven configuration, as nginx and Redis do it.
 *
 * A program declares a table of options, each with a key, a type, a default
 * and checked bounds, and the offset of its field in the program's struct.
 * Values are applied in this order, later ones winning:
 *   1. the default in the table;
 *   2. a file (`--config=FILE`, or $MLPS_CONFIG): `key = value` lines,
 *      `#` comments;
 *   3. the environment: MLPS_<KEY>, with '.' and '-' as '_' and upper case
 *      (one environment serves several programs, so MLPS_ variables a
 *      program does not know are left alone; a bad value of one it knows
 *      stops start-up);
 *   4. the command line: `--key=value` (`--flag` alone sets a bool).
 * An unknown key (file, command line) or a bad value (anywhere) stops
 * start-up with a message naming it (file:line for the file). */
#ifndef CMN_CONFIG_H
#define CMN_CONFIG_H
#include "cmn/err.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum { CMN_CFG_STR, CMN_CFG_INT, CMN_CFG_BOOL } cmn_cfg_type_t;

typedef struct {
    const char *key;     /* e.g. "db.url" */
    cmn_cfg_type_t type; /* field is char *, long or bool */
    const char *def;     /* default as text; NULL means required */
    long min, max;       /* CMN_CFG_INT bounds, inclusive */
    size_t offset;       /* offsetof(program struct, field) */
    const char *help;    /* one line for --help */
} cmn_cfg_opt_t;

/* Fills target from opts (terminated by an entry with key NULL). argv[0] is
 * skipped; parsing stops at the first argument that does not start with "--"
 * or after "--", and *first_arg (if not NULL) gets its index. On error
 * returns CMN_ECONFIG and writes the reason to err; fields already filled
 * are released. `--help` returns CMN_ECANCELED after printing the table.
 * Caller frees the strings with cmn_cfg_release(). */
int cmn_cfg_load(const cmn_cfg_opt_t *opts, void *target, int argc, char **argv,
                 int *first_arg, char *err, size_t errlen) CMN_MUST_CHECK;

/* Frees the CMN_CFG_STR fields of target. Safe to call twice. */
void cmn_cfg_release(const cmn_cfg_opt_t *opts, void *target);

#endif /* CMN_CONFIG_H */
