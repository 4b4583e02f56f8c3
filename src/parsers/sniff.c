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

/* Scans the head as JSON text (strings respected, no validation) and returns the smallest
 * nesting depth at which `"key":` is an object member, or -1. Depth 1 is a top-level
 * object's member; records in a top-level array are at 2; in {"records":[...]} at 3. */
int ks_sniff_key_depth(const uint8_t *head, size_t n, const char *key)
{
    size_t kl = strlen(key);
    int depth = 0, best = -1;
    size_t i = 0;
    while (i < n) {
        uint8_t c = head[i];
        if (c == '{' || c == '[') {
            depth++;
            i++;
        } else if (c == '}' || c == ']') {
            if (depth > 0)
                depth--;
            i++;
        } else if (c == '"') {
            size_t s = ++i;
            while (i < n && head[i] != '"')
                i += head[i] == '\\' ? 2 : 1;
            if (i >= n)
                break;
            size_t e = i++;
            size_t j = i;
            while (j < n && (head[j] == ' ' || head[j] == '\t' || head[j] == '\r' || head[j] == '\n'))
                j++;
            if (j < n && head[j] == ':' && e - s == kl && !memcmp(head + s, key, kl) &&
                (best < 0 || depth < best))
                best = depth;
        } else {
            i++;
        }
    }
    return best;
}
