/* error.c: hc_fail and hc_notice_once (include/hc_error.h). Needs nothing but libc. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "hc_error.h"

int hc_fail(hc_error *err, const char *fmt, ...)
{
    va_list ap;
    char *p;
    /* One line, whatever the arguments held; except that a format of our own may end in
     * a second line "\nhint: ..." telling the user what to do, which is kept. */
    int hint_allowed = strstr(fmt, "\nhint: ") != NULL;
    if (err == NULL) return 1;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    for (p = err->message; *p; p++) {
        if (*p == '\n' && hint_allowed && strncmp(p + 1, "hint: ", 6) == 0) {
            hint_allowed = 0;
            continue;
        }
        if (*p == '\n' || *p == '\r') *p = ' ';
    }
    return 1;
}

void hc_notice_once(const char *name, const char *text)
{
    const char *cache = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    char dir[4096], path[4200], seen[1024] = "";
    FILE *f;
    size_t n;
    if (cache && cache[0] == '/')
        snprintf(dir, sizeof(dir), "%s/headcount", cache);
    else if (home && home[0] == '/')
        snprintf(dir, sizeof(dir), "%s/.cache/headcount", home);
    else
        dir[0] = '\0';
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (dir[0] && (f = fopen(path, "r")) != NULL) {
        n = fread(seen, 1, sizeof(seen) - 1, f);
        seen[n] = '\0';
        fclose(f);
        if (strcmp(seen, text) == 0) return; /* said before, on this machine */
    }
    fputs(text, stderr);
    if (!dir[0]) return;
    {
        char parent[4096]; /* the cache folder may not exist yet */
        snprintf(parent, sizeof(parent), "%.*s", (int)(strrchr(dir, '/') - dir), dir);
        mkdir(parent, 0700);
        mkdir(dir, 0700);
    }
    if ((f = fopen(path, "w")) != NULL) {
        fputs(text, f);
        fclose(f);
    }
}
