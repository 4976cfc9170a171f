/* pdf.c - the printable certificate (pdf.h): one A4 page drawn with Cairo
 * and Pango in Noto Sans CJK SC, the QR code from qr.c, reproducible
 * bytes, the payload in the metadata. */
#include "crt/pdf.h"
#include "dom/cert/payload.h"
#include "qr.h"

#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_PT_PER_MM (72.0 / 25.4)
#define S_PAGE_W    (210 * S_PT_PER_MM) /* A4 */
#define S_PAGE_H    (297 * S_PT_PER_MM)
#define S_MARGIN    (22 * S_PT_PER_MM)
#define S_QR_SIDE   (CRT_PDF_QR_MM * S_PT_PER_MM)
#define S_LABEL_W   (44 * S_PT_PER_MM)
#define S_BODY_W    (S_PAGE_W - 2 * S_MARGIN)
#define S_TITLE     "信息系统安全等级保护备案证明"

/* The PDF as it is written. */
typedef struct {
    uint8_t *data;
    size_t len, cap;
} s_out_t;

/* One page being drawn: the first error sticks. */
typedef struct {
    cairo_t *cr;
    double y; /* where the next block starts */
    int err;
    char *why;
    size_t whylen;
} s_page_t;

/* The font map every render uses, made by the first: Pango's default is
 * one per thread, and a service renders on whichever worker thread runs
 * the request. Renders take s_lock, so one runs at a time in a process
 * (Pango and fontconfig are not to be shared by threads at once). */
static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;
static PangoFontMap *s_map;

static void s_why(char *why, size_t whylen, const char *fmt, ...)
    CMN_PRINTF(3, 4);

/* snprintf into why (whylen may be 0). */
static void
s_why(char *why, size_t whylen, const char *fmt, ...)
{
    if (why == NULL || whylen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
}

static cairo_status_t
s_write(void *closure, const unsigned char *data, unsigned int n)
{
    s_out_t *out = closure;
    if (out->len + n > out->cap) {
        size_t cap = out->cap ? out->cap : 64 * 1024;
        while (cap < out->len + n)
            cap *= 2;
        uint8_t *p = realloc(out->data, cap);
        if (p == NULL)
            return CAIRO_STATUS_WRITE_ERROR;
        out->data = p, out->cap = cap;
    }
    memcpy(out->data + out->len, data, n);
    out->len += n;
    return CAIRO_STATUS_SUCCESS;
}

/* CMN_ECONFIG unless fontconfig gives CRT_PDF_FONT itself (it quietly
 * substitutes another font for a missing one). */
static int
s_font_check(char *why, size_t whylen)
{
    if (s_map == NULL && (s_map = pango_cairo_font_map_new()) == NULL) {
        s_why(why, whylen, "pango: no font map");
        return CMN_ENOMEM;
    }
    PangoFontMap *map = s_map;
    PangoContext *ctx = pango_font_map_create_context(map);
    PangoFontDescription *want =
        pango_font_description_from_string(CRT_PDF_FONT " 12");
    PangoFont *font = pango_font_map_load_font(map, ctx, want);
    PangoFontDescription *got = font ? pango_font_describe(font) : NULL;
    const char *family = got ? pango_font_description_get_family(got) : NULL;
    int err = 0;
    if (family == NULL || strcmp(family, CRT_PDF_FONT) != 0) {
        s_why(why, whylen,
              "font \"%s\" is not installed (Debian: fonts-noto-cjk); "
              "fontconfig offers \"%s\"",
              CRT_PDF_FONT, family ? family : "nothing");
        err = CMN_ECONFIG;
    }
    pango_font_description_free(got);
    if (font != NULL)
        g_object_unref(font);
    pango_font_description_free(want);
    g_object_unref(ctx);
    return err;
}

/* Draws text in a box of width w at (x, pg->y) in CRT_PDF_FONT of size pt
 * (points), wrapped, aligned; *h gets its height. Refuses a text with a
 * character the font lacks: no fallback font is allowed. */
static void
s_text(s_page_t *pg, const char *text, double x, double w, double pt, bool bold,
       PangoAlignment align, double *h)
{
    *h = 0;
    if (pg->err != 0)
        return;
    PangoContext *ctx = pango_font_map_create_context(s_map);
    pango_cairo_update_context(pg->cr, ctx);
    PangoLayout *lay = pango_layout_new(ctx); /* holds ctx */
    g_object_unref(ctx);
    PangoFontDescription *fd = pango_font_description_from_string(CRT_PDF_FONT);
    PangoAttrList *attrs = pango_attr_list_new();
    pango_font_description_set_absolute_size(fd, pt * PANGO_SCALE);
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD
                                               : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(lay, fd);
    pango_attr_list_insert(attrs, pango_attr_fallback_new(FALSE));
    pango_layout_set_attributes(lay, attrs);
    pango_layout_set_width(lay, (int) (w * PANGO_SCALE));
    pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(lay, align);
    pango_layout_set_text(lay, text, -1);
    int unknown = pango_layout_get_unknown_glyphs_count(lay);
    if (unknown > 0) {
        s_why(pg->why, pg->whylen,
              "text \"%.80s\": %d character%s that %s lacks", text, unknown,
              unknown == 1 ? "" : "s", CRT_PDF_FONT);
        pg->err = CMN_EINVAL;
    } else {
        int lw = 0, lh = 0;
        cairo_move_to(pg->cr, x, pg->y);
        pango_cairo_show_layout(pg->cr, lay);
        pango_layout_get_size(lay, &lw, &lh);
        *h = (double) lh / PANGO_SCALE;
    }
    pango_attr_list_unref(attrs);
    pango_font_description_free(fd);
    g_object_unref(lay);
}

/* A label and its value on one row (the value may wrap); advances y. */
static void
s_row(s_page_t *pg, const char *label, const char *value)
{
    double hl = 0, hv = 0;
    s_text(pg, label, S_MARGIN + 8, S_LABEL_W, 13, true, PANGO_ALIGN_LEFT, &hl);
    s_text(pg, value, S_MARGIN + 8 + S_LABEL_W, S_BODY_W - 16 - S_LABEL_W, 13,
           false, PANGO_ALIGN_LEFT, &hv);
    pg->y += (hl > hv ? hl : hv) + 11;
}

/* "2026-12-01" as "2026年12月1日". */
static void
s_date_zh(const char *date, char *out, size_t cap)
{
    snprintf(out, cap, "%.4s年%d月%d日", date, atoi(date + 5), atoi(date + 8));
}

static void
s_frame(cairo_t *cr)
{
    double o = 10 * S_PT_PER_MM, i = 12 * S_PT_PER_MM;
    cairo_set_source_rgb(cr, 0.55, 0.1, 0.1);
    cairo_set_line_width(cr, 2.4);
    cairo_rectangle(cr, o, o, S_PAGE_W - 2 * o, S_PAGE_H - 2 * o);
    cairo_stroke(cr);
    cairo_set_line_width(cr, 0.8);
    cairo_rectangle(cr, i, i, S_PAGE_W - 2 * i, S_PAGE_H - 2 * i);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
}

/* The title, the fields and the statement, top down. */
static void
s_body(s_page_t *pg, const crt_content_t *c)
{
    char date[32], tmp[64];
    double h = 0;
    pg->y = 34 * S_PT_PER_MM;
    s_text(pg, S_TITLE, S_MARGIN, S_BODY_W, 24, true, PANGO_ALIGN_CENTER, &h);
    pg->y += h + 30;
    s_date_zh(c->issued_on, date, sizeof date);
    s_row(pg, "备案编号", c->number);
    s_row(pg, "单位名称", c->unit_name);
    s_row(pg, "统一社会信用代码", c->unit_credit_code);
    s_row(pg, "系统名称", c->system_name);
    snprintf(tmp, sizeof tmp, "%s", crt_level_zh(c->level));
    s_row(pg, "安全保护等级", tmp);
    s_row(pg, "发证日期", date);
    s_row(pg, "受理编号", c->tracking_id);
    pg->y += 14;
    s_text(pg,
           "经审核，该信息系统的安全保护等级备案材料符合《信息安全等级保护"
           "管理办法》的规定，予以备案。",
           S_MARGIN + 8, S_BODY_W - 16, 12, false, PANGO_ALIGN_LEFT, &h);
    pg->y += h;
}

/* The issuing organ (left) and the QR code with its caption (right). */
static void
s_foot(s_page_t *pg, const crt_content_t *c, const char *payload,
       const char *organ_name)
{
    double qx = S_PAGE_W - S_MARGIN - S_QR_SIDE;
    double qy = S_PAGE_H - S_MARGIN - S_QR_SIDE - 14;
    char line[CRT_ORGAN_NAME_MAX + 64], date[32];
    double h = 0;
    int version = 0;
    if (pg->err == 0 && pg->y + 12 > qy) {
        s_why(pg->why, pg->whylen, "the fields do not fit on the page");
        pg->err = CMN_EINVAL;
    }
    pg->y = qy + 40;
    snprintf(line, sizeof line, "发证机关：%s", organ_name);
    s_text(pg, line, S_MARGIN + 8, qx - S_MARGIN - 24, 13, true,
           PANGO_ALIGN_LEFT, &h);
    pg->y += h + 8;
    snprintf(line, sizeof line, "机关代码：%s", c->organ);
    s_text(pg, line, S_MARGIN + 8, qx - S_MARGIN - 24, 12, false,
           PANGO_ALIGN_LEFT, &h);
    pg->y += h + 8;
    s_date_zh(c->issued_on, date, sizeof date);
    s_text(pg, date, S_MARGIN + 8, qx - S_MARGIN - 24, 12, false,
           PANGO_ALIGN_LEFT, &h);
    if (pg->err == 0) {
        pg->err = crt__qr_draw(pg->cr, payload, qx, qy, S_QR_SIDE, &version);
        if (pg->err != 0)
            s_why(pg->why, pg->whylen, "payload: does not fit a QR code");
    }
    pg->y = qy + S_QR_SIDE + 2;
    snprintf(line, sizeof line, "扫码核验 · %s 密钥 %s",
             strcmp(c->alg, "sm2") == 0 ? "SM2" : "Ed25519", c->key_id);
    s_text(pg, line, qx, S_QR_SIDE, 8, false, PANGO_ALIGN_CENTER, &h);
}

/* The checks before drawing: the fields, the payload carrying exactly
 * them, the organ's name (*organ_name set to the default for NULL). */
static int
s_check(const crt_content_t *c, const char *payload, const char **organ_name,
        char *why, size_t whylen)
{
    char a[CRT_TEXT_MAX], b[CRT_TEXT_MAX], inner[200];
    crt_content_t pc;
    uint8_t digest[CRT_DIGEST_LEN], sig[CRT_SIGNATURE_LEN];
    if (crt_content_check(c, why, whylen) != 0)
        return CMN_EINVAL;
    if (payload == NULL ||
        crt_payload_parse(payload, &pc, digest, sig, inner, sizeof inner)) {
        s_why(why, whylen, "payload: %s",
              payload == NULL ? "is required" : inner);
        return CMN_EINVAL;
    }
    if (crt_content_text(c, a, sizeof a) < 0 ||
        crt_content_text(&pc, b, sizeof b) < 0 || strcmp(a, b) != 0) {
        s_why(why, whylen, "payload: does not carry this certificate's fields");
        return CMN_EINVAL;
    }
    if (*organ_name == NULL)
        *organ_name = "公安机关";
    size_t n = strnlen(*organ_name, CRT_ORGAN_NAME_MAX + 1);
    const char *bad = n == 0 ? "is empty"
                      : n > CRT_ORGAN_NAME_MAX
                          ? "is longer than 120 bytes"
                          : crt_text_problem(*organ_name, n);
    if (bad != NULL) {
        s_why(why, whylen, "organ_name: %s", bad);
        return CMN_EINVAL;
    }
    return 0;
}

/* The document's metadata: fixed dates (the issue date at midnight, China
 * time) so the bytes do not depend on when it was rendered. */
static void
s_metadata(cairo_surface_t *surf, const crt_content_t *c, const char *payload)
{
    char date[40], title[160];
    snprintf(date, sizeof date, "%sT00:00:00+08:00", c->issued_on);
    snprintf(title, sizeof title, S_TITLE " %s", c->number);
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_SUBJECT,
                                   c->system_name);
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_KEYWORDS, payload);
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR,
                                   "mlps-cert");
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATE_DATE, date);
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_MOD_DATE, date);
}

/* Draws the page on surf; 0, or the first error with why. */
static int
s_draw(cairo_surface_t *surf, const crt_content_t *c, const char *payload,
       const char *organ_name, char *why, size_t whylen)
{
    cairo_t *cr = cairo_create(surf);
    s_page_t pg = {.cr = cr, .why = why, .whylen = whylen};
    s_frame(cr);
    s_body(&pg, c);
    s_foot(&pg, c, payload, organ_name);
    cairo_show_page(cr);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    if (pg.err == 0 && st != CAIRO_STATUS_SUCCESS) {
        s_why(why, whylen, "cairo: %s", cairo_status_to_string(st));
        pg.err = st == CAIRO_STATUS_NO_MEMORY ? CMN_ENOMEM : CMN_EIO;
    }
    return pg.err;
}

static int s_render(const crt_content_t *c, const char *payload,
                    const char *organ_name, uint8_t **pdf, size_t *len,
                    char *why, size_t whylen);

int
crt_pdf_render(const crt_content_t *c, const char *payload,
               const char *organ_name, uint8_t **pdf, size_t *len, char *why,
               size_t whylen)
{
    *pdf = NULL;
    *len = 0;
    int err = s_check(c, payload, &organ_name, why, whylen);
    if (err != 0)
        return err;
    pthread_mutex_lock(&s_lock);
    err = s_render(c, payload, organ_name, pdf, len, why, whylen);
    pthread_mutex_unlock(&s_lock);
    return err;
}

/* crt_pdf_render() under s_lock, its arguments checked. */
static int
s_render(const crt_content_t *c, const char *payload, const char *organ_name,
         uint8_t **pdf, size_t *len, char *why, size_t whylen)
{
    int err = s_font_check(why, whylen);
    if (err != 0)
        return err;
    s_out_t out = {0};
    cairo_surface_t *surf =
        cairo_pdf_surface_create_for_stream(s_write, &out, S_PAGE_W, S_PAGE_H);
    s_metadata(surf, c, payload);
    err = s_draw(surf, c, payload, organ_name, why, whylen);
    cairo_surface_finish(surf);
    cairo_status_t st = cairo_surface_status(surf);
    cairo_surface_destroy(surf);
    if (err == 0 && st != CAIRO_STATUS_SUCCESS) {
        s_why(why, whylen, "cairo: %s", cairo_status_to_string(st));
        err = st == CAIRO_STATUS_WRITE_ERROR || st == CAIRO_STATUS_NO_MEMORY
                  ? CMN_ENOMEM
                  : CMN_EIO;
    }
    if (err != 0) {
        free(out.data);
        return err;
    }
    *pdf = out.data;
    *len = out.len;
    return 0;
}

void
crt_pdf_shutdown(void)
{
    pthread_mutex_lock(&s_lock);
    if (s_map != NULL)
        g_object_unref(s_map);
    s_map = NULL;
    pango_cairo_font_map_set_default(NULL);
    cairo_debug_reset_static_data();
    FcFini();
    pthread_mutex_unlock(&s_lock);
}
