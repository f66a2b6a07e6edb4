/* hc_error.h: the one-line error every host module reports into (host only).
 *
 * At the bottom of the include graph: it needs nothing, so a module that only reports
 * errors (hashing, output folders) does not pull in the config and model headers. A
 * message reads `FILE: JSON.PATH: what was expected, got what`; the function that fails
 * returns non-zero, and only main() decides the exit status. src/error.c. */
#ifndef HC_ERROR_H
#define HC_ERROR_H

typedef struct {
    char message[2048];
    int out_of_memory; /* set when the failure was memory running out, not bad input (exit 1, not 2) */
} hc_error;

/* Formats into err->message (printf-style); returns 1 so `return hc_fail(...)` reads well. */
int hc_fail(hc_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* A notice that says the same thing on every run (no usable GPU, so the CPU): printed to
 * stderr the first time this machine and user see it, and again only when its text
 * changes. Remembered in $XDG_CACHE_HOME/headcount/NAME (else ~/.cache/headcount/NAME);
 * printed every time when that cannot be read or written. */
void hc_notice_once(const char *name, const char *text);

#endif
