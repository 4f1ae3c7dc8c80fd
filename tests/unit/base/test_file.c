/* Unit tests of whole-stream reading (src/base/file.c). */
#include "af_test.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/file.h"

static void write_file(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

/* Opens path and reads it with af_read_stream. */
static af_status read_file(const char *path, size_t max, char **data, size_t *len, int *e)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    af_status st = af_read_stream(f, max, data, len, e);
    assert_int_equal(fclose(f), 0);
    return st;
}

static void test_read(void **state)
{
    (void)state;
    char dir[] = "/tmp/af_file_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/f", dir);

    /* Larger than the first allocation, with a NUL inside. */
    size_t n = 10000;
    char *text = malloc(n);
    assert_non_null(text);
    for (size_t i = 0; i < n; i++) text[i] = (char)('a' + i % 26);
    text[5] = '\0';
    write_file(path, text, n);
    char *data;
    size_t len;
    int e = -1;
    assert_int_equal(read_file(path, n, &data, &len, &e), AF_OK);
    assert_int_equal(len, n);
    assert_memory_equal(data, text, n);
    assert_int_equal(data[n], '\0');
    assert_int_equal(e, 0);
    free(data);
    /* One byte over the cap. */
    assert_int_equal(read_file(path, n - 1, &data, &len, &e), AF_LIMIT);
    assert_null(data);
    assert_int_equal(len, 0);
    free(text);

    /* Empty. */
    write_file(path, "", 0);
    assert_int_equal(read_file(path, 0, &data, &len, NULL), AF_OK);
    assert_int_equal(len, 0);
    assert_string_equal(data, "");
    free(data);

    assert_int_equal(unlink(path), 0);
    /* A directory opens but does not read. */
    assert_int_equal(read_file(dir, 100, &data, &len, &e), AF_IO);
    assert_int_equal(e, EISDIR);
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read),
    };
    return cmocka_run_group_tests_name("file", tests, NULL, NULL);
}
