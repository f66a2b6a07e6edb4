/* replay_main.c: runs a fuzz harness on saved inputs without libFuzzer, so the corpus
 * and every crash ever found are replayed by `make test` under plain gcc (and under
 * ASan/UBSan with SANITIZE=1). Arguments are files or folders of files, by default the
 * harness's fuzz_replay_inputs; prints TAP. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern const char *const fuzz_replay_inputs[]; /* NULL-terminated, in the harness */

static int n_run = 0;

static void replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0, got;
    if (f == NULL) {
        printf("not ok %d - %s: cannot read\n", ++n_run, path);
        return;
    }
    do {
        if (cap - n < 65536) {
            uint8_t *b = (uint8_t *)realloc(buf, cap = cap * 2 + 65536);
            if (b == NULL) break;
            buf = b;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    /* A broken invariant aborts the process: run_all.sh reports the crash, and the last
     * line printed names the input. */
    printf("# %s\n", path);
    fflush(stdout);
    LLVMFuzzerTestOneInput(buf, n);
    printf("ok %d - %s\n", ++n_run, path);
    free(buf);
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void replay(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        char **names = NULL;
        size_t n = 0, i;
        while (d != NULL && (e = readdir(d)) != NULL) {
            char **grown;
            if (e->d_name[0] == '.') continue;
            grown = (char **)realloc(names, (n + 1) * sizeof *names);
            if (grown == NULL) break;
            names = grown;
            names[n] = (char *)malloc(strlen(path) + strlen(e->d_name) + 2);
            if (names[n] == NULL) break;
            sprintf(names[n], "%s/%s", path, e->d_name);
            n++;
        }
        if (d != NULL) closedir(d);
        if (n > 1) qsort(names, n, sizeof *names, by_name); /* the same order on every machine */
        for (i = 0; i < n; i++) {
            replay(names[i]);
            free(names[i]);
        }
        free(names);
    } else {
        replay_file(path);
    }
}

int main(int argc, char **argv)
{
    int i;
    for (i = 1; i < argc; i++) replay(argv[i]);
    for (i = 0; argc < 2 && fuzz_replay_inputs[i] != NULL; i++) {
        struct stat st;
        if (stat(fuzz_replay_inputs[i], &st) == 0) replay(fuzz_replay_inputs[i]); /* a corpus may not exist yet */
    }
    printf("1..%d\n", n_run);
    return n_run > 0 ? 0 : 1;
}
