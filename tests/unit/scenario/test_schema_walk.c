/* schema_walk and schema_describe: the description of the key tables that aidflow schema
 * (JSON Schema, --keys, --paths), the man page and the completion are made from. Expected
 * values are read off src/scenario/schema.c by hand. */
#include "af_test.h"

#include <string.h>

#include "scenario/schema.h"
#include "scenario/units.h"

typedef struct seen {
    const char *keys[64];
    schema_key k[64];
    size_t n;
} seen;

static void collect(const schema_key *k, void *ctx)
{
    seen *s = ctx;
    assert_true(s->n < 64);
    s->keys[s->n] = k->key;
    s->k[s->n++] = *k;
}

static const schema_key *find(const seen *s, const char *key)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->keys[i], key)) return &s->k[i];
    fail_msg("no key '%s'", key);
    return NULL;
}

static const record *named(const char *name)
{
    for (const record *const *r = schema_records; *r; r++)
        if (!strcmp((*r)->name, name)) return *r;
    fail_msg("no record '%s'", name);
    return NULL;
}

/* A crossing has the 12 station keys, in the station table's order, then its own transfer and
 * gaza_side. */
static void test_walk_visits_base_first(void **state)
{
    (void)state;
    seen s = {0};
    schema_walk(named("crossing"), collect, &s);
    assert_int_equal(s.n, 14);
    assert_string_equal(s.keys[0], "name");
    assert_string_equal(s.keys[1], "lanes");
    assert_string_equal(s.keys[10], "at_closing");
    assert_string_equal(s.keys[11], "opens");
    assert_string_equal(s.keys[12], "transfer");
    assert_string_equal(s.keys[13], "gaza_side");
    const schema_key *t = find(&s, "transfer");
    assert_int_equal(t->type, ST_RECORD);
    assert_string_equal(t->sub->name, "transfer");
    assert_false(t->required);
    assert_string_equal(t->dflt, "none");
}

static void test_describe_station_keys(void **state)
{
    (void)state;
    seen s = {0};
    schema_walk(named("station"), collect, &s);
    const schema_key *lanes = find(&s, "lanes");
    assert_int_equal(lanes->type, ST_INT);
    assert_true(lanes->required);
    af_assert_close(lanes->lo, 1, 0, 0);
    af_assert_close(lanes->hi, 10000, 0, 0);

    const schema_key *cap = find(&s, "daily_cap");
    assert_int_equal(cap->type, ST_INT);
    assert_true(cap->none_ok);
    assert_string_equal(cap->dflt, "none");

    const schema_key *service = find(&s, "service");
    assert_int_equal(service->type, ST_DIST);
    assert_string_equal(service->unit, "min");
    af_assert_close(service->lo, 0, 0, 0); /* no range for a distribution */
    af_assert_close(service->hi, 0, 0, 0);

    const schema_key *disc = find(&s, "discipline");
    assert_int_equal(disc->type, ST_ENUM);
    assert_int_equal(disc->n_enum, 2);
    assert_string_equal(disc->enum_names[0], "fcfs");
    assert_string_equal(disc->enum_names[1], "priority");
    assert_string_equal(disc->dflt, "fcfs");
    assert_string_equal(disc->yaml_default, "fcfs");
    assert_null(lanes->yaml_default);                       /* required */
    assert_null(find(&s, "random_closures")->yaml_default); /* absent: no closures */
    assert_string_equal(find(&s, "random_closures")->dflt, "none");
    assert_string_equal(cap->yaml_default, "none");         /* the word none: no cap */

    assert_int_equal(find(&s, "hours")->type, ST_HOURS);
    assert_int_equal(find(&s, "closures")->type, ST_CLOSURES);
    assert_int_equal(find(&s, "name")->type, ST_NAME);

    const schema_key *by_cat = find(&s, "service_by_category");
    assert_int_equal(by_cat->type, ST_CAT_TABLE);
    schema_key e;
    schema_describe(by_cat->elem, &e);
    assert_int_equal(e.type, ST_DIST);
}

static void test_describe_quantities(void **state)
{
    (void)state;
    seen s = {0};
    schema_walk(named("category"), collect, &s);
    const schema_key *tpt = find(&s, "tonnes_per_truck");
    assert_int_equal(tpt->type, ST_QUANTITY);
    assert_int_equal(tpt->quantity, UNIT_MASS);
    assert_true(tpt->lo_open);
    af_assert_close(tpt->hi, 100, 0, 0);
    const schema_key *dual = find(&s, "dual_use");
    assert_int_equal(dual->quantity, UNIT_FRACTION);
    assert_string_equal(dual->dflt, "0");

    seen top = {0};
    schema_walk(&schema_scenario, collect, &top);
    assert_int_equal(top.n, schema_scenario.n_fields);
    assert_int_equal(find(&top, "extends")->type, ST_FILE);
    assert_int_equal(find(&top, "start")->type, ST_DATE);
    const schema_key *horizon = find(&top, "horizon");
    assert_int_equal(horizon->type, ST_DAYS);
    af_assert_close(horizon->hi, 36500, 0, 0);
    const schema_key *cats = find(&top, "categories");
    assert_int_equal(cats->type, ST_NAMED_LIST);
    assert_true(cats->nonempty);
    assert_true(cats->required);
    const schema_key *holds = find(&top, "holds");
    assert_false(holds->nonempty);
    assert_string_equal(holds->dflt, "[]");
}

/* Every key of every record is described as some type, and only the binder-less extends is
 * ST_FILE: no key falls through to the "unknown binder" default of ST_TEXT except text keys. */
static void test_every_key_has_a_type(void **state)
{
    (void)state;
    size_t n = 0, files = 0;
    for (const record *const *r = schema_records; *r; r++) {
        for (size_t i = 0; i < (*r)->n_fields; i++) {
            schema_key k;
            schema_describe(&(*r)->fields[i], &k);
            n++;
            files += k.type == ST_FILE;
            if (k.type == ST_TEXT) assert_string_equal(k.doc, "text");
            if (k.type == ST_RECORD || k.type == ST_NAMED_LIST || k.type == ST_RECORD_LIST)
                assert_non_null(k.sub);
            if (k.type == ST_CAT_TABLE) assert_non_null(k.elem);
        }
    }
    assert_true(n >= 60);
    assert_int_equal(files, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_walk_visits_base_first),
        cmocka_unit_test(test_describe_station_keys),
        cmocka_unit_test(test_describe_quantities),
        cmocka_unit_test(test_every_key_has_a_type),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
