/* hc_progress.h: a progress bar on stderr while a backend simulates (host only).
 *
 * The backend only counts finished worlds (hc_plan.worlds_done, updated atomically);
 * a thread here reads the count a few times a second and redraws one line. Nothing the
 * bar does can reach the numbers: it reads a counter and writes to stderr. It shows
 * only when stderr is a terminal and the run has lasted a second, and never with
 * --quiet, so logs and pipes stay clean. */
#ifndef HC_PROGRESS_H
#define HC_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

typedef struct hc_progress hc_progress;

/* Starts the bar for `total` worlds counted in *done, or returns NULL (and starts
 * nothing) when quiet, when stderr is not a terminal or when no thread can start. */
hc_progress *hc_progress_start(const int64_t *done, int64_t total, int quiet);
/* Stops the thread and clears the line; NULL is fine. */
void hc_progress_stop(hc_progress *p);

/* The bar's text for `done` of `total` after `elapsed` seconds, at most `width`
 * columns: "[#####-----]  412/800 worlds  34.1 worlds/s  12 s left". */
void hc_progress_format(char *buf, size_t len, int64_t done, int64_t total, double elapsed, int width);

#endif
