/* materials.c - filing materials required by level, and what is missing. */
#include "dom/materials.h"
#include "dom/level.h"

#include <string.h>

/* When a kind is required. */
typedef enum {
    S_FROM_LEVEL_2,    /* every filed system */
    S_FROM_LEVEL_3,    /* table 4: level 3 and above */
    S_WITH_SUPERVISOR, /* any level, when a supervising department applies */
} s_rule_t;

static const struct {
    const char *name;
    const char *title;
    s_rule_t rule;
} s_kinds[DOM_MAT_COUNT] = {
    [DOM_MAT_FILING_FORM] = {"filing_form", "备案表", S_FROM_LEVEL_2},
    [DOM_MAT_ELECTRONIC_DATA] = {"electronic_data", "备案电子数据",
                                 S_FROM_LEVEL_2},
    [DOM_MAT_GRADING_REPORT] = {"grading_report", "定级报告", S_FROM_LEVEL_2},
    [DOM_MAT_EXPERT_REVIEW] = {"expert_review", "专家评审意见", S_FROM_LEVEL_2},
    [DOM_MAT_SUPERVISOR_APPROVAL] = {"supervisor_approval",
                                     "上级主管部门审批意见", S_WITH_SUPERVISOR},
    [DOM_MAT_TOPOLOGY] = {"topology", "系统拓扑结构及说明", S_FROM_LEVEL_3},
    [DOM_MAT_SECURITY_ORGANISATION] = {"security_organisation",
                                       "系统安全组织机构", S_FROM_LEVEL_3},
    [DOM_MAT_SECURITY_POLICIES] = {"security_policies", "系统安全管理制度",
                                   S_FROM_LEVEL_3},
    [DOM_MAT_SECURITY_DESIGN] = {"security_design",
                                 "系统安全保护设施设计实施方案或改建实施方案",
                                 S_FROM_LEVEL_3},
    [DOM_MAT_PRODUCT_LIST] = {"product_list", "系统使用的安全产品清单",
                              S_FROM_LEVEL_3},
    [DOM_MAT_EVALUATION_REPORT] = {"evaluation_report", "等级测评报告",
                                   S_FROM_LEVEL_3},
};

static int
s_index(dom_material_t kind)
{
    int k = (int) kind;
    return k >= 0 && k < DOM_MAT_COUNT ? k : -1;
}

const char *
dom_material_name(dom_material_t kind)
{
    int k = s_index(kind);
    return k < 0 ? NULL : s_kinds[k].name;
}

const char *
dom_material_title(dom_material_t kind)
{
    int k = s_index(kind);
    return k < 0 ? NULL : s_kinds[k].title;
}

int
dom_material_parse(const char *name, dom_material_t *out)
{
    if (name == NULL || out == NULL)
        return CMN_EINVAL;
    for (int k = 0; k < DOM_MAT_COUNT; k++) {
        if (strcmp(s_kinds[k].name, name) == 0) {
            *out = (dom_material_t) k;
            return 0;
        }
    }
    return CMN_EINVAL;
}

static bool
s_required(int k, int level, bool has_supervisor)
{
    switch (s_kinds[k].rule) {
    case S_FROM_LEVEL_2:
        return true;
    case S_FROM_LEVEL_3:
        return dom_level_important(level);
    case S_WITH_SUPERVISOR:
        return has_supervisor;
    }
    return false;
}

int
dom_materials_required(int level, bool has_supervisor,
                       dom_material_t out[DOM_MAT_COUNT], size_t *n)
{
    return dom_materials_missing(level, has_supervisor, NULL, 0, out, n);
}

int
dom_materials_missing(int level, bool has_supervisor,
                      const dom_material_t *submitted, size_t n_submitted,
                      dom_material_t missing[DOM_MAT_COUNT], size_t *n_missing)
{
    if (!dom_level_filed(level) || missing == NULL || n_missing == NULL ||
        (submitted == NULL && n_submitted > 0))
        return CMN_EINVAL;
    bool have[DOM_MAT_COUNT] = {false};
    for (size_t i = 0; i < n_submitted; i++) {
        int k = s_index(submitted[i]);
        if (k < 0)
            return CMN_EINVAL;
        have[k] = true;
    }
    size_t n = 0;
    for (int k = 0; k < DOM_MAT_COUNT; k++) {
        if (s_required(k, level, has_supervisor) && !have[k])
            missing[n++] = (dom_material_t) k;
    }
    *n_missing = n;
    return 0;
}
