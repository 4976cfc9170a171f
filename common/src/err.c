/* err.c - text and names for CMN_E* codes. */
#include "cmn/err.h"

const char *
cmn_strerror(int err)
{
    switch (err) {
    case 0:
        return "success";
#define CMN_ERR_TEXT(name, val, text) \
    case CMN_##name:                  \
        return text;
        CMN_ERRNO_MAP(CMN_ERR_TEXT)
#undef CMN_ERR_TEXT
    default:
        return "unknown error";
    }
}

const char *
cmn_err_name(int err)
{
    switch (err) {
    case 0:
        return "0";
#define CMN_ERR_NAME(name, val, text) \
    case CMN_##name:                  \
        return "CMN_" #name;
        CMN_ERRNO_MAP(CMN_ERR_NAME)
#undef CMN_ERR_NAME
    default:
        return "CMN_EUNKNOWN";
    }
}
