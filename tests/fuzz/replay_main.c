/* replay_main.c — a standalone driver for the fuzz harnesses (libgit2's idea): runs
 * LLVMFuzzerTestOneInput on each file named on the command line, so kept crash reproducers
 * and seed corpora are replayed by the ordinary ASan test run without libFuzzer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            perror(argv[i]);
            return 2;
        }
        size_t cap = 1 << 16, len = 0;
        uint8_t *buf = malloc(cap);
        for (;;) {
            if (!buf)
                return 2;
            if (len == cap) {
                uint8_t *nb = realloc(buf, cap *= 2);
                if (!nb) {
                    free(buf);
                    return 2;
                }
                buf = nb;
            }
            size_t r = fread(buf + len, 1, cap - len, f);
            if (!r)
                break;
            len += r;
        }
        fclose(f);
        LLVMFuzzerTestOneInput(buf, len);
        free(buf);
    }
    return 0;
}
