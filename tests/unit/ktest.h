/* ktest.h — the unit-test harness: tests register themselves, the runner prints one
 * "PASS name" / "FAIL name: why" line per test, which tests/run.sh counts. */
#ifndef KS_KTEST_H
#define KS_KTEST_H

#include <stdio.h>
#include <string.h>

typedef void (*ktest_fn)(int *failed);
void ktest_register(const char *name, ktest_fn fn);

#define KTEST(name)                                                        \
    static void name(int *ktest_failed_);                                  \
    __attribute__((constructor)) static void name##_register(void)         \
    {                                                                      \
        ktest_register(#name, name);                                       \
    }                                                                      \
    static void name(int *ktest_failed_)

#define KT_FAIL_(...)                                                      \
    do {                                                                   \
        fprintf(stdout, "    %s:%d: ", __FILE__, __LINE__);                \
        fprintf(stdout, __VA_ARGS__);                                      \
        fputc('\n', stdout);                                               \
        *ktest_failed_ = 1;                                                \
    } while (0)

#define KT_CHECK(cond)                                                     \
    do {                                                                   \
        if (!(cond))                                                       \
            KT_FAIL_("check failed: %s", #cond);                           \
    } while (0)
#define KT_REQUIRE(cond)                                                   \
    do {                                                                   \
        if (!(cond)) {                                                     \
            KT_FAIL_("required: %s", #cond);                               \
            return;                                                        \
        }                                                                  \
    } while (0)
#define KT_EQ_INT(a, b)                                                    \
    do {                                                                   \
        long long a_ = (long long)(a), b_ = (long long)(b);                \
        if (a_ != b_)                                                      \
            KT_FAIL_("%s == %lld, expected %lld", #a, a_, b_);             \
    } while (0)
#define KT_EQ_STR(a, b)                                                    \
    do {                                                                   \
        const char *a_ = (a), *b_ = (b);                                   \
        if (!a_ || !b_ || strcmp(a_, b_) != 0)                             \
            KT_FAIL_("%s == \"%s\", expected \"%s\"", #a, a_ ? a_ : "(null)", \
                     b_ ? b_ : "(null)");                                  \
    } while (0)
#define KT_EQ_MEM(p, n, lit)                                               \
    do {                                                                   \
        size_t n_ = (n);                                                   \
        if (n_ != strlen(lit) || memcmp((p), (lit), n_) != 0)              \
            KT_FAIL_("%s == \"%.*s\", expected \"%s\"", #p, (int)n_,       \
                     (const char *)(p), lit);                              \
    } while (0)

#endif
