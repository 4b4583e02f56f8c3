/* store_funcs.c — SQL functions that analysis registers on a store's connection.
 *
 * The case is opened read-only for analysis, so analysis cannot create anything in it; a
 * function registered here lives only on this connection (sqlite3_create_function), which
 * is how the Sigma engine gets regular expressions and CIDR matching into its SQL without
 * the store knowing anything about Sigma. */
#include <limits.h>
#include <stdlib.h>

#include "store/store.h"
#include "store/store_int.h"

#define PRED_MAX_ARGS 8

typedef struct pred {
    ks_store_pred_fn fn;
    void *ctx;
} pred;

static void call_pred(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    pred *p = sqlite3_user_data(c);
    ks_str a[PRED_MAX_ARGS];
    if (argc < 0 || argc > PRED_MAX_ARGS) {
        sqlite3_result_error(c, "too many arguments", -1);
        return;
    }
    for (int i = 0; i < argc; i++) {
        if (sqlite3_value_type(argv[i]) == SQLITE_NULL) {
            a[i] = KS_STR_NULL;
            continue;
        }
        const unsigned char *t = sqlite3_value_text(argv[i]);
        int n = sqlite3_value_bytes(argv[i]);
        a[i].p = t ? (const char *)t : "";
        a[i].n = n > 0 ? (size_t)n : 0;
    }
    int r = p->fn(p->ctx, argc, a);
    if (r < 0) {
        sqlite3_result_error(c, ks_status_name(r), -1);
        return;
    }
    sqlite3_result_int(c, r != 0);
}

int ks_store_register_predicate(ks_store *st, const char *name, int nargs, ks_store_pred_fn fn,
                                void *ctx, ks_err *err)
{
    if (nargs < 0 || nargs > PRED_MAX_ARGS)
        return KS_ERR(err, KS_EUSAGE, "predicate %s: at most %d arguments", name, PRED_MAX_ARGS);
    pred *p = malloc(sizeof *p);
    if (!p)
        return KS_ERR(err, KS_ENOMEM, "out of memory");
    p->fn = fn;
    p->ctx = ctx;
    /* SQLite frees p (xDestroy) when the function is replaced or the connection closes. */
    if (sqlite3_create_function_v2(ks_store_sqlite_db(st), name, nargs,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC, p, call_pred, NULL, NULL,
                                   free) != SQLITE_OK)
        return KS_ERR(err, KS_EDB, "registering SQL function %s: %s", name,
                      sqlite3_errmsg(ks_store_sqlite_db(st)));
    return 0;
}
