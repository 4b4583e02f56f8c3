#!/usr/bin/env bash
# The ks_parser glue for the database logs (src/parsers/db/db_parsers.c) needs io.c, time.c
# and the store, which are not in this tree yet; it is guarded by KS_DB_PARSERS. This checks
# that it compiles against the shared headers with the project's warnings.
source "$(dirname "$0")/../lib.sh"
CC=${CC:-cc}
check db_parsers_compile $CC -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wvla -Wformat=2 \
  -Wno-unused-parameter -DKS_DB_PARSERS -I"$ROOT/src" -fsyntax-only "$ROOT/src/parsers/db/db_parsers.c"
