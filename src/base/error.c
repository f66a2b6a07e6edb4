/* error.c: hc_fail (include/hc_error.h). Needs nothing but libc. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
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
