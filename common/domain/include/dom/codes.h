/* codes.h - identifiers of units and places: the unified social credit code
 * of a unit (GB 32100-2015) and the administrative division code of a
 * region (GB/T 2260). Pure checks of the text; neither says the code is
 * registered or in use today. */
#ifndef DOM_CODES_H
#define DOM_CODES_H
#include <stdbool.h>

/* GB 32100-2015 unified social credit code (统一社会信用代码): exactly 18
 * characters of the code alphabet 0-9 A-H J-N P-R T U W-Y (upper case; no
 * I, O, S, V, Z), whose 18th is the check character of the first 17: with
 * each character's value its index in that alphabet (0..30) and the weights
 * 3^i mod 31 (1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28), the check
 * value is 31 - (sum mod 31), 31 read as 0. False for NULL. */
bool dom_credit_code_valid(const char *code);

/* GB/T 2260 administrative division code (行政区划代码), a rule on its form:
 *   - exactly 6 ASCII digits;
 *   - digits 1-2 a province-level code in use: 11-15, 21-23, 31-37, 41-46,
 *     50-54, 61-65, 71 (Taiwan), 81 (Hong Kong), 82 (Macao);
 *   - digits 3-4 (prefecture level) are "00" only in the province's own
 *     code "PP0000": a code "PP00CC" with a county part but no prefecture
 *     part is refused. "PPMM00" (a prefecture or a municipality's
 *     district group, e.g. 110100) and "PPMMCC" (a county or district,
 *     e.g. 110105) are accepted.
 * False for NULL. */
bool dom_region_code_valid(const char *code);

#endif /* DOM_CODES_H */
