/* store_int.h — internal to src/store/: the SQLite connection behind a ks_store, for the
 * store's own helper files (store_funcs.c). Nothing outside src/store/ includes this. */
#ifndef KS_STORE_INT_H
#define KS_STORE_INT_H

#include <sqlite3.h>

#include "store/store.h"

sqlite3 *ks_store_sqlite_db(ks_store *st);

#endif
