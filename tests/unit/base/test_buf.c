/* Unit tests of the growable buffer and its encodings (src/base/buf.c). Expected texts are
 * written out from RFC 4180 (CSV) and RFC 8259 (JSON). */
#include "af_test.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

static void test_empty_and_put(void **state)
{
    (void)state;
    af_buf b = {0};
    assert_string_equal(af_buf_str(&b), "");
    assert_null(b.data);
    af_buf_put(&b, NULL); /* nothing */
    af_buf_put(&b, "ab");
    af_buf_putc(&b, 'c');
    af_buf_putn(&b, "d\0e", 3);
    assert_int_equal(b.len, 6);
    assert_memory_equal(b.data, "abcd\0e", 7); /* and the NUL after */
    af_buf_free(&b);
    assert_int_equal(b.len, 0);
    assert_null(b.data);
}

static void test_printf_long_and_growth(void **state)
{
    (void)state;
    af_buf b;
    af_buf_init(&b);
    /* Longer than the first allocation and than printf's stack buffer. */
    char big[5000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    for (int i = 0; i < 3; i++) af_buf_printf(&b, "%d:%s;", i, big);
    assert_int_equal(b.len, 3 * (2 + 4999 + 1));
    assert_int_equal(b.data[0], '0');
    assert_int_equal(b.data[5001], ';');
    assert_int_equal(b.data[5002], '1');
    assert_true(b.cap > b.len);
    assert_int_equal(b.data[b.len], '\0');
    assert_false(b.failed);
    size_t n;
    char *s = af_buf_take(&b, &n);
    assert_int_equal(n, 3 * 5002);
    assert_int_equal(strlen(s), n);
    assert_null(b.data);
    free(s);
    /* Taking an empty buffer gives an empty string, not NULL. */
    s = af_buf_take(&b, &n);
    assert_non_null(s);
    assert_string_equal(s, "");
    assert_int_equal(n, 0);
    free(s);
}

static void test_failed_buffer_ignores_appends(void **state)
{
    (void)state;
    af_buf b = {0};
    af_buf_put(&b, "kept");
    b.failed = true; /* as after a failed realloc */
    af_buf_put(&b, " lost");
    af_buf_printf(&b, "%s", " lost");
    assert_string_equal(b.data, "kept");
    af_error err;
    af_error_clear(&err);
    assert_int_equal(af_buf_write(&b, "/nonexistent/x", &err), AF_NOMEM);
    assert_non_null(strstr(err.message, "/nonexistent/x"));
    assert_null(af_buf_take(&b, NULL));
    assert_null(b.data);
}

static void test_csv_fields(void **state)
{
    (void)state;
    af_buf b = {0};
    af_buf_csv(&b, "plain");
    af_buf_put(&b, "|");
    af_buf_csv(&b, "a,b");
    af_buf_put(&b, "|");
    af_buf_csv(&b, "say \"hi\"");
    af_buf_put(&b, "|");
    af_buf_csv(&b, "two\nlines");
    af_buf_put(&b, "|");
    af_buf_csv(&b, "cr\r");
    af_buf_put(&b, "|");
    af_buf_csv(&b, "");
    assert_string_equal(b.data, "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"|\"cr\r\"|");
    af_buf_free(&b);
}

static void test_json_strings(void **state)
{
    (void)state;
    af_buf b = {0};
    af_buf_json(&b, "q\" b\\ n\n r\r t\t \x01 \x1f \x7f \xc3\xa9");
    assert_string_equal(b.data, "\"q\\\" b\\\\ n\\n r\\r t\\t \\u0001 \\u001f \x7f \xc3\xa9\"");
    af_buf_free(&b);
    af_buf_json(&b, NULL);
    af_buf_json(&b, "");
    assert_string_equal(b.data, "\"\"\"\"");
    af_buf_free(&b);
    /* Not UTF-8 (a Latin-1 path, a cut sequence, an overlong '/', a surrogate, past U+10FFFF):
     * each bad byte becomes U+FFFD, so that the JSON is valid UTF-8; good sequences of 2, 3
     * and 4 bytes pass as they are. */
    af_buf_json(&b, "caf\xe9/\xc3 \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xe2\x82\xac\xf0\x9f\x98\x80");
    assert_string_equal(b.data, "\"caf\\ufffd/\\ufffd \\ufffd\\ufffd \\ufffd\\ufffd\\ufffd "
                                "\\ufffd\\ufffd\\ufffd\\ufffd \xe2\x82\xac\xf0\x9f\x98\x80\"");
    af_buf_free(&b);
}

static void test_numbers(void **state)
{
    (void)state;
    af_buf b = {0};
    af_buf_num(&b, 0.95, "NA");
    af_buf_put(&b, ",");
    af_buf_num(&b, NAN, "NA");
    af_buf_put(&b, ",");
    af_buf_num(&b, -INFINITY, "");
    af_buf_put(&b, ",");
    af_buf_num(&b, 12, "NA");
    assert_string_equal(b.data, "0.95,NA,,12");
    af_buf_free(&b);
}

static void test_write(void **state)
{
    (void)state;
    char dir[] = "/tmp/af_buf_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/out.txt", dir);
    af_buf b = {0};
    af_buf_put(&b, "line\n");
    af_error err;
    assert_int_equal(af_buf_write(&b, path, &err), AF_OK);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char got[16] = {0};
    assert_int_equal(fread(got, 1, sizeof got, f), 5);
    fclose(f);
    assert_string_equal(got, "line\n");
    /* An empty buffer writes an empty file. */
    af_buf_free(&b);
    assert_int_equal(af_buf_write(&b, path, &err), AF_OK);
    f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fread(got, 1, sizeof got, f), 0);
    fclose(f);
    assert_int_equal(remove(path), 0);
    assert_int_equal(remove(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_and_put),
        cmocka_unit_test(test_printf_long_and_growth),
        cmocka_unit_test(test_failed_buffer_ignores_appends),
        cmocka_unit_test(test_csv_fields),
        cmocka_unit_test(test_json_strings),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_write),
    };
    return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
