/* chart_images.c: PNG and PDF copies of each SVG chart, for slides and papers, made by
 * rsvg-convert (Debian librsvg2-bin) when it is on the PATH; without it the charts stay
 * SVG only and report.html and the console say so. The copies are listed in the manifest
 * like any file, but the golden digests leave them out: their bytes are the converter's
 * (its version, its fonts), not headcount's. */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "hc_chart.h"

#define CONVERT_TIMEOUT_S 60 /* a converter that hangs is stopped, and the run goes on without copies */

extern char **environ;

static int failed; /* the converter failed once: no more copies in this run (hc_chart_images_state) */

/* The converter's path, looked up once: "" when there is none. HEADCOUNT_RSVG_CONVERT
 * names another (or "" for none: the tests use it to see both cases). */
static const char *converter(void)
{
    static char path[4096];
    static int looked;
    const char *env, *p;
    if (looked) return path;
    looked = 1;
    path[0] = '\0';
    env = getenv("HEADCOUNT_RSVG_CONVERT");
    if (env) {
        if (*env && access(env, X_OK) == 0) snprintf(path, sizeof(path), "%s", env);
        return path;
    }
    for (p = getenv("PATH"); p && *p;) {
        const char *end = strchr(p, ':');
        const size_t n = end ? (size_t)(end - p) : strlen(p);
        char cand[4096];
        snprintf(cand, sizeof(cand), "%.*s/rsvg-convert", (int)(n < 4000 ? n : 4000), n ? p : ".");
        if (access(cand, X_OK) == 0) {
            snprintf(path, sizeof(path), "%s", cand);
            break;
        }
        p = end ? end + 1 : NULL;
    }
    return path;
}

int hc_chart_images_available(void)
{
    return converter()[0] != '\0';
}

int hc_chart_images_state(void)
{
    return !hc_chart_images_available() ? 0 : failed ? 2 : 1;
}

/* rsvg-convert -f FORMAT [-z 2] -o OUT IN; 0 when it ran and OUT is there. */
static int convert(const char *in, const char *out, const char *format)
{
    /* posix_spawn takes char *const argv[]: its own mutable copies */
    char a_prog[] = "rsvg-convert", a_f[] = "-f", a_z[] = "-z", a_2[] = "2", a_o[] = "-o", a_fmt[8], a_out[4400],
         a_in[4400];
    char *argv[10];
    int n = 0, status;
    pid_t pid;
    struct stat st;
    snprintf(a_fmt, sizeof(a_fmt), "%s", format);
    snprintf(a_out, sizeof(a_out), "%.4399s", out);
    snprintf(a_in, sizeof(a_in), "%.4399s", in);
    argv[n++] = a_prog;
    argv[n++] = a_f;
    argv[n++] = a_fmt;
    if (strcmp(format, "png") == 0) { /* twice the SVG's size: sharp on a slide */
        argv[n++] = a_z;
        argv[n++] = a_2;
    }
    argv[n++] = a_o;
    argv[n++] = a_out;
    argv[n++] = a_in;
    argv[n] = NULL;
    if (posix_spawn(&pid, converter(), NULL, NULL, argv, environ) != 0) return 1;
    for (n = 0;; n++) { /* wait, at most CONVERT_TIMEOUT_S */
        const struct timespec tick = {0, 20000000};
        const pid_t got = waitpid(pid, &status, WNOHANG);
        if (got == pid) break;
        if (got < 0 && errno != EINTR) return 1;
        if (n >= CONVERT_TIMEOUT_S * 50) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return 1;
        }
        nanosleep(&tick, NULL);
    }
    return !(WIFEXITED(status) && WEXITSTATUS(status) == 0 && stat(out, &st) == 0 && st.st_size > 0);
}

int hc_chart_images(const char *charts_dir, const char *svg_name, hc_file_list *files, hc_error *err)
{
    static const char *const formats[] = {"png", "pdf"};
    const size_t stem = strlen(svg_name) > 4 ? strlen(svg_name) - 4 : strlen(svg_name);
    char in[4400], out[2][4400], listed[128];
    int k;
    (void)err; /* a converter that fails costs the copies, never the run */
    if (!hc_chart_images_available() || failed) return 0;
    snprintf(in, sizeof(in), "%s/%s", charts_dir, svg_name);
    for (k = 0; k < 2; k++) {
        snprintf(out[k], sizeof(out[k]), "%s/%.*s.%s", charts_dir, (int)stem, svg_name, formats[k]);
        if (convert(in, out[k], formats[k])) {
            remove(out[0]);
            if (k) remove(out[1]);
            failed = 1;
            return 0;
        }
    }
    for (k = 0; k < 2; k++) {
        snprintf(listed, sizeof(listed), "charts/%.*s.%s", (int)stem, svg_name, formats[k]);
        hc_file_list_add(files, listed);
    }
    return 0;
}
