/* Tests of af_report_write (src/report/) on the output directories in tests/data/report/:
 * the charts are there, every input string is escaped, a malformed input is an error naming
 * file:line and leaves no report, the summary table shows the input's numbers, and the same
 * inputs give the same bytes. */
#include "af_test.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aidflow/report.h"

#ifndef AF_REPORT_DATA
#error "AF_REPORT_DATA: the folder of the report's fixtures"
#endif

static char tmp[64];

static int make_dir(void **state)
{
    (void)state;
    snprintf(tmp, sizeof tmp, "/tmp/af_report_XXXXXX");
    return mkdtemp(tmp) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    return system(cmd) == 0 ? 0 : -1;
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle)) n++;
    return n;
}

static bool contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++) {
        size_t i = 0;
        while (i < n && p[i] && tolower((unsigned char)p[i]) == tolower((unsigned char)needle[i])) i++;
        if (i == n) return true;
    }
    return false;
}

/* Copies a fixture directory into tmp/name and returns the copy's path (static buffer). */
static const char *copy_fixture(const char *fixture, const char *name)
{
    static char dst[4][256];
    static int k;
    char *d = dst[k++ % 4];
    snprintf(d, 256, "%s/%s", tmp, name);
    char cmd[768];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && cp -r '%s/%s' '%s'", d, AF_REPORT_DATA, fixture, d);
    assert_int_equal(system(cmd), 0);
    return d;
}

/* Runs sed on a file of a copied fixture. */
static void edit(const char *dir, const char *file, const char *sed)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "sed -i '%s' '%s/%s'", sed, dir, file);
    assert_int_equal(system(cmd), 0);
}

static char *report_of(const char *const *dirs, size_t n, const char *out_name)
{
    char out[256];
    snprintf(out, sizeof out, "%s/%s", tmp, out_name);
    af_error err;
    af_status st = af_report_write(dirs, n, out, &err);
    if (st != AF_OK) fail_msg("af_report_write: %s", err.message);
    return read_all(out);
}

static void assert_self_contained(const char *html)
{
    static const char *const banned[] = {"<script", "src=", "href=", "url(", "@import", "<link", "<img",
                                         "<iframe", "<object", "<embed", "http://", "https://"};
    for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++)
        if (contains_ci(html, banned[i])) fail_msg("the report contains '%s'", banned[i]);
}

static void run_report_has_its_charts(void **state)
{
    (void)state;
    const char *dirs[] = {AF_REPORT_DATA "/run_small"};
    char *html = report_of(dirs, 1, "run.html");
    assert_int_equal(count(html, "<svg "), 6);
    assert_int_equal(count(html, "</svg>"), 6);
    static const char *const titles[] = {
        "<title id=\"deliveries-1-t\">Tonnes delivered and needed per day, by category</title>",
        "<title id=\"coverage-2-t\">Daily coverage by region</title>",
        "<title id=\"unmet-3-t\">Cumulative unmet need by region, person-days</title>",
        "<title id=\"queues-4-t\">Trucks waiting per station, upstream included</title>",
        "<title id=\"waits-5-t\">Waiting time per station</title>",
        "<title id=\"fates-6-t\">Truck fates over the horizon (mean per replication)</title>",
    };
    for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++)
        if (!strstr(html, titles[i])) fail_msg("missing chart: %s", titles[i]);
    /* Panels per category, region and station; legends; axis labels with units. */
    for (const char *s = "All categories\0food\0water\0north\0south\0kerem_shalom\0kerem_shalom.transfer\0"; *s;
         s += strlen(s) + 1) {
        char t[96];
        snprintf(t, sizeof t, "class=\"pt\"");
        assert_non_null(strstr(html, s));
    }
    assert_non_null(strstr(html, ">tonnes per day</text>"));
    assert_non_null(strstr(html, ">person-days</text>"));
    assert_non_null(strstr(html, ">minutes</text>"));
    assert_non_null(strstr(html, ">10th\xE2\x80\x93" "90th percentile of replications</text>"));
    assert_non_null(strstr(html, ">need</text>"));
    /* kerem_shalom was closed on day 2 in both replications: one shaded day. */
    assert_int_equal(count(html, "class=\"closed\""), 2); /* queue and wait charts */
    assert_non_null(strstr(html, "closed all day"));
    /* Print rules for A4, no chart split across pages. */
    assert_non_null(strstr(html, "@page{size:A4"));
    assert_non_null(strstr(html, "figure{margin:10px 0 22px;break-inside:avoid"));
    assert_self_contained(html);
    free(html);
}

/* The part of html from the element whose opening tag starts with `open` to its closing tag
 * `close` (a copy; NULL if absent). */
static char *element(const char *html, const char *open, const char *close)
{
    const char *a = strstr(html, open);
    if (!a) return NULL;
    const char *z = strstr(a, close);
    if (!z) return NULL;
    size_t n = (size_t)(z - a) + strlen(close);
    char *s = malloc(n + 1);
    assert_non_null(s);
    memcpy(s, a, n);
    s[n] = '\0';
    return s;
}

/* The answer, the region x category table of need met and the network diagram, from
 * run_network (run_small with a network; the numbers below are worked from its daily.csv and
 * stations.csv). */
static void network_and_need_met_answer_the_question(void **state)
{
    (void)state;
    const char *dirs[] = {AF_REPORT_DATA "/run_network"};
    char *html = report_of(dirs, 1, "network.html");
    /* The answer comes first: before the network, the summary and every chart. */
    const char *answer = strstr(html, "<section id=\"answer\">"), *net = strstr(html, "<section id=\"network\">");
    assert_non_null(answer);
    assert_non_null(net);
    assert_true(answer < net);
    assert_true(net < strstr(html, "<section id=\"summary\">"));
    assert_true(net < strstr(html, "<svg id=\"deliveries-"));

    /* Every region is a row and every category a column of the need-met table. */
    char *table = element(html, "<table class=\"needmet\">", "</table>");
    assert_non_null(table);
    for (const char *r = "north\0south\0"; *r; r += strlen(r) + 1) {
        char row[64];
        snprintf(row, sizeof row, "<th scope=\"row\">%s</th>", r);
        assert_int_equal(count(table, row), 1);
    }
    for (const char *c = "food\0water\0"; *c; c += strlen(c) + 1) {
        char col[64];
        snprintf(col, sizeof col, "<th class=\"n\">%s</th>", c);
        assert_int_equal(count(table, col), 1);
    }
    /* North food: consumed / need = 600/1800 and 606/1800, mean 0.335, sd 0.002357, t(0.975, 1)
     * = 12.706: half-width 0.0212, so 33.5% (31.4-35.6%). South water: 633 and 639 of 76,500,
     * mean 0.83%, shown to one decimal. */
    assert_non_null(strstr(table, "<td class=\"n\">33.5% <span class=\"ci\">(31.4\xE2\x80\x93" "35.6%)</span></td>"));
    assert_non_null(strstr(table, "<td class=\"n\">0.8% <span class=\"ci\">"));
    free(table);

    /* Where trucks wait: kerem_shalom.transfer 10.5 on average (5.5, 10.5, 15.5), shown 11;
     * kerem_shalom 7 ((5.5 + 0 + 15.5) / 3), 2 of them beyond its queue limit of 5. */
    assert_non_null(strstr(html, "Most at <strong>kerem_shalom.transfer</strong>: 11 trucks waiting at midnight"));
    assert_non_null(strstr(html, "<strong>kerem_shalom</strong>: 7 trucks waiting at midnight on average, 2 of them "
                                 "upstream because its 5-truck queue is full"));
    /* What limits: kerem_shalom served its cap of 95 with trucks waiting on days 1 and 3 (day 2
     * it was closed). */
    assert_non_null(strstr(html, "<strong>kerem_shalom</strong>, at its daily cap of 95 trucks, with trucks waiting, "
                                 "on 2 of the 3 days."));

    /* The network names every node, and its legs carry the trucks a day: into kerem_shalom its
     * arrivals (100 + 0 + 100) / 3 = 67; into each hub its deliveries (daily.csv's trucks:
     * north 26.9, south 28.2 a day). */
    char *svg = element(html, "<svg id=\"network-", "</svg>");
    assert_non_null(svg);
    for (const char *n = "al_arish\0kerem_shalom\0rafah_hub\0gaza_city_hub\0"; *n; n += strlen(n) + 1) {
        char t[96];
        snprintf(t, sizeof t, ">%s</text>", n);
        if (!strstr(svg, t)) fail_msg("the network does not name %s", n);
    }
    assert_non_null(strstr(svg, ">67/d</text>"));
    assert_non_null(strstr(svg, ">27/d</text>"));
    assert_non_null(strstr(svg, ">28/d</text>"));
    assert_non_null(strstr(svg, ">South Gaza</text>"));
    /* Closed from 2 March to 3 March at midnight: on 2 March alone. */
    assert_non_null(strstr(svg, ">closed 2 Mar</text>"));
    free(svg);

    /* Time axes in dates, the closure marked and explained; the label tells the variant. */
    assert_non_null(strstr(html, ">1 Mar</text>"));
    assert_non_null(strstr(html, "1: kerem_shalom closed on 2024-03-02."));
    assert_non_null(strstr(html, "<h1>Fixture: two regions, two categories (kerem_shalom.lanes=4)</h1>"));
    /* The queue limit drawn in the queue chart. */
    assert_non_null(strstr(html, ">queue limit: beyond it trucks wait upstream</text>"));
    assert_self_contained(html);
    free(html);
}

/* --label names each directory's run everywhere: the title, the need-met rows, the legends. */
/* "What limits deliveries" names the model's binding constraint (summary.json's binding)
 * rather than the station the report finds holding trucks back on the most days: a leg here,
 * which stations.csv knows nothing of; and "nothing bound" when its name is null. */
static void what_limits_is_the_models_binding_constraint(void **state)
{
    (void)state;
    const char *d = copy_fixture("run_network", "binding_leg");
    edit(d, "summary.json",
         "s/^  \"bottleneck\": \\(.*\\)$/  \"bottleneck\": \\1\\n  \"binding\": {\"kind\": \"leg\", "
         "\"name\": \"convoy_road\", \"share\": 0.4, \"ci_low\": 0.3, \"ci_high\": 0.5, \"none_share\": 0.6},/");
    const char *dirs[] = {d};
    char *html = report_of(dirs, 1, "binding_leg.html");
    char *p = strstr(html, "What limits deliveries.");
    assert_non_null(p);
    assert_non_null(strstr(p, "The leg <strong>convoy_road</strong> bound on 40% of the horizon"));
    free(html);

    edit(d, "summary.json", "s/\"kind\": \"leg\", \"name\": \"convoy_road\"/\"kind\": null, \"name\": null/");
    html = report_of(dirs, 1, "binding_none.html");
    p = strstr(html, "What limits deliveries.");
    assert_non_null(p);
    assert_non_null(strstr(p, "Nothing held trucks back on any day"));
    free(html);
}

/* The time axis is in dates only when the runs' first day is a date: the run's days dated
 * 2024-13-01 (month 13) give an axis of day numbers, where the same run dated 2024-03-01
 * gives "1 Mar". */
static void time_axis_needs_a_real_date(void **state)
{
    (void)state;
    const char *good[] = {AF_REPORT_DATA "/run_small"};
    char *html = report_of(good, 1, "dated.html");
    assert_non_null(strstr(html, "text-anchor=\"middle\">1 Mar</text>"));
    free(html);
    const char *d = copy_fixture("run_small", "month_13");
    edit(d, "daily.csv", "s/2024-03-01/2024-13-01/g");
    edit(d, "stations.csv", "s/2024-03-01/2024-13-01/g");
    const char *dirs[] = {d};
    html = report_of(dirs, 1, "month_13.html");
    assert_null(strstr(html, "text-anchor=\"middle\">1 Mar</text>"));
    assert_non_null(strstr(html, "text-anchor=\"middle\">1</text>"));
    assert_non_null(strstr(html, "text-anchor=\"middle\">2</text>"));
    free(html);
}

static void labels_tell_runs_apart(void **state)
{
    (void)state;
    const char *dirs[] = {AF_REPORT_DATA "/run_small", AF_REPORT_DATA "/run_network"};
    const char *labels[] = {"today", NULL};
    char out[256];
    snprintf(out, sizeof out, "%s/labels.html", tmp);
    af_error err;
    assert_int_equal(af_report_write_labelled(dirs, labels, 2, out, &err), AF_OK);
    char *html = read_all(out);
    assert_non_null(html);
    /* The second keeps its default: its name with the override of its command. */
    assert_non_null(strstr(html, "<h1>today vs Fixture: two regions, two categories (kerem_shalom.lanes=4)</h1>"));
    char *table = element(html, "<table class=\"needmet\">", "</table>");
    assert_non_null(table);
    /* A row per region and run, each run in its colour (palette 0 and 1). */
    assert_int_equal(count(table, "<th scope=\"row\">north</th>"), 2);
    assert_int_equal(count(table, "background:#4e79a7\"></span>today</td>"), 2);
    assert_int_equal(count(table, "background:#f28e2b\"></span>Fixture: two regions, two categories (kerem_shalom.lanes=4)</td>"), 2);
    free(table);
    assert_non_null(strstr(html, ">today</text>"));
    /* The by-category table heads each run's columns with its label. */
    table = element(html, "<table class=\"bycat\">", "</thead>");
    assert_non_null(table);
    assert_non_null(strstr(table, "<th class=\"n\">today: coverage</th>"));
    assert_non_null(strstr(table, "<th class=\"n\">today: unmet person-days</th>"));
    assert_non_null(strstr(table, "<th class=\"n\">Fixture: two regions, two categories "
                                  "(kerem_shalom.lanes=4): coverage</th>"));
    free(table);
    free(html);
}

static void summary_table_shows_the_inputs_numbers(void **state)
{
    (void)state;
    const char *dirs[] = {AF_REPORT_DATA "/run_small"};
    char *html = report_of(dirs, 1, "numbers.html");
    static const char *const expected[] = {
        "<h1>Fixture: two regions, two categories</h1>",
        /* coverage.food: mean 0.41, interval 0.40-0.42 */
        "<td>food</td><td class=\"n\">41.0% <span class=\"ci\">(40.0\xE2\x80\x93" "42.0%)</span></td>",
        /* trucks_per_day.entered: 61.93 (61.54-62.32), three significant digits */
        "<td>Trucks entering Gaza per day</td><td class=\"n\">61.9 <span class=\"ci\">(61.5\xE2\x80\x93" "62.3)</span>",
        "<td>Trucks delivered to hubs</td><td class=\"n\">1,200 <span class=\"ci\">(1,110\xE2\x80\x93" "1,290)</span>",
        /* tonnes.need is the same in every replication: no interval on a constant */
        "<td>Tonnes needed</td><td class=\"n\">103,500</td>",
        /* unmet_person_days.food: 6,288,000 -> 6.29M */
        "6.29M <span class=\"ci\">(6.28M\xE2\x80\x93" "6.30M)</span>",
        /* days_to_target.food = horizon + 1: never reached */
        "<td class=\"n\">not reached</td>",
        "<td class=\"n\">2.50 <span class=\"ci\">(\xE2\x88\x92" "3.85 to 8.85)</span>",
        "kerem_shalom <span class=\"ci\">(2 of 2)</span>",
        "<tr><td>Seed</td><td><code>20240301</code></td></tr>",
        "<tr><td>Scenario hash</td><td><code>0123456789abcdef</code></td></tr>",
        "<tr><td>aidflow version</td><td><code>0.1.0</code></td></tr>",
        "<tr><td>Command</td><td><code>aidflow run tests/data/report/small.yaml --out tests/data/report/run_small</code>",
        "<tr><td>Replications</td><td>2</td></tr>",
        "<tr><td>Period</td><td>start 2024-03-01, 3 days after 7 days of warm-up</td></tr>",
        "<li>OCHA flash update (illustrative)</li>",
        "<li>Assumption: \xC3\xA9verything else</li>",
    };
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        if (!strstr(html, expected[i])) fail_msg("the report lacks: %s", expected[i]);
    free(html);
}

static void every_input_string_is_escaped(void **state)
{
    (void)state;
    const char *d = copy_fixture("run_small", "hostile");
    edit(d, "summary.json", "s|\"Fixture: two regions, two categories\"|\"<script>alert(1)</script>\"|");
    edit(d, "summary.json", "s|\"OCHA flash update (illustrative)\"|\"</li><style>*{display:none}</style>\"|");
    edit(d, "daily.csv", "s|,north,|,<img src=x onerror=alert(2)>,|");
    edit(d, "stations.csv", "s|,kerem_shalom,|,\"\"\"q\"\" \\& <b>bold</b>\",|");
    const char *dirs[] = {d};
    char *html = report_of(dirs, 1, "hostile.html");
    assert_false(contains_ci(html, "<script"));
    assert_false(contains_ci(html, "<img"));
    assert_false(contains_ci(html, "<b>"));
    assert_int_equal(count(html, "<style>"), 1); /* ours only */
    assert_non_null(strstr(html, "<title>aidflow report: &lt;script&gt;alert(1)&lt;/script&gt;</title>"));
    assert_non_null(strstr(html, "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"));
    assert_non_null(strstr(html, "&lt;img src=x onerror=alert(2)&gt;"));
    assert_non_null(strstr(html, "&quot;q&quot; &amp; &lt;b&gt;bold&lt;/b&gt;"));
    assert_non_null(strstr(html, "<li>&lt;/li&gt;&lt;style&gt;*{display:none}&lt;/style&gt;</li>"));
    assert_int_equal(count(html, "<svg "), 6);
    free(html);

    const char *e = copy_fixture("sweep_lanes", "hostile_sweep");
    edit(e, "sweep.csv", "1s|inspections.kerem_shalom.lanes|<script>x</script>|");
    edit(e, "sweep.csv", "s|,coverage.food,|,coverage.<i>food</i>,|");
    const char *edirs[] = {e};
    html = report_of(edirs, 1, "hostile_sweep.html");
    assert_false(contains_ci(html, "<script"));
    assert_false(contains_ci(html, "<i>"));
    assert_non_null(strstr(html, "<h1>Sweep of &lt;script&gt;x&lt;/script&gt;</h1>"));
    assert_non_null(strstr(html, ">coverage.&lt;i&gt;food&lt;/i&gt;</text>"));
    free(html);
}

typedef struct bad_case {
    const char *file, *sed, *message;
    int line;
} bad_case;

static void malformed_inputs_are_errors_with_file_and_line(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        {"daily.csv", "3s|,101,|,abc,|", "daily.csv:3: column 'tonnes_delivered': expected a number, found 'abc'", 3},
        {"daily.csv", "4s|,0,[^,]*$|,0|", "daily.csv:4: expected 12 fields as in the header, found 11", 4},
        {"daily.csv", "1s|need_tonnes|need|", "daily.csv:1: header: missing column 'need_tonnes'", 1},
        {"daily.csv", "2,13s|^0,|1,|;14,25s|^1,|0,|", "daily.csv:14: replication 0 after replication 1: rows must "
                                                     "be grouped by replication in increasing order", 14},
        {"daily.csv", "6s|^0,2,|0,0,|", "daily.csv:6: column 'day': days are numbered from 1, found 0", 6},
        {"daily.csv", "7s|^0,2,|0,1,|", "daily.csv:7: day 1 after day 2 of replication 0: rows must be in day order", 7},
        {"daily.csv", "4s|,south,|,,|", "daily.csv:4: column 'region' is empty; expected a name", 4},
        {"daily.csv", "2s|^0,1,|0,x1,|", "daily.csv:2: column 'day': expected a number, found 'x1'", 2},
        /* run_id (HASH-SEED): another run's tables, or tables that mix runs, are refused. */
        {"daily.csv", "1s|^|run_id,|;2,$s|^|ffffffffffffffff-20240301,|",
         "daily.csv:2: column 'run_id': 'ffffffffffffffff-20240301' is not the run of summary.json "
         "(0123456789abcdef-20240301...)", 2},
        {"daily.csv", "1s|^|run_id,|;2,$s|^|0123456789abcdef-20240301,|;5s|-20240301,|-7,|",
         "daily.csv:5: column 'run_id': '0123456789abcdef-7' is another run than '0123456789abcdef-20240301' "
         "of the rows before", 5},
        {"stations.csv", "5s|$|,extra|", "stations.csv:5: expected 14 fields as in the header, found 15", 5},
        {"stations.csv", "3s|,10$|,\"10|", "stations.csv:3: quoted field not closed before end of file", 3},
        {"summary.json", "3s|\"name\": \"Fixture|\"name\" \"Fixture|", "summary.json:3:", 3},
        {"summary.json", "s|\"seed\": 20240301|\"seed\": \"x\"|", "summary.json:13: 'seed' must be a number", 13},
        {"summary.json", "s|\"n\": 2},$|\"n\": 2}|", "summary.json:", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *d = copy_fixture("run_small", "bad");
        edit(d, cases[i].file, cases[i].sed);
        char out[256];
        snprintf(out, sizeof out, "%s/bad.html", tmp);
        /* A report already there stays as it was. */
        FILE *f = fopen(out, "w");
        fputs("previous", f);
        fclose(f);
        af_error err;
        const char *dirs[] = {d};
        assert_int_equal(af_report_write(dirs, 1, out, &err), AF_PARSE);
        char want[512];
        snprintf(want, sizeof want, "%s/%s", d, cases[i].message);
        if (strncmp(err.message, want, strlen(want)))
            fail_msg("case %zu: message\n  %s\nexpected to start with\n  %s", i, err.message, want);
        char file[300];
        snprintf(file, sizeof file, "%s/%s", d, cases[i].file);
        assert_string_equal(err.file, file);
        if (cases[i].line) assert_int_equal(err.line, cases[i].line);
        char *kept = read_all(out);
        assert_string_equal(kept, "previous");
        free(kept);
    }
}

/* Tables that carry the run's run_id (as aidflow writes them) are read, and the report names
 * the run id beside the scenario hash. */
static void run_id_of_the_tables_is_shown(void **state)
{
    (void)state;
    const char *d = copy_fixture("run_small", "with_id");
    edit(d, "daily.csv", "1s|^|run_id,|;2,$s|^|0123456789abcdef-20240301,|");
    edit(d, "stations.csv", "1s|^|run_id,|;2,$s|^|0123456789abcdef-20240301,|");
    const char *dirs[] = {d};
    char *html = report_of(dirs, 1, "with_id.html");
    assert_non_null(strstr(html, "<code>0123456789abcdef-20240301</code>"));
    free(html);
}

static void same_inputs_same_bytes(void **state)
{
    (void)state;
    const char *dirs[] = {AF_REPORT_DATA "/run_small"};
    char *a = report_of(dirs, 1, "a.html");
    char *b = report_of(dirs, 1, "b.html");
    assert_string_equal(a, b);
    free(a);
    free(b);
}

static void several_runs_are_overlaid(void **state)
{
    (void)state;
    const char *d = copy_fixture("run_small", "other");
    edit(d, "summary.json", "s|\"Fixture: two regions, two categories\"|\"Other run\"|");
    edit(d, "summary.json", "s|\"mean\": 0.41, \"sd\": 0.01, \"ci_low\": 0.40, \"ci_high\": 0.42|"
                            "\"mean\": 0.55, \"sd\": 0.01, \"ci_low\": 0.54, \"ci_high\": 0.56|");
    const char *dirs[] = {AF_REPORT_DATA "/run_small", d};
    char *html = report_of(dirs, 2, "two.html");
    assert_non_null(strstr(html, "<h1>Fixture: two regions, two categories vs Other run</h1>"));
    assert_int_equal(count(html, "<svg "), 6);
    /* One column per run in the summary, a legend entry per run in the charts. */
    assert_non_null(strstr(html, "<th class=\"n\">Fixture: two regions, two categories</th><th class=\"n\">Other run</th>"));
    assert_non_null(strstr(html, "41.0% <span class=\"ci\">(40.0\xE2\x80\x93" "42.0%)</span></td>"));
    assert_non_null(strstr(html, "55.0% <span class=\"ci\">(54.0\xE2\x80\x93" "56.0%)</span></td>"));
    assert_non_null(strstr(html, ">Other run: delivered</text>"));
    assert_non_null(strstr(html, ">Fixture: two regions, two categories: need</text>"));
    free(html);
}

static void directories_without_output_are_refused(void **state)
{
    (void)state;
    char out[256];
    snprintf(out, sizeof out, "%s/none.html", tmp);
    af_error err;
    const char *empty[] = {tmp};
    assert_int_equal(af_report_write(empty, 1, out, &err), AF_INVAL);
    assert_non_null(strstr(err.message, "holds no aidflow output"));
    const char *missing[] = {"/nonexistent/aidflow/dir"};
    assert_int_equal(af_report_write(missing, 1, out, &err), AF_NOTFOUND);
    assert_string_equal(err.message, "cannot open /nonexistent/aidflow/dir: No such file or directory");
    assert_int_equal(af_report_write(NULL, 0, out, &err), AF_INVAL);
    const char *dirs[] = {AF_REPORT_DATA "/run_small"};
    assert_int_equal(af_report_write(dirs, 1, "/nonexistent/aidflow/r.html", &err), AF_IO);
    struct stat st;
    assert_int_not_equal(stat(out, &st), 0);
}

/* Person-days need the per-person daily need: given in summary.json, derived from its person-days
 * of unmet need, or else the chart falls back to tonnes and says so. */
static void unmet_need_in_person_days_or_tonnes(void **state)
{
    (void)state;
    const char *d = copy_fixture("run_small", "no_categories");
    edit(d, "summary.json", "s|daily_need_t_per_person|need_unknown|g");
    const char *dirs[] = {d};
    char *html = report_of(dirs, 1, "derived.html");
    assert_non_null(strstr(html, ">Cumulative unmet need by region, person-days</title>"));
    free(html);
    edit(d, "summary.json", "/unmet_person_days/d");
    html = report_of(dirs, 1, "tonnes.html");
    assert_non_null(strstr(html, ">Cumulative unmet need by region, tonnes</title>"));
    assert_non_null(strstr(html, "person-days cannot be shown"));
    free(html);
}

static void compare_report_shows_both_and_the_differences(void **state)
{
    (void)state;
    const char *dirs[] = {AF_REPORT_DATA "/compare_ab"};
    char *html = report_of(dirs, 1, "compare.html");
    assert_int_equal(count(html, "<svg "), 3);
    static const char *const expected[] = {
        "<h1>spring_2024 vs autumn_2024_kissufim</h1>",
        ">Both scenarios: coverage and utilisation</title>",
        ">Both scenarios: other headline metrics</title>",
        ">Paired differences with their intervals, relative to the first scenario</title>",
        ">A: spring_2024</text>",
        ">B: autumn_2024_kissufim</text>",
        /* coverage.food: A 0.4174 (0.4078-0.4270), B 0.5358 (0.5246-0.5471), B - A 0.1184 in
         * [0.1107, 0.1261], significant */
        "<tr><td>coverage.food</td><td class=\"n\">41.7% <span class=\"ci\">(40.8\xE2\x80\x93" "42.7%)</span></td>"
        "<td class=\"n\">53.6% <span class=\"ci\">(52.5\xE2\x80\x93" "54.7%)</span></td>"
        "<td class=\"n\">+11.8 pp <span class=\"ci\">(11.1\xE2\x80\x93" "12.6 pp)</span></td><td class=\"sig\">yes</td></tr>",
        /* a negative difference, and one that is not significant */
        "<td class=\"n\">\xE2\x88\x92" "12.0M <span class=\"ci\">(\xE2\x88\x92" "12.6M to \xE2\x88\x92" "11.3M)</span>",
        "<tr><td>bottleneck.utilisation</td>",
        "<tr><td>Scenario B</td><td>autumn_2024_kissufim <code>scenarios/autumn_2024_kissufim.yaml</code>",
        "<tr><td>Seed</td><td><code>42</code></td></tr>",
    };
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        if (!strstr(html, expected[i])) fail_msg("the report lacks: %s", expected[i]);
    assert_non_null(strstr(strstr(html, "<tr><td>bottleneck.utilisation</td>"), "<td>no</td>"));
    /* Station metrics stay out of the charts, in the table. */
    assert_null(strstr(html, "class=\"bl\" x=\"230.0\" y=\"0\">station."));
    assert_non_null(strstr(html, "<tr><td>station.kerem_shalom.wait_mean_min</td>"));
    assert_self_contained(html);
    free(html);
}

static void sweep_and_target_reports_draw_metric_against_parameter(void **state)
{
    (void)state;
    const char *sweep[] = {AF_REPORT_DATA "/sweep_lanes"};
    char *html = report_of(sweep, 1, "sweep.html");
    assert_int_equal(count(html, "<svg "), 2);
    assert_non_null(strstr(html, "<h1>Sweep of inspections.kerem_shalom.lanes</h1>"));
    assert_non_null(strstr(html, ">Coverage and utilisation against the varied parameter</title>"));
    assert_non_null(strstr(html, ">Other headline metrics against the varied parameter</title>"));
    assert_non_null(strstr(html, ">inspections.kerem_shalom.lanes</text>"));
    for (const char *m = "coverage.food\0coverage.all\0bottleneck.utilisation\0trucks_per_day.entered\0"
                         "unmet_person_days.food\0";
         *m; m += strlen(m) + 1) {
        char t[128];
        snprintf(t, sizeof t, "\">%s</text>", m);
        if (!strstr(html, t)) fail_msg("no panel %s", m);
    }
    assert_null(strstr(html, ">station.kerem_shalom.utilisation</text>"));
    /* Four design points with whiskers in each of five panels. */
    assert_int_equal(count(html, "<circle "), 4 * 5 + 2 /* legends */);
    assert_self_contained(html);
    free(html);

    const char *grid[] = {AF_REPORT_DATA "/sweep_grid"};
    html = report_of(grid, 1, "grid.html");
    assert_non_null(strstr(html, "<h1>Sweep of inspections.kerem_shalom.lanes \xC3\x97 routing.policy</h1>"));
    assert_non_null(strstr(html, ">routing.policy = fixed_shares</text>"));
    assert_non_null(strstr(html, ">routing.policy = shortest_delay</text>"));
    assert_non_null(strstr(html, "<code>horizon_days=30</code>"));
    free(html);

    const char *target[] = {AF_REPORT_DATA "/target_lanes"};
    html = report_of(target, 1, "target.html");
    assert_int_equal(count(html, "<svg "), 1);
    assert_non_null(strstr(html, "Smallest value explored that meets it: <strong>inspections.kerem_shalom.lanes = 8</strong>"));
    assert_non_null(strstr(html, ">target: coverage.food &gt;= 0.95</text>"));
    assert_non_null(strstr(html, ">meets the goal</text>"));
    assert_non_null(strstr(html, "stroke-dasharray=\"4 3\"")); /* the target line */
    free(html);
}

static void one_report_of_everything(void **state)
{
    (void)state;
    const char *dirs[] = {AF_REPORT_DATA "/run_small", AF_REPORT_DATA "/compare_ab", AF_REPORT_DATA "/sweep_lanes",
                          AF_REPORT_DATA "/target_lanes"};
    char *html = report_of(dirs, 4, "all.html");
    assert_int_equal(count(html, "<svg "), 6 + 3 + 2 + 1);
    /* Element ids are unique. */
    for (int k = 1; k <= 12; k++) {
        char id[32];
        snprintf(id, sizeof id, "-%d\" class=\"chart\"", k);
        assert_int_equal(count(html, id), 1);
    }
    free(html);
}

static void malformed_experiment_files_are_errors_with_file_and_line(void **state)
{
    (void)state;
    static const struct {
        const char *fixture, *file, *sed, *message;
    } cases[] = {
        {"compare_ab", "compare.csv", "3s|,yes$|,maybe|", "compare.csv:3: column 'significant': expected yes or no, found 'maybe'"},
        {"compare_ab", "compare.csv", "1s|diff,|delta,|", "compare.csv:1: header: missing column 'diff'"},
        {"compare_ab", "replications.csv", "5s|^0,|7,|", "replications.csv:5: column 'point': expected a whole number from 0 to 1, found '7'"},
        {"sweep_lanes", "sweep.csv", "2s|,5$|,five|", "sweep.csv:2: column 'n': expected a number, found 'five'"},
        {"sweep_lanes", "provenance.json", "2s|{|[|", "provenance.json:"},
        {"target_lanes", "target.csv", "2s|,no$|,|", "target.csv:2: expected 9 fields as in the header, found 9"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (i == 5) continue; /* an empty flag is allowed: it means unknown */
        const char *d = copy_fixture(cases[i].fixture, "badexp");
        edit(d, cases[i].file, cases[i].sed);
        char out[256];
        snprintf(out, sizeof out, "%s/badexp.html", tmp);
        af_error err;
        const char *dirs[] = {d};
        assert_int_equal(af_report_write(dirs, 1, out, &err), AF_PARSE);
        char want[512];
        snprintf(want, sizeof want, "%s/%s", d, cases[i].message);
        if (strncmp(err.message, want, strlen(want)))
            fail_msg("case %zu: message\n  %s\nexpected to start with\n  %s", i, err.message, want);
        struct stat st;
        assert_int_not_equal(stat(out, &st), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(run_id_of_the_tables_is_shown),
        cmocka_unit_test(run_report_has_its_charts),
        cmocka_unit_test(network_and_need_met_answer_the_question),
        cmocka_unit_test(what_limits_is_the_models_binding_constraint),
        cmocka_unit_test(labels_tell_runs_apart),
        cmocka_unit_test(time_axis_needs_a_real_date),
        cmocka_unit_test(summary_table_shows_the_inputs_numbers),
        cmocka_unit_test(every_input_string_is_escaped),
        cmocka_unit_test(malformed_inputs_are_errors_with_file_and_line),
        cmocka_unit_test(same_inputs_same_bytes),
        cmocka_unit_test(several_runs_are_overlaid),
        cmocka_unit_test(directories_without_output_are_refused),
        cmocka_unit_test(unmet_need_in_person_days_or_tonnes),
        cmocka_unit_test(compare_report_shows_both_and_the_differences),
        cmocka_unit_test(sweep_and_target_reports_draw_metric_against_parameter),
        cmocka_unit_test(one_report_of_everything),
        cmocka_unit_test(malformed_experiment_files_are_errors_with_file_and_line),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
