/* codes.c - form checks of unified social credit codes and division codes. */
#include "dom/codes.h"

#include <string.h>

bool
dom_credit_code_valid(const char *code)
{
    static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    static const int weights[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                    29, 25, 13, 8,  24, 10, 30, 28};
    if (code == NULL || strlen(code) != 18)
        return false;
    int sum = 0, value = 0;
    for (int i = 0; i < 18; i++) {
        const char *p = strchr(alphabet, code[i]); /* code[i] != NUL here */
        if (p == NULL)
            return false;
        value = (int) (p - alphabet);
        if (i < 17)
            sum += value * weights[i];
    }
    return value == (31 - sum % 31) % 31;
}

/* True for a province-level code in use (the first two digits). */
static bool
s_province(int pp)
{
    static const struct {
        int from, to;
    } ranges[] = {{11, 15}, {21, 23}, {31, 37}, {41, 46},
                  {50, 54}, {61, 65}, {71, 71}, {81, 82}};
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        if (pp >= ranges[i].from && pp <= ranges[i].to)
            return true;
    }
    return false;
}

bool
dom_region_code_valid(const char *code)
{
    if (code == NULL || strlen(code) != 6)
        return false;
    for (int i = 0; i < 6; i++) {
        if (code[i] < '0' || code[i] > '9')
            return false;
    }
    int pp = (code[0] - '0') * 10 + (code[1] - '0');
    bool no_prefecture = code[2] == '0' && code[3] == '0';
    bool no_county = code[4] == '0' && code[5] == '0';
    return s_province(pp) && (!no_prefecture || no_county);
}
