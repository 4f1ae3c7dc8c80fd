/* Unit tests of the report's parts (src/report/): the CSV and JSON readers, the series and
 * their intervals, escaping, number formatting and axis ticks. */
#include "af_test.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/escape.h"
#include "report/format.h"
#include "report/csv.h"
#include "report/json.h"
#include "report/series.h"
#include "report/svg.h"

static char tmpdir[64];

static int make_dir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/af_rep_readers_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Writes text to tmpdir/name and returns the path (static buffer). */
static const char *write_file(const char *name, const char *text)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* ---- CSV ---- */

static void csv_reads_quoted_fields_and_crlf(void **state)
{
    (void)state;
    const char *p = write_file("q.csv", "a,b,c\r\n1,\"x,y\",\"say \"\"hi\"\"\"\r\n2,\"two\nlines\",\r\n");
    rp_csv *c;
    af_error err;
    assert_int_equal(rp_csv_open(&c, p, "q.csv", &err), AF_OK);
    assert_int_equal(rp_csv_ncols(c), 3);
    assert_int_equal(rp_csv_col(c, "b"), 1);
    assert_int_equal(rp_csv_col(c, "z"), -1);
    bool got;
    assert_int_equal(rp_csv_next(c, &got, &err), AF_OK);
    assert_true(got);
    assert_string_equal(rp_csv_field(c, 1), "x,y");
    assert_string_equal(rp_csv_field(c, 2), "say \"hi\"");
    assert_int_equal(rp_csv_line(c), 2);
    assert_int_equal(rp_csv_next(c, &got, &err), AF_OK);
    assert_true(got);
    assert_string_equal(rp_csv_field(c, 1), "two\nlines");
    assert_string_equal(rp_csv_field(c, 2), "");
    assert_int_equal(rp_csv_line(c), 3);
    double v;
    assert_int_equal(rp_csv_num(c, 2, true, &v, &err), AF_OK);
    assert_true(isnan(v));
    assert_int_equal(rp_csv_num(c, 2, false, &v, &err), AF_PARSE);
    assert_string_equal(err.message, "q.csv:3: column 'c' is empty; expected a number");
    assert_int_equal(rp_csv_next(c, &got, &err), AF_OK);
    assert_false(got);
    rp_csv_close(c);
}

/* Each malformed file gives exactly this message. */
static void csv_errors_name_file_and_line(void **state)
{
    (void)state;
    static const struct {
        const char *text, *message;
    } cases[] = {
        {"a,b\n1,2\n3\n", "t.csv:3: expected 2 fields as in the header, found 1"},
        {"a,b\n1,2,3\n", "t.csv:2: expected 2 fields as in the header, found 3"},
        {"a,b\n1,2\n\n3,4\n", "t.csv:3: empty line"},
        {"a,b\n1,\"2\n", "t.csv:2: quoted field not closed before end of file"},
        {"a,b\n1,\"2\"x\n", "t.csv:2: field 2: text after a closing quote"},
        {"a,b\n1,2\"\n", "t.csv:2: field 2: quote inside an unquoted field"},
        {"a,a\n", "t.csv:1: header: column 'a' appears twice"},
        {"a,\n", "t.csv:1: header: column 2 has no name"},
        {"", "t.csv:1: empty file: expected a header line"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *p = write_file("t.csv", cases[i].text);
        rp_csv *c = NULL;
        af_error err;
        af_status st = rp_csv_open(&c, p, "t.csv", &err);
        bool got = true;
        while (st == AF_OK && got) st = rp_csv_next(c, &got, &err);
        rp_csv_close(c);
        assert_int_equal(st, AF_PARSE);
        assert_string_equal(err.message, cases[i].message);
        assert_string_equal(err.file, "t.csv");
    }
}

static void csv_numbers_are_strict(void **state)
{
    (void)state;
    static const char *const good[] = {"0", "-1", "1.5", "2e3", "-0.25E-2", "123456789012"};
    static const char *const bad[] = {"", " 1", "1 ", "+1", "1.", ".5", "0x10", "nan", "inf", "1e", "--1", "1,5"};
    double v;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_true(rp_parse_number(good[i], strlen(good[i]), &v));
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(rp_parse_number(bad[i], strlen(bad[i]), &v));
    assert_true(rp_parse_number("-0.25E-2", 8, &v));
    af_assert_close(v, -0.0025, 1e-15, 0);

    const char *p = write_file("n.csv", "n\nabc\n2.5\n");
    rp_csv *c;
    af_error err;
    bool got;
    assert_int_equal(rp_csv_open(&c, p, "n.csv", &err), AF_OK);
    assert_int_equal(rp_csv_next(c, &got, &err), AF_OK);
    assert_int_equal(rp_csv_num(c, 0, false, &v, &err), AF_PARSE);
    assert_string_equal(err.message, "n.csv:2: column 'n': expected a number, found 'abc'");
    assert_int_equal(err.line, 2);
    assert_int_equal(rp_csv_next(c, &got, &err), AF_OK);
    long l;
    assert_int_equal(rp_csv_uint(c, 0, 10, &l, &err), AF_PARSE);
    assert_string_equal(err.message, "n.csv:3: column 'n': expected a whole number from 0 to 10, found '2.5'");
    rp_csv_close(c);
}

/* ---- JSON ---- */

static void json_parses_the_subset_we_write(void **state)
{
    (void)state;
    const char *text = "{\"a\": [1, -2.5e1, true, false, null], \"s\": \"x\\u00e9\\n\\\"\\ud83d\\ude00\", \"o\": {}}";
    rp_json *v;
    af_error err;
    assert_int_equal(rp_json_parse(&v, text, strlen(text), "t.json", &err), AF_OK);
    const rp_json *a = rp_json_get(v, "a");
    assert_non_null(a);
    assert_int_equal(a->type, RP_JSON_ARRAY);
    assert_int_equal(a->n, 5);
    af_assert_close(a->items[1].number, -25, 0, 0);
    assert_int_equal(a->items[2].type, RP_JSON_BOOL);
    assert_true(a->items[2].boolean);
    assert_int_equal(a->items[4].type, RP_JSON_NULL);
    assert_string_equal(rp_json_str(v, "s"), "x\xC3\xA9\n\"\xF0\x9F\x98\x80");
    assert_int_equal(rp_json_get(v, "o")->type, RP_JSON_OBJECT);
    assert_null(rp_json_get(v, "missing"));
    assert_true(isnan(rp_json_num(v, "s")));
    rp_json_free(v);
}

static void json_errors_name_line_and_column(void **state)
{
    (void)state;
    static const struct {
        const char *text, *message;
    } cases[] = {
        {"{\"a\": 1,}", "t.json:1:9: trailing comma in an object"},
        {"[1, 2,]", "t.json:1:7: trailing comma in an array"},
        {"{\n  \"a\": 1\n  \"b\": 2\n}", "t.json:3:3: expected ',' or '}'"},
        {"{\"a\": 1, \"a\": 2}", "t.json:1:10: duplicate key \"a\""},
        {"{\"a\": 01}", "t.json:1:7: malformed number (leading zero)"},
        {"{\"a\": tru}", "t.json:1:7: unexpected character 't'"},
        {"{\"a\": \"x", "t.json:1:7: string not closed before end of file"},
        {"{\"a\": \"\\q\"}", "t.json:1:8: unknown escape '\\q' in a string"},
        {"{} x", "t.json:1:4: text after the end of the JSON value"},
        {"", "t.json:1:1: expected a value, found end of file"},
        {"// no\n{}", "t.json:1:1: unexpected character '/'"},
        {"[\"\\ud800\"]", "t.json:1:9: unpaired UTF-16 surrogate in \\u escape"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rp_json *v = NULL;
        af_error err;
        assert_int_equal(rp_json_parse(&v, cases[i].text, strlen(cases[i].text), "t.json", &err), AF_PARSE);
        assert_null(v);
        assert_string_equal(err.message, cases[i].message);
    }
}

static void json_refuses_deep_nesting(void **state)
{
    (void)state;
    char text[2001];
    memset(text, '[', 1000);
    memset(text + 1000, ']', 1000);
    text[2000] = '\0';
    rp_json *v;
    af_error err;
    assert_int_equal(rp_json_parse(&v, text, 2000, "deep.json", &err), AF_PARSE);
    assert_non_null(strstr(err.message, "nested deeper than 64 levels"));
}

/* ---- series ---- */

static void series_mean_and_t_interval_per_day(void **state)
{
    (void)state;
    rp_set set = {0};
    uint64_t k = rp_key(1, 0, 0), cum = rp_key(2, 0, 0), ratio = rp_key(3, 0, 0);
    /* Three replications of two days: day 0 takes 1, 2, 3; day 1 takes 10 each time. */
    for (int r = 0; r < 3; r++) {
        assert_true(rp_set_add(&set, k, RP_DAILY, 0, 1 + r, 0));
        assert_true(rp_set_add(&set, k, RP_DAILY, 1, 4, 0));
        assert_true(rp_set_add(&set, k, RP_DAILY, 1, 6, 0)); /* contributions sum */
        assert_true(rp_set_add(&set, cum, RP_CUMULATIVE, 0, 1, 0));
        assert_true(rp_set_add(&set, cum, RP_CUMULATIVE, 1, 2, 0));
        assert_true(rp_set_add(&set, ratio, RP_RATIO, 0, 1, 4));
        assert_true(rp_set_add(&set, ratio, RP_RATIO, 0, 1, 4));
        rp_set_flush(&set);
    }
    const rp_series *s = rp_set_find(&set, k);
    assert_non_null(s);
    af_assert_close(s->acc[0].mean, 2, 1e-15, 0);
    af_summary sm = af_tally_summary(&s->acc[0], 0.95);
    af_assert_close(sm.sd, 1, 1e-15, 0);
    /* t(0.975, 2 df) = 4.302653; half-width = t * sd / sqrt(3). */
    af_assert_close(sm.ci_high - 2, 4.302652729911275 / sqrt(3), 1e-9, 0);
    af_assert_close(2 - sm.ci_low, 4.302652729911275 / sqrt(3), 1e-9, 0);
    af_assert_close(s->acc[1].mean, 10, 1e-15, 0);
    af_assert_close(rp_set_find(&set, cum)->acc[1].mean, 3, 1e-15, 0);
    af_assert_close(rp_set_find(&set, ratio)->acc[0].mean, 0.25, 1e-15, 0);
    /* One replication: no interval. */
    af_tally one;
    af_tally_reset(&one);
    af_tally_add(&one, 5);
    sm = af_tally_summary(&one, 0.95);
    assert_true(isnan(sm.ci_low) && isnan(sm.ci_high));
    assert_null(rp_set_find(&set, rp_key(9, 9, 9)));
    rp_set_free(&set);
}

/* ---- escaping and numbers ---- */

/* The band of the daily charts: the 10th and 90th percentiles of the replications' values by
 * linear interpolation (type 7). Ten replications, nine at 1..9 and one odd one at 1000 on day
 * 0: sorted 1..9, 1000; p10 at h = 0.1 * 9 = 0.9, 1 + 0.9 (2 - 1) = 1.9; p90 at h = 8.1,
 * 9 + 0.1 (1000 - 9) = 108.1, where the t interval of the mean would reach
 * 104.5 + 2.262 * 313.6 / sqrt(10) = 328.8 and fill a chart whose other days are below 10.
 * The median at h = 4.5 is 5.5. Day 1 holds 7 in every replication: no band on a constant.
 * A day with one value has no band either. */
static void series_band_is_percentiles_of_replications(void **state)
{
    (void)state;
    rp_set set = {0};
    uint64_t k = rp_key(5, 0, 0);
    for (int r = 0; r < 10; r++) {
        assert_true(rp_set_add(&set, k, RP_DAILY, 0, r == 9 ? 1000 : 9 - r, 0));
        assert_true(rp_set_add(&set, k, RP_DAILY, 1, 7, 0));
        if (r == 0) assert_true(rp_set_add(&set, k, RP_DAILY, 2, 3, 0));
        rp_set_flush(&set);
    }
    const rp_series *s = rp_set_find(&set, k);
    assert_non_null(s);
    double lo, hi;
    assert_true(rp_series_band(s, 0, &lo, &hi));
    af_assert_close(lo, 1.9, 1e-12, 0);
    af_assert_close(hi, 108.1, 1e-12, 0);
    af_assert_close(rp_series_quantile(s, 0, 0.5), 5.5, 1e-12, 0);
    af_assert_close(rp_series_quantile(s, 0, 0), 1, 0, 0);
    af_assert_close(rp_series_quantile(s, 0, 1), 1000, 0, 0);
    af_summary sm = af_tally_summary(&s->acc[0], 0.95);
    assert_true(sm.ci_high > 300); /* what the band was before */
    assert_false(rp_series_band(s, 1, &lo, &hi));
    assert_true(isnan(lo) && isnan(hi));
    assert_false(rp_series_band(s, 2, &lo, &hi));
    assert_true(isnan(rp_series_quantile(s, 3, 0.5)));
    rp_set_free(&set);
}

static void escaping_makes_any_text_inert(void **state)
{
    (void)state;
    af_buf b = {0};
    rp_esc(&b, "<script>alert(1)</script> & \"q\" 'a'");
    assert_string_equal(b.data, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; &#39;a&#39;");
    b.len = 0;
    /* Invalid UTF-8 and control characters become U+FFFD; valid UTF-8 passes. */
    rp_esc(&b, "a\x01" "b\xC3\xA9\xFF\xC0\xAF\xED\xA0\x80" "c");
    assert_string_equal(b.data, "a\xEF\xBF\xBD" "b\xC3\xA9\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
                                "\xEF\xBF\xBD" "c");
    af_buf_free(&b);
}

static void numbers_read_well(void **state)
{
    (void)state;
    char s[64];
    rp_fmt_num(s, sizeof s, 1234567.8, 4);
    assert_string_equal(s, "1.235M");
    rp_fmt_num(s, sizeof s, 54446, 4);
    assert_string_equal(s, "54,446");
    rp_fmt_num(s, sizeof s, 0.5, 3);
    assert_string_equal(s, "0.5");
    rp_fmt_num(s, sizeof s, -61.93, 3);
    assert_string_equal(s, "-61.9");
    rp_fmt_num(s, sizeof s, NAN, 3);
    assert_string_equal(s, "\xE2\x80\x93");
    rp_fmt_fixed(s, sizeof s, -0.0001, 2, 1, "");
    assert_string_equal(s, "0.00");
    rp_tick_label(s, sizeof s, 20000, 10000, 40000, false);
    assert_string_equal(s, "20k");
    rp_tick_label(s, sizeof s, 0, 10000, 40000, false);
    assert_string_equal(s, "0");
    rp_tick_label(s, sizeof s, 0.25, 0.05, 1, true);
    assert_string_equal(s, "25%");
    rp_tick_label(s, sizeof s, 2500000, 500000, 3e6, false);
    assert_string_equal(s, "2.5M");
    rp_tick_label(s, sizeof s, 5000, 5000, 10000, false); /* as its axis's 10k */
    assert_string_equal(s, "5k");
    rp_tick_label(s, sizeof s, 2000, 1000, 3000, false);
    assert_string_equal(s, "2,000");
}

static void ticks_are_round(void **state)
{
    (void)state;
    double t[32];
    int n = rp_ticks(0, 1, 5, false, t, 32);
    assert_int_equal(n, 6);
    af_assert_close(t[5], 1, 1e-12, 1e-12);
    n = rp_ticks(1, 90, 6, true, t, 32); /* days: multiples of two weeks */
    assert_int_equal(n, 6);
    af_assert_close(t[0], 14, 0, 0);
    af_assert_close(t[5], 84, 0, 0);
    n = rp_ticks(-3, 17, 4, false, t, 32);
    assert_int_equal(n, 4);
    af_assert_close(t[0], 0, 0, 0);
    af_assert_close(t[3], 15, 0, 0);
    assert_int_equal(rp_ticks(NAN, 1, 5, false, t, 32), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csv_reads_quoted_fields_and_crlf),
        cmocka_unit_test(csv_errors_name_file_and_line),
        cmocka_unit_test(csv_numbers_are_strict),
        cmocka_unit_test(json_parses_the_subset_we_write),
        cmocka_unit_test(json_errors_name_line_and_column),
        cmocka_unit_test(json_refuses_deep_nesting),
        cmocka_unit_test(series_mean_and_t_interval_per_day),
        cmocka_unit_test(series_band_is_percentiles_of_replications),
        cmocka_unit_test(escaping_makes_any_text_inert),
        cmocka_unit_test(numbers_read_well),
        cmocka_unit_test(ticks_are_round),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
