/* tzconv — test tool: answers time-zone questions through src/core/time.c so that
 * tests/cli/time_vs_python.sh can compare them with python3's zoneinfo.
 *
 * stdin, one query per line:
 *   ZONE U SECONDS   -> "OFFSET FORMATTED"  (offset east of UTC in s, ks_time_format)
 *   ZONE L LOCALSEC  -> "UTCSEC"            (ks_tz_local_to_utc)
 *   ZONE P ISOTEXT   -> "NS" or "ERR"       (ks_time_parse_iso8601, ZONE assumed)
 * A zone that fails to load prints "ERR". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/time.h"

int main(void)
{
    char line[512], zone[256] = "", fmt[64];
    ks_tz *tz = NULL;
    int status = 0;
    while (fgets(line, sizeof line, stdin)) {
        char *sp1 = strchr(line, ' ');
        char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
        if (!sp1 || !sp2 || sp2 - sp1 != 2) {
            puts("BAD");
            status = 1;
            continue;
        }
        *sp1 = '\0';
        char op = sp1[1];
        char *arg = sp2 + 1;
        arg[strcspn(arg, "\n")] = '\0';
        long long v = strtoll(arg, NULL, 10);
        if (strcmp(zone, line) != 0) {
            ks_tz_free(tz);
            tz = NULL;
            snprintf(zone, sizeof zone, "%s", line);
            if (ks_tz_load(&tz, zone, NULL) != 0)
                tz = NULL;
        }
        if (!tz) {
            puts("ERR");
            continue;
        }
        if (op == 'P') {
            int64_t ns;
            if (ks_time_parse_iso8601(arg, strlen(arg), tz, &ns) == 0)
                printf("%lld\n", (long long)ns);
            else
                puts("ERR");
        } else if (op == 'U') {
            ks_time_format((int64_t)v * KS_NS_PER_SEC, tz, -1, fmt, sizeof fmt);
            printf("%ld %s\n", (long)ks_tz_offset(tz, v), fmt);
        } else {
            printf("%lld\n", (long long)ks_tz_local_to_utc(tz, v));
        }
    }
    ks_tz_free(tz);
    return status;
}
