/* as.c - the service name a stand-in test service runs under (tst/as.h). */
#include "tst/as.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool
s_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > TST_AS_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
              s[i] == '_' || s[i] == '-'))
            return false;
    return true;
}

const char *
tst_as(int *argc, char **argv, const char *own)
{
    const char *name = own;
    int out = 1, i = 1;
    for (; i < *argc && strcmp(argv[i], "--") != 0; i++) {
        if (strncmp(argv[i], "--as=", 5) == 0)
            name = argv[i] + 5;
        else
            argv[out++] = argv[i];
    }
    for (; i < *argc; i++) /* "--" and what follows, as they are */
        argv[out++] = argv[i];
    argv[out] = NULL;
    *argc = out;
    if (!s_name_ok(name)) {
        fprintf(stderr,
                "%s: \"as\": a service name is 1 to %d of a-z 0-9 _ -, not "
                "\"%.64s\"\n",
                own, TST_AS_MAX, name);
        return NULL;
    }
    return name;
}
