/* uwidth — test tool: prints ks_display_width of each code point given in hex, one per
 * line on stdin ("3042" -> "2"), for tests/cli/width_vs_python.sh. */
#include <stdio.h>
#include <stdlib.h>

#include "core/escape.h"

int main(void)
{
    char line[64];
    while (fgets(line, sizeof line, stdin)) {
        unsigned long cp = strtoul(line, NULL, 16);
        char u[4];
        size_t n;
        if (cp < 0x80) {
            u[0] = (char)cp;
            n = 1;
        } else if (cp < 0x800) {
            u[0] = (char)(0xC0 | cp >> 6);
            u[1] = (char)(0x80 | (cp & 0x3F));
            n = 2;
        } else if (cp < 0x10000) {
            u[0] = (char)(0xE0 | cp >> 12);
            u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
            u[2] = (char)(0x80 | (cp & 0x3F));
            n = 3;
        } else {
            u[0] = (char)(0xF0 | cp >> 18);
            u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
            u[2] = (char)(0x80 | (cp >> 6 & 0x3F));
            u[3] = (char)(0x80 | (cp & 0x3F));
            n = 4;
        }
        printf("%zu\n", ks_display_width(u, n));
    }
    return 0;
}
