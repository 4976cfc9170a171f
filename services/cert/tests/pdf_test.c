/* pdf_test.c - the printable certificate: it renders with the font
 * embedded, its QR code scans back to exactly the payload from a 150 dpi
 * raster (pdftoppm, zbarimg), the text extracts as Chinese (pdftotext),
 * the bytes repeat, a character the font lacks is refused by name, and the
 * payload is found again in the metadata. */
#include "crt/pdf.h"
#include "crt_test.h"

#include <sys/wait.h>

typedef struct {
    crt_content_t c;
    char payload[CRT_PAYLOAD_MAX];
} s_cert_t;

/* c signed with the fixed key pem. */
static s_cert_t
s_cert(const crt_content_t *c, const char *pem)
{
    s_cert_t s;
    const char *path = crt_test_path(0, "key.pem");
    crt_test_write(path, pem, strlen(pem));
    crt_key_t *k = crt_test_key(path);
    s.c = *c;
    crt_test_sign(k, &s.c, s.payload);
    crt_key_free(&k);
    unlink(path);
    return s;
}

static size_t
s_render(const s_cert_t *s, const char *organ, uint8_t **pdf)
{
    size_t len = 0;
    char why[300] = "";
    if (crt_pdf_render(&s->c, s->payload, organ, pdf, &len, why, sizeof why))
        fail_msg("%s", why);
    assert_non_null(*pdf);
    return len;
}

static bool
s_has(const uint8_t *pdf, size_t len, const char *text)
{
    size_t n = strlen(text);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(pdf + i, text, n) == 0)
            return true;
    return false;
}

/* Runs cmd (sh -c) and reads its standard output into out; its exit
 * status, or -1 when it did not exit. */
static int
s_run(const char *cmd, char *out, size_t cap)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool
s_tools_missing(void)
{
    char out[64];
    return s_run("command -v pdftoppm >/dev/null && command -v zbarimg "
                 ">/dev/null && command -v pdftotext >/dev/null",
                 out, sizeof out) != 0;
}

static void
s_render_basics(void **state)
{
    (void) state;
    crt_content_t c = crt_test_content();
    s_cert_t s = s_cert(&c, CRT_TEST_ED_PEM);
    uint8_t *pdf = NULL;
    size_t len = s_render(&s, "北京市公安局海淀分局", &pdf);
    assert_true(len > 1000);
    assert_memory_equal(pdf, "%PDF-", 5);
    assert_memory_equal(pdf + len - 6, "%%EOF\n", 6);
    assert_true(s_has(pdf, len, "NotoSansCJKsc-Regular"));
    assert_true(s_has(pdf, len, "NotoSansCJKsc-Bold"));
    assert_true(s_has(pdf, len, "/FontFile3")); /* embedded, not named */
    assert_true(s_has(pdf, len, "/CreationDate (20261201000000+08'00)"));
    assert_true(s_has(pdf, len, "/ModDate (20261201000000+08'00)"));
    free(pdf);
}

/* Renders s, rasterises it at 150 dpi and reads the QR code back; also
 * extracts the page's text into text. */
static void
s_scan(const s_cert_t *s, char *text, size_t cap)
{
    uint8_t *pdf = NULL;
    size_t len = s_render(s, NULL, &pdf);
    const char *file = crt_test_path(1, "scan.pdf");
    const char *png = crt_test_path(2, "scan");
    crt_test_write(file, (const char *) pdf, len);
    free(pdf);
    char cmd[16384], out[2048];
    snprintf(cmd, sizeof cmd,
             "pdftoppm -r 150 -png -singlefile '%s' '%s' && zbarimg --raw -q "
             "'%s.png' 2>/dev/null",
             file, png, png);
    assert_int_equal(s_run(cmd, out, sizeof out), 0);
    size_t n = strlen(out);
    assert_true(n > 0 && out[n - 1] == '\n');
    out[n - 1] = '\0';
    assert_string_equal(out, s->payload);
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' -", file);
    assert_int_equal(s_run(cmd, text, cap), 0);
    snprintf(cmd, sizeof cmd, "%s.png", png);
    unlink(cmd);
    unlink(file);
}

static void
s_qr_scans(void **state)
{
    (void) state;
    if (s_tools_missing()) {
        print_message("pdftoppm, zbarimg or pdftotext is missing "
                      "(poppler-utils, zbar-tools): not scanning\n");
        skip();
    }
    char text[8192];
    crt_content_t c = crt_test_content();
    s_cert_t s = s_cert(&c, CRT_TEST_ED_PEM);
    s_scan(&s, text, sizeof text);
    assert_non_null(strstr(text, "信息系统安全等级保护备案证明"));
    assert_non_null(strstr(text, "北京市海淀区某某科技有限公司"));
    assert_non_null(strstr(text, "安全保护等级"));
    assert_non_null(strstr(text, "第三级"));
    assert_non_null(strstr(text, "2026年12月1日"));
    assert_non_null(strstr(text, "发证机关：公安机关"));

    /* the largest payload there is, signed with SM2 */
    char why[200];
    c.unit_name[0] = c.system_name[0] = '\0';
    for (int i = 0; i < CRT_NAME_MAX / 3; i++) {
        strcat(c.unit_name, i % 2 ? "龘" : "海");
        strcat(c.system_name, i % 2 ? "鑫" : "平");
    }
    assert_int_equal(crt_content_set(&c, "number", "11010843001999-400019999",
                                     why, sizeof why),
                     0);
    memset(c.tracking_id, '7', CRT_TRACKING_MAX);
    c.tracking_id[CRT_TRACKING_MAX] = '\0';
    s = s_cert(&c, CRT_TEST_SM2_PEM);
    print_message("largest payload: %zu bytes\n", strlen(s.payload));
    s_scan(&s, text, sizeof text);
}

static void
s_reproducible(void **state)
{
    (void) state;
    crt_content_t c = crt_test_content();
    s_cert_t s = s_cert(&c, CRT_TEST_ED_PEM);
    uint8_t *a = NULL, *b = NULL, *other = NULL;
    size_t la = s_render(&s, NULL, &a);
    size_t lb = s_render(&s, NULL, &b);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    char why[100];
    assert_int_equal(crt_content_set(&c, "level", "4", why, sizeof why), 0);
    s_cert_t s4 = s_cert(&c, CRT_TEST_ED_PEM);
    size_t lo = s_render(&s4, NULL, &other);
    assert_false(lo == la && memcmp(a, other, la) == 0);
    free(a);
    free(b);
    free(other);
}

/* A text the font lacks a character of is refused, the text named. */
static void
s_missing_glyph(void **state)
{
    (void) state;
    static const struct {
        const char *field, *value, *organ, *want;
    } cases[] = {
        {"unit_name", "தமிழ்நாடு மின்சார வாரியம்", NULL,
         "text \"தமிழ்நாடு மின்சார வாரியம்\": "},
        {"system_name", "政务服务平台🙂", NULL,
         "text \"政务服务平台🙂\": 1 character that Noto Sans CJK SC "
         "lacks"},
        {NULL, NULL, "ಬೆಂಗಳೂರು ಪೊಲೀಸ್", "text \"发证机关：ಬೆಂಗಳೂರು ಪೊಲೀಸ್\""},
        /* DejaVu Sans has Hebrew: refused only because nothing falls back */
        {"unit_name", "שלום", NULL, "text \"שלום\": 4 characters"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        crt_content_t c = crt_test_content();
        char why[300] = "";
        if (cases[i].field != NULL)
            assert_int_equal(crt_content_set(&c, cases[i].field, cases[i].value,
                                             why, sizeof why),
                             0);
        s_cert_t s = s_cert(&c, CRT_TEST_ED_PEM);
        uint8_t *pdf = NULL;
        size_t len = 0;
        assert_int_equal(crt_pdf_render(&s.c, s.payload, cases[i].organ, &pdf,
                                        &len, why, sizeof why),
                         CMN_EINVAL);
        assert_null(pdf);
        assert_int_equal(len, 0);
        if (strstr(why, cases[i].want) == NULL ||
            strstr(why, "Noto Sans CJK SC lacks") == NULL)
            fail_msg("%zu: expected \"%s\", got \"%s\"", i, cases[i].want, why);
    }
}

static void
s_payload_in_metadata(void **state)
{
    (void) state;
    crt_content_t c = crt_test_content();
    s_cert_t s = s_cert(&c, CRT_TEST_SM2_PEM);
    uint8_t *pdf = NULL;
    size_t len = s_render(&s, NULL, &pdf);
    char got[CRT_PAYLOAD_MAX];
    assert_int_equal(crt_payload_find(pdf, len, got, sizeof got), 0);
    assert_string_equal(got, s.payload);
    assert_true(s_has(pdf, len, "/Keywords (MLPSC1;"));
    assert_int_equal(crt_payload_find(pdf, len, got, 100), CMN_EMSGSIZE);
    free(pdf);
    static const uint8_t none[] = "%PDF-1.5\n/Keywords (MLPSC1)\n%%EOF\n";
    assert_int_equal(crt_payload_find(none, sizeof none, got, sizeof got),
                     CMN_ENOENT);
    assert_int_equal(crt_payload_find(none, 0, got, sizeof got), CMN_ENOENT);
    static const uint8_t cut[] = "xx MLPSC1;n=1";
    assert_int_equal(crt_payload_find(cut, sizeof cut - 1, got, sizeof got), 0);
    assert_string_equal(got, "MLPSC1;n=1");
}

static void
s_render_refusals(void **state)
{
    (void) state;
    crt_content_t c = crt_test_content();
    s_cert_t s = s_cert(&c, CRT_TEST_ED_PEM);
    crt_content_t c4 = s.c;
    c4.level = 4;
    uint8_t *pdf = NULL;
    size_t len = 0;
    char why[300] = "";
    assert_int_equal(
        crt_pdf_render(&c4, s.payload, NULL, &pdf, &len, why, sizeof why),
        CMN_EINVAL);
    assert_string_equal(why, "payload: does not carry this certificate's "
                             "fields");
    assert_int_equal(
        crt_pdf_render(&s.c, "MLPSC1;n=1", NULL, &pdf, &len, why, sizeof why),
        CMN_EINVAL);
    assert_string_equal(why, "payload: part 2: expected \"o=\" (the payload "
                             "ends early)");
    assert_int_equal(crt_pdf_render(&s.c, s.payload, "公安\n分局", &pdf, &len,
                                    why, sizeof why),
                     CMN_EINVAL);
    assert_string_equal(why, "organ_name: contains a control character");
    assert_int_equal(
        crt_pdf_render(&s.c, s.payload, "", &pdf, &len, why, sizeof why),
        CMN_EINVAL);
    assert_string_equal(why, "organ_name: is empty");
    c4 = s.c;
    c4.unit_credit_code[17] = 'X';
    assert_int_equal(
        crt_pdf_render(&c4, s.payload, NULL, &pdf, &len, why, sizeof why),
        CMN_EINVAL);
    assert_string_equal(why, "unit_credit_code: check character does not "
                             "match");
    assert_null(pdf);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_render_basics),
        cmocka_unit_test(s_qr_scans),
        cmocka_unit_test(s_reproducible),
        cmocka_unit_test(s_missing_glyph),
        cmocka_unit_test(s_payload_in_metadata),
        cmocka_unit_test(s_render_refusals),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    crt_pdf_shutdown(); /* for the sanitizer build's leak check */
    return failed;
}
