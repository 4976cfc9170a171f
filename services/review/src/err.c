/* err.c - text and names for RVW_E* codes; other codes go to cmn. */
#include "rvw/err.h"

const char *
rvw_strerror(int err)
{
    switch (err) {
#define RVW_ERR_TEXT(name, val, text) \
    case RVW_##name:                  \
        return text;
        RVW_ERRNO_MAP(RVW_ERR_TEXT)
#undef RVW_ERR_TEXT
    default:
        return cmn_strerror(err);
    }
}

const char *
rvw_err_name(int err)
{
    switch (err) {
#define RVW_ERR_NAME(name, val, text) \
    case RVW_##name:                  \
        return "RVW_" #name;
        RVW_ERRNO_MAP(RVW_ERR_NAME)
#undef RVW_ERR_NAME
    default:
        return cmn_err_name(err);
    }
}
