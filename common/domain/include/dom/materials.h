/* materials.h - which filing materials a level requires, and which of them a
 * filing lacks (the list that outcome B's reply letter carries).
 *
 * Every filed system (level 2 and above) needs:
 *   filing_form, electronic_data, grading_report, expert_review,
 *   and supervisor_approval when the unit says a supervising department
 *   approves its grading.
 * Level 3 and above add table 4 of the filing form:
 *   topology, security_organisation, security_policies, security_design,
 *   product_list, evaluation_report
 *   (table 4 also lists expert_review and supervisor_approval, required above
 *   already, under the same condition).
 * Level 1 systems are not filed. int returns: 0 or CMN_EINVAL. */
#ifndef DOM_MATERIALS_H
#define DOM_MATERIALS_H
#include "cmn/err.h"

#include <stdbool.h>
#include <stddef.h>

/* Kinds of material. The values order lists; the names are the stable
 * machine-readable form (stored, and sent between services). Append only. */
typedef enum dom_material {
    DOM_MAT_FILING_FORM = 0, /* "filing_form" 备案表 */
    DOM_MAT_ELECTRONIC_DATA, /* "electronic_data" 备案电子数据 */
    DOM_MAT_GRADING_REPORT,  /* "grading_report" 定级报告 */
    DOM_MAT_EXPERT_REVIEW,   /* "expert_review" 专家评审意见 */
    DOM_MAT_SUPERVISOR_APPROVAL, /* "supervisor_approval" 主管部门审批意见 */
    DOM_MAT_TOPOLOGY,            /* "topology" 系统拓扑结构及说明 */
    DOM_MAT_SECURITY_ORGANISATION, /* "security_organisation" 安全组织机构 */
    DOM_MAT_SECURITY_POLICIES,     /* "security_policies" 安全管理制度 */
    DOM_MAT_SECURITY_DESIGN, /* "security_design" 安全建设或整改方案 */
    DOM_MAT_PRODUCT_LIST,    /* "product_list" 安全产品清单 */
    DOM_MAT_EVALUATION_REPORT, /* "evaluation_report" 等级测评报告 */
    DOM_MAT_COUNT
} dom_material_t;

/* Stable name of kind, e.g. "filing_form". Static string; NULL for a value
 * outside the enum. */
const char *dom_material_name(dom_material_t kind);

/* Chinese title of kind for reply letters, e.g. "备案表" (UTF-8). Static
 * string; NULL for a value outside the enum. */
const char *dom_material_title(dom_material_t kind);

/* Parses a stable name (exact, case-sensitive). CMN_EINVAL (and *out
 * untouched) for any other text, NULL included. */
int dom_material_parse(const char *name, dom_material_t *out) CMN_MUST_CHECK;

/* Writes the kinds required at level (2..5) into out, in enum order, and
 * their number into *n. has_supervisor: the unit declares a supervising
 * department, so supervisor_approval is required. CMN_EINVAL for any other
 * level (level 1 is not filed). */
int dom_materials_required(int level, bool has_supervisor,
                           dom_material_t out[DOM_MAT_COUNT],
                           size_t *n) CMN_MUST_CHECK;

/* Writes the required kinds that are not among submitted[0..n_submitted)
 * into missing, in enum order, and their number into *n_missing (0 means
 * complete). Kinds submitted but not required are ignored; duplicates are
 * harmless. CMN_EINVAL if level is outside 2..5 or a submitted value is not
 * an enum value. Borrows submitted, which may be NULL when n_submitted is
 * 0. */
int dom_materials_missing(int level, bool has_supervisor,
                          const dom_material_t *submitted, size_t n_submitted,
                          dom_material_t missing[DOM_MAT_COUNT],
                          size_t *n_missing) CMN_MUST_CHECK;

#endif /* DOM_MATERIALS_H */
