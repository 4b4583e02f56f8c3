/* Runs every registered unit test; `ks_unit FILTER` runs those whose name contains FILTER. */
#include "ktest.h"

#include <stdlib.h>

#define KTEST_MAX 4096
static struct {
    const char *name;
    ktest_fn fn;
} tests[KTEST_MAX];
static int ntests;

void ktest_register(const char *name, ktest_fn fn)
{
    if (ntests < KTEST_MAX) {
        tests[ntests].name = name;
        tests[ntests].fn = fn;
        ntests++;
    }
}

static int cmp(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    return strcmp(x, y);
}

int main(int argc, char **argv)
{
    const char *filter = argc > 1 ? argv[1] : NULL;
    qsort(tests, (size_t)ntests, sizeof tests[0], cmp);
    int passed = 0, failed = 0;
    for (int i = 0; i < ntests; i++) {
        if (filter && !strstr(tests[i].name, filter))
            continue;
        int f = 0;
        tests[i].fn(&f);
        printf("%s unit.%s\n", f ? "FAIL" : "PASS", tests[i].name);
        fflush(stdout);
        if (f)
            failed++;
        else
            passed++;
    }
    printf("unit: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
