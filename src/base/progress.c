/* progress.c: the progress bar of hc_progress.h: one thread that polls the backend's
 * count of finished worlds and redraws a line on stderr. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include "hc_progress.h"

#define SHOW_AFTER_S 1.0   /**< runs shorter than this never show a bar */
#define REDRAW_EVERY_MS 200

struct hc_progress {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int stop;
    int shown;
    const int64_t *done;
    int64_t total;
    double t0;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void format_duration(char *buf, size_t len, double s)
{
    const long long r = (long long)(s + 0.5);
    if (r < 60) snprintf(buf, len, "%lld s", r);
    else if (r < 3600) snprintf(buf, len, "%lld min %02lld s", r / 60, r % 60);
    else snprintf(buf, len, "%lld h %02lld min", r / 3600, r % 3600 / 60);
}

void hc_progress_format(char *buf, size_t len, int64_t done, int64_t total, double elapsed, int width)
{
    char tail[160], left[48];
    const double rate = elapsed > 0.0 ? (double)done / elapsed : 0.0;
    int bar, filled, i;
    size_t pos;
    if (len == 0) return;
    if (done > total) done = total;
    if (done > 0 && rate > 0.0)
        format_duration(left, sizeof(left), (double)(total - done) / rate);
    else
        snprintf(left, sizeof(left), "?");
    snprintf(tail, sizeof(tail), "  %lld/%lld worlds  %.3g worlds/s  %s left", (long long)done,
             (long long)total, rate, left);
    /* The bar takes what the text leaves, between 10 and 40 columns; none if too narrow. */
    bar = width - (int)strlen(tail) - 2;
    if (bar > 40) bar = 40;
    if (bar < 10) {
        snprintf(buf, len, "%s", tail + 2);
        return;
    }
    filled = total > 0 ? (int)((double)bar * (double)done / (double)total) : 0;
    pos = 0;
    if (pos + 1 < len) buf[pos++] = '[';
    for (i = 0; i < bar && pos + 1 < len; i++) buf[pos++] = i < filled ? '#' : '-';
    if (pos + 1 < len) buf[pos++] = ']';
    buf[pos] = '\0';
    snprintf(buf + pos, len - pos, "%s", tail);
}

static int terminal_width(void)
{
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    return 80;
}

static void draw(hc_progress *p)
{
    char line[512];
    const double elapsed = now_s() - p->t0;
    if (elapsed < SHOW_AFTER_S) return;
    hc_progress_format(line, sizeof(line), __atomic_load_n(p->done, __ATOMIC_RELAXED), p->total, elapsed,
                       terminal_width() - 1);
    /* \r and "erase to end of line": the bar redraws in place. */
    fprintf(stderr, "\r%s\033[K", line);
    fflush(stderr);
    p->shown = 1;
}

static void *progress_main(void *arg)
{
    hc_progress *p = (hc_progress *)arg;
    pthread_mutex_lock(&p->lock);
    while (!p->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += REDRAW_EVERY_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec += 1;
            until.tv_nsec -= 1000000000L;
        }
        if (pthread_cond_timedwait(&p->wake, &p->lock, &until) == ETIMEDOUT && !p->stop) draw(p);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

hc_progress *hc_progress_start(const int64_t *done, int64_t total, int quiet)
{
    hc_progress *p;
    if (quiet || !isatty(STDERR_FILENO)) return NULL;
    p = (hc_progress *)calloc(1, sizeof(*p));
    if (!p) return NULL;
    p->done = done;
    p->total = total;
    p->t0 = now_s();
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    if (pthread_create(&p->thread, NULL, progress_main, p) != 0) {
        /* No bar is not worth failing a run for. */
        pthread_cond_destroy(&p->wake);
        pthread_mutex_destroy(&p->lock);
        free(p);
        return NULL;
    }
    return p;
}

void hc_progress_stop(hc_progress *p)
{
    if (!p) return;
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->thread, NULL);
    if (p->shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
