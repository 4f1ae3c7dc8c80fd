/* scenarios/README.md is the reference of the language: every ```yaml block in it loads
 * (blocks opened with ```yaml fragment are parts of a file and are skipped), and its key
 * tables list exactly the keys and defaults of the schema tables in src/scenario/schema.c. */
#include "af_test.h"

#include <ctype.h>

#include "scenario/schema.h"
#include "scn_test.h"

static void test_yaml_blocks_load(void **state)
{
    (void)state;
    char readme[4096];
    snprintf(readme, sizeof readme, "%s", scn_path("scenarios/README.md"));
    char *text = scn_read(readme, NULL);
    assert_non_null(text);
    size_t blocks = 0, skipped = 0, failed = 0;
    int line = 1;
    for (char *p = text; *p;) {
        char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        bool open = len >= 7 && !strncmp(p, "```yaml", 7);
        bool fragment = open && strstr(p, "fragment") && strstr(p, "fragment") < p + len;
        p = eol ? eol + 1 : p + len;
        line++;
        if (!open) continue;
        int start_line = line;
        char *body = p, *end = p;
        while (*end && strncmp(end, "```", 3)) {
            char *e = strchr(end, '\n');
            end = e ? e + 1 : end + strlen(end);
            line++;
        }
        if (fragment) {
            skipped++;
        } else {
            blocks++;
            af_diagnostics *d = af_diagnostics_create(0);
            af_scenario *s = NULL;
            if (af_scenario_load_buffer(readme, body, (size_t)(end - body), NULL, 0, 0, &s, d) !=
                AF_OK) {
                fprintf(stderr, "scenarios/README.md: the yaml block at line %d does not load "
                        "(its own line numbers count from 1):\n", start_line);
                scn_dump(d);
                failed++;
            } else {
                /* and what it shows loads back the same */
                size_t n;
                char *y = af_scenario_to_yaml(s, &n);
                af_scenario *s2 = NULL;
                assert_int_equal(af_scenario_load_buffer("<shown>", y, n, NULL, 0,
                                                         AF_LOAD_NO_FILES, &s2, NULL), AF_OK);
                assert_true(af_scenario_equal(s, s2));
                af_scenario_free(s2);
                free(y);
            }
            af_scenario_free(s);
            af_diagnostics_destroy(d);
        }
        p = *end ? end + 3 : end;
    }
    free(text);
    assert_true(blocks >= 3);
    if (failed) fail_msg("%zu of %zu yaml blocks in scenarios/README.md do not load", failed, blocks);
    (void)skipped;
}

/* The text of a table cell without spaces and backticks. */
static void cell(const char *from, const char *to, char *out, size_t size)
{
    while (from < to && isspace((unsigned char)*from)) from++;
    while (to > from && isspace((unsigned char)to[-1])) to--;
    size_t j = 0;
    for (; from < to && j + 1 < size; from++)
        if (*from != '`') out[j++] = *from;
    out[j] = '\0';
}

static void test_reference_tables(void **state)
{
    (void)state;
    char *text = scn_read(scn_path("scenarios/README.md"), NULL);
    assert_non_null(text);
    size_t problems = 0;
    for (const record *const *rp = schema_records; *rp; rp++) {
        const record *r = *rp;
        char marker[128];
        snprintf(marker, sizeof marker, "<!-- schema: %s -->", r->name);
        char *at = strstr(text, marker);
        if (!at) {
            fprintf(stderr, "README: no table for '%s' (%s)\n", r->name, marker);
            problems++;
            continue;
        }
        bool seen[64] = {false};
        /* rows: | key | type | unit | default | meaning | */
        char *p = strchr(at, '\n');
        while (p && p[1] && p[1] != '|') p = strchr(p + 1, '\n'); /* skip to the table */
        for (p = p ? p + 1 : NULL; p && *p == '|'; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
            char *cols[7];
            size_t nc = 0;
            for (char *q = p; *q && *q != '\n' && nc < 7; q++)
                if (*q == '|') cols[nc++] = q;
            if (nc < 6) continue;
            char key[64], def[128];
            cell(cols[0] + 1, cols[1], key, sizeof key);
            cell(cols[3] + 1, cols[4], def, sizeof def);
            if (!strcmp(key, "key") || key[0] == '-' || !key[0]) continue;
            const field *f = NULL;
            for (size_t i = 0; i < r->n_fields; i++)
                if (!strcmp(r->fields[i].key, key)) {
                    f = &r->fields[i];
                    seen[i] = true;
                }
            if (!f) {
                fprintf(stderr, "README %s: '%s' is not a key of %s\n", r->name, key, r->name);
                problems++;
            } else if (strcmp(def, schema_default_text(f))) {
                fprintf(stderr, "README %s.%s: default '%s', the schema says '%s'\n", r->name,
                        key, def, schema_default_text(f));
                problems++;
            }
        }
        for (size_t i = 0; i < r->n_fields; i++)
            if (!seen[i]) {
                fprintf(stderr, "README %s: key '%s' is not documented\n", r->name,
                        r->fields[i].key);
                problems++;
            }
    }
    free(text);
    if (problems) fail_msg("%zu differences between scenarios/README.md and the schema", problems);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_yaml_blocks_load),
        cmocka_unit_test(test_reference_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
