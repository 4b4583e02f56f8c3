#include "parsers/sniff.h"

#include <string.h>

bool ks_sniff_has(const uint8_t *head, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    return k <= n && memmem(head, n, needle, k) != NULL;
}

int ks_sniff_first_char(const uint8_t *head, size_t n)
{
    size_t i = 0;
    if (n >= 3 && head[0] == 0xef && head[1] == 0xbb && head[2] == 0xbf)
        i = 3;
    for (; i < n; i++)
        if (head[i] != ' ' && head[i] != '\t' && head[i] != '\r' && head[i] != '\n')
            return head[i];
    return -1;
}
