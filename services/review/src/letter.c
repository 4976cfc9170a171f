/* letter.c - reply letters (复函) as text. */
#include "rvw/letter.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *buf;
    size_t len, cap;
    int failed;
} s_text_t;

static void CMN_PRINTF(2, 3) s_put(s_text_t *t, const char *fmt, ...)
{
    if (t->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->failed = 1;
            return;
        }
        if ((size_t) n < t->cap - t->len) {
            t->len += (size_t) n;
            return;
        }
        size_t cap = (t->cap + (size_t) n) * 2;
        char *b = realloc(t->buf, cap);
        if (b == NULL) {
            t->failed = 1;
            return;
        }
        t->buf = b;
        t->cap = cap;
    }
}

static const char *
s_level(int level)
{
    static const char *const names[] = {"",       "第一级", "第二级",
                                        "第三级", "第四级", "第五级"};
    return level >= 1 && level <= 5 ? names[level] : "未定级";
}

static const char *
s_object(dom_object_t o)
{
    static const char *const names[] = {"公民、法人和其他组织的合法权益",
                                        "社会秩序和公共利益", "国家安全"};
    return (unsigned) o < 3 ? names[o] : "?";
}

static const char *
s_degree(dom_degree_t d)
{
    static const char *const names[] = {"一般损害", "严重损害", "特别严重损害"};
    return (unsigned) d < 3 ? names[d] : "?";
}

static void
s_date(s_text_t *t, const char *ymd)
{
    if (ymd == NULL || strlen(ymd) != 10) {
        s_put(t, "%s", ymd ? ymd : "");
        return;
    }
    s_put(t, "%.4s年%d月%d日", ymd, atoi(ymd + 5), atoi(ymd + 8));
}

static void
s_dim(s_text_t *t, const char *name, const dom_dimension_t *d, int computed,
      int differs)
{
    s_put(t, "  %s：受侵害客体为%s，侵害程度为%s；你单位定为%s，", name,
          s_object(d->object), s_degree(d->degree), s_level(d->level));
    s_put(t,
          "依据《信息安全技术 网络安全等级保护定级指南》(GB/T 22240-2020)"
          "应为%s%s。\n",
          s_level(computed), differs ? "（不一致）" : "（一致）");
}

static void
s_body(s_text_t *t, const rvw_letter_t *l)
{
    switch (l->outcome) {
    case 'A':
        s_put(t,
              "经审核，该系统安全保护等级为%s，备案材料齐全，符合要求，"
              "予以备案。\n",
              s_level(l->level));
        if (l->level >= 3)
            s_put(t, "请按照要求组织开展等级测评，第三级系统每年至少一次，"
                     "第四级系统每半年至少一次。\n");
        break;
    case 'B':
        s_put(t,
              "经审核，该系统（拟定%s）备案材料不齐全。请补充以下材料后"
              "重新报送（只需报送所列材料）：\n",
              s_level(l->level));
        for (size_t i = 0; i < l->nmissing; i++)
            s_put(t, "  %zu. %s（%s）\n", i + 1,
                  dom_material_title(l->missing[i]),
                  dom_material_name(l->missing[i]));
        s_put(t, "审核期限自补充材料到达之日起重新计算。\n");
        break;
    case 'C':
        s_put(t, "经审核，该系统定级明显不准确：\n");
        if (l->grading != NULL && l->check != NULL) {
            s_dim(t, "业务信息安全", &l->grading->info, l->check->info_level,
                  l->check->info_differs);
            s_dim(t, "系统服务安全", &l->grading->service,
                  l->check->service_level, l->check->service_differs);
            s_put(t, "  系统安全保护等级：你单位定为%s，应为%s。\n",
                  s_level(l->grading->level), s_level(l->check->level));
        }
        s_put(t, "该案已提交市级专家组复审，由市信息办协调定级调整。专家组"
                 "作出意见前，审核期限暂停计算。\n如你单位坚持原定级，"
                 "可书面说明并承担相应责任。\n");
        break;
    default:
        break;
    }
}

/* A copy of text with every control character (and DEL) replaced by a
 * space; newlines kept when multiline. NULL stays NULL. */
static char *
s_clean(const char *text, bool multiline, bool *failed)
{
    if (text == NULL)
        return NULL;
    char *out = strdup(text);
    if (out == NULL) {
        *failed = true;
        return NULL;
    }
    for (char *p = out; *p; p++) {
        unsigned char ch = (unsigned char) *p;
        if ((ch < 0x20 || ch == 0x7f) && !(multiline && ch == '\n'))
            *p = ' ';
    }
    return out;
}

static char *s_render(const rvw_letter_t *l);

char *
rvw_letter_render(const rvw_letter_t *l)
{
    bool failed = false;
    rvw_letter_t c = *l;
    const char **field[8] = {&c.tracking_id, &c.unit_name, &c.system_name,
                             &c.panel_note,  &c.liability, &c.decided_by,
                             &c.reason,      &c.office};
    static const bool multi[8] = {false, false, false, true,
                                  true,  false, true,  false};
    char *own[8];
    for (size_t i = 0; i < 8; i++)
        *field[i] = own[i] = s_clean(*field[i], multi[i], &failed);
    char *letter = failed ? NULL : s_render(&c);
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        free(own[i]);
    return letter;
}

static char *
s_render(const rvw_letter_t *l)
{
    s_text_t t = {0};
    if (l->outcome != 'A' && l->outcome != 'B' && l->outcome != 'C')
        return NULL;
    s_put(&t, "关于“%s”信息系统安全等级保护备案的复函（%c）\n\n",
          l->system_name, l->outcome);
    s_put(&t, "%s：\n\n    你单位于", l->unit_name);
    s_date(&t, l->received_on);
    s_put(&t,
          "报送的信息系统安全等级保护备案材料收悉（受理编号：%s）。"
          "现函复如下：\n\n",
          l->tracking_id);
    if (l->panel_note != NULL && l->panel_note[0] != '\0')
        s_put(&t, "专家组意见：%s\n", l->panel_note);
    s_body(&t, l);
    if (l->liability != NULL && l->liability[0] != '\0') {
        s_put(&t,
              "\n定级责任告知：你单位坚持按%s定级备案。经告知，由此定级"
              "不准确所产生的安全责任由你单位承担。\n你单位声明：%s\n",
              s_level(l->proposed), l->liability);
    }
    if (l->reason != NULL && l->reason[0] != '\0')
        s_put(&t, "\n审核意见：%s\n", l->reason);
    if (l->decided_by != NULL && l->decided_by[0] != '\0')
        s_put(&t, "\n经办：%s\n", l->decided_by);
    s_put(&t, "\n%s\n", l->office ? l->office : "");
    s_date(&t, l->issued_on);
    s_put(&t, "\n\n-- Reply %c on filing %s: level %d%s.\n", l->outcome,
          l->tracking_id, l->level,
          l->outcome == 'A'   ? ", accepted"
          : l->outcome == 'B' ? ", materials incomplete"
                              : ", grading referred to the expert panel");
    if (t.failed) {
        free(t.buf);
        return NULL;
    }
    return t.buf;
}
