/* outdir.c: the files of an out folder, each written whole (hc_outdir.h): the folder, its
 * lock, its temporary names, the staging folder and its publication. Below every writer. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "hc_outdir.h"

FILE *hc_output_open(const char *dir, const char *name, char *tmp_path, size_t tmp_len, hc_error *err)
{
    FILE *f;
    snprintf(tmp_path, tmp_len, "%s/.%s.tmp-%ld", dir, name, (long)getpid());
    f = fopen(tmp_path, "w");
    if (!f) hc_fail(err, "%s: cannot write: %s", tmp_path, strerror(errno));
    return f;
}

int hc_output_commit(FILE *f, const char *tmp_path, const char *dir, const char *name, hc_error *err)
{
    char final_path[4200];
    /* On the disk before its name: a crash just after the rename must not leave an empty file. */
    const int write_failed = ferror(f) || fflush(f) != 0 || fsync(fileno(f)) != 0;
    const int close_failed = fclose(f) != 0;
    snprintf(final_path, sizeof(final_path), "%s/%s", dir, name);
    if (write_failed || close_failed || rename(tmp_path, final_path) != 0) {
        const int saved = errno;
        remove(tmp_path);
        return hc_fail(err, "%s: cannot write: %s", final_path, strerror(saved));
    }
    return 0;
}

/* Staging must clean up even when memory has run out, and opendir() allocates: folders
 * are read with getdents64 into a buffer on the stack instead. */
struct hc_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

/* Calls fn on each entry of the folder dirfd (not . or ..), until fn returns non-zero. */
static int for_each_entry(int dirfd, int (*fn)(int dirfd, const char *name, int is_dir, void *ctx), void *ctx)
{
    char buf[8192];
    long n, off;
    while ((n = syscall(SYS_getdents64, dirfd, buf, sizeof(buf))) > 0) {
        for (off = 0; off < n;) {
            const struct hc_dirent64 *e = (const struct hc_dirent64 *)(const void *)(buf + off);
            struct stat st;
            int is_dir = e->d_type == DT_DIR, rc;
            off += e->d_reclen;
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            if (e->d_type == DT_UNKNOWN)
                is_dir = fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
            rc = fn(dirfd, e->d_name, is_dir, ctx);
            if (rc) return rc;
        }
    }
    return n < 0 ? -1 : 0;
}

static int remove_entry(int dirfd, const char *name, int is_dir, void *ctx)
{
    (void)ctx;
    if (is_dir) {
        const int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0) {
            for_each_entry(fd, remove_entry, NULL);
            close(fd);
        }
        unlinkat(dirfd, name, AT_REMOVEDIR);
    } else {
        unlinkat(dirfd, name, 0);
    }
    return 0;
}

static void remove_tree(const char *path)
{
    const int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
        for_each_entry(fd, remove_entry, NULL);
        close(fd);
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* ---- one run owns an out folder, and publishes it whole (docs/hardening.md)
 *
 * A run never writes into its out folder DIR itself. It takes an advisory lock on
 * PARENT/.NAME.lock for the whole run (the file says which run holds it), writes every
 * file into PARENT/.NAME.stage, then swaps the two folders in one step
 * (renameat2(RENAME_EXCHANGE)) and removes the old one, now at the stage's name. A reader,
 * a crash or a kill at any instant finds DIR holding the earlier run or the new one, whole.
 * Where the file system cannot swap, DIR moves to PARENT/.NAME.old and the stage to DIR;
 * the next run (under the lock) completes or undoes a crash between the two. Whatever it
 * finds at the stage's or old's name when it holds the lock is stale: no other run can be
 * writing there, whatever its process id was. One out folder per process. */
static struct {
    int lock_fd; /* -1: no folder prepared */
    int staged;  /* the stage exists and is not published */
    pid_t owner; /* the process that staged: exit handlers run in it only */
    char path[PATH_MAX], parent[PATH_MAX];
    char lock[PATH_MAX + NAME_MAX + 16], stage[PATH_MAX + NAME_MAX + 16], old[PATH_MAX + NAME_MAX + 16];
} g_out = {-1, 0, 0, "", "", "", "", ""};

/* Test-only (tests/cli_reliability.sh): HC_TEST_PUBLISH_KILL=N kills the process with
 * SIGKILL after step N of publishing, to show that every instant leaves a whole run. */
static void publish_step(int step)
{
    const char *k = getenv("HC_TEST_PUBLISH_KILL");
    if (k && atoi(k) == step) raise(SIGKILL);
}

static void release_lock(void)
{
    if (g_out.lock_fd < 0) return;
    unlink(g_out.lock); /* while still held: take_lock checks that it locked the file at that name */
    close(g_out.lock_fd);
    g_out.lock_fd = -1;
}

static int take_lock(const char *shown, hc_error *err)
{
    int attempt;
    for (attempt = 0; attempt < 100; attempt++) {
        struct stat held, named;
        char who[512];
        time_t now = time(NULL);
        char host[256] = "unknown", when[64];
        const int fd = open(g_out.lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (fd < 0)
            return hc_fail(err, "%s: cannot write into the folder %s, where the run is staged beside it (%s): %s",
                           shown, g_out.parent, g_out.lock, strerror(errno));
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            const int saved = errno;
            const ssize_t n = pread(fd, who, sizeof(who) - 1, 0);
            close(fd);
            who[n > 0 ? n : 0] = '\0';
            who[strcspn(who, "\n")] = '\0';
            if (saved != EWOULDBLOCK) return hc_fail(err, "%s: cannot lock %s: %s", shown, g_out.lock, strerror(saved));
            return hc_fail(err, "%s is in use by another headcount run (%s); wait for it to end or choose another -o",
                           shown, who[0] ? who : "it has not said which yet");
        }
        /* The holder before us may have removed the file as it let go (release_lock): then
         * this lock is on a file no other run will open, and we try again. */
        if (fstat(fd, &held) != 0 || stat(g_out.lock, &named) != 0 || held.st_ino != named.st_ino ||
            held.st_dev != named.st_dev) {
            close(fd);
            continue;
        }
        gethostname(host, sizeof(host) - 1);
        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
        snprintf(who, sizeof(who), "pid %ld on %s, started %s\n", (long)getpid(), host, when);
        if (ftruncate(fd, 0) != 0 || pwrite(fd, who, strlen(who), 0) < 0) { /* only informative */
        }
        g_out.lock_fd = fd;
        return 0;
    }
    return hc_fail(err, "%s: cannot lock %s: it keeps being replaced", shown, g_out.lock);
}

/* A manifest.json that headcount wrote (its "program"), parsed; NULL otherwise. */
static cJSON *read_run_manifest(const char *dir)
{
    char path[PATH_MAX + 16], *text;
    long size;
    cJSON *root;
    const cJSON *program;
    FILE *f;
    snprintf(path, sizeof(path), "%s/manifest.json", dir);
    if (!(f = fopen(path, "rb"))) return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || size > (64L << 20) || fseek(f, 0, SEEK_SET) != 0 ||
        !(text = (char *)malloc((size_t)size + 1))) {
        fclose(f);
        return NULL;
    }
    text[fread(text, 1, (size_t)size, f)] = '\0';
    fclose(f);
    root = cJSON_Parse(text);
    free(text);
    program = cJSON_GetObjectItemCaseSensitive(root, "program");
    if (!cJSON_IsString(program) || strcmp(program->valuestring, "headcount") != 0) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

/* The first entry of the folder (not . or ..), for messages; 1 when there is one. */
static int first_entry(int dirfd, const char *name, int is_dir, void *ctx)
{
    (void)dirfd;
    (void)is_dir;
    snprintf((char *)ctx, 256, "%s", name);
    return 1;
}

/* headcount writes only into a folder that is new, empty or holds a headcount run
 * (docs/hardening.md); anything else, and a run, only with --force. */
static int check_owned(const char *shown, int force, hc_error *err)
{
    char found[256] = "";
    cJSON *run;
    int fd = open(g_out.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return 0;
        return hc_fail(err, "%s: %s", shown, errno == ENOTDIR ? "not a folder" : strerror(errno));
    }
    for_each_entry(fd, first_entry, found);
    close(fd);
    if (access(g_out.path, W_OK) != 0) /* read-only: kept so, though a swap would not need it */
        return hc_fail(err, "%s: cannot write into the folder: %s", shown, strerror(errno));
    if (!found[0] || force) return 0;
    run = read_run_manifest(g_out.path);
    cJSON_Delete(run);
    if (run)
        return hc_fail(err, "%s already holds a run (manifest.json); choose another -o or pass --force to overwrite it",
                       shown);
    return hc_fail(err,
                   "%s holds files that are not a headcount run (such as \"%s\"); headcount writes only into a "
                   "new or empty folder or one of its own runs: choose another -o, or pass --force to write there "
                   "anyway (your files stay, headcount replaces only its own)",
                   shown, found);
}

/* The swap that fell back on two renames (publish) and crashed between them: DIR is
 * missing, the earlier run at .NAME.old. The new run is whole if its manifest made it. */
static void recover(void)
{
    struct stat st;
    char manifest[sizeof(g_out.stage) + 16];
    if (lstat(g_out.path, &st) == 0 || errno != ENOENT || lstat(g_out.old, &st) != 0) return;
    snprintf(manifest, sizeof(manifest), "%s/manifest.json", g_out.stage);
    if (access(manifest, F_OK) != 0 || rename(g_out.stage, g_out.path) != 0) rename(g_out.old, g_out.path);
}

int hc_output_mkdirs(const char *dir, hc_error *err)
{
    char path[PATH_MAX];
    size_t i;
    if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
        return hc_fail(err, "a folder name of %zu bytes is longer than the limit, %zu", strlen(dir), sizeof(path) - 1);
    for (i = 1; path[i - 1]; i++) {
        if (path[i] == '/' || path[i] == '\0') {
            const char saved = path[i];
            path[i] = '\0';
            if (mkdir(path, 0777) != 0 && errno != EEXIST)
                return hc_fail(err, "%s: cannot create folder: %s", path, strerror(errno));
            path[i] = saved;
        }
    }
    return 0;
}

int hc_output_prepare_dir(const char *dir, int force, hc_error *err)
{
    char path[PATH_MAX], resolved[PATH_MAX];
    const char *base, *slash;
    size_t len = strlen(dir);
    struct stat st;
    if (len == 0) return hc_fail(err, "%s", "the out folder's name is empty");
    if (len >= sizeof(path) - 16)
        return hc_fail(err, "an out folder name of %zu bytes is longer than the limit, %zu", len, sizeof(path) - 17);
    memcpy(path, dir, len + 1);
    while (len > 1 && path[len - 1] == '/') path[--len] = '\0';
    slash = strrchr(path, '/');
    base = slash ? slash + 1 : path;
    /* A symbolic link stays and the folder it names is replaced; `.` and `..` are the
     * folders they name. */
    if ((lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
        if (!realpath(path, resolved)) return hc_fail(err, "%s: %s", dir, strerror(errno));
        if (strlen(resolved) >= sizeof(path) - 16)
            return hc_fail(err, "%s: the folder it names has a path longer than the limit, %zu", dir,
                           sizeof(path) - 17);
        snprintf(path, sizeof(path), "%s", resolved);
        slash = strrchr(path, '/');
        base = slash + 1;
    }
    if (!*base) return hc_fail(err, "%s: the root folder cannot be an out folder", dir);
    if (strlen(base) > NAME_MAX - 7)
        return hc_fail(err, "%s: a folder name of %zu bytes is longer than the limit, %d", dir, strlen(base),
                       NAME_MAX - 7);
    if (!slash)
        snprintf(g_out.parent, sizeof(g_out.parent), ".");
    else if (slash == path)
        snprintf(g_out.parent, sizeof(g_out.parent), "/");
    else
        snprintf(g_out.parent, sizeof(g_out.parent), "%.*s", (int)(slash - path), path);
    if (hc_output_mkdirs(g_out.parent, err)) return 1; /* the folder itself appears when published */
    snprintf(g_out.path, sizeof(g_out.path), "%s", path);
    snprintf(g_out.lock, sizeof(g_out.lock), "%s/.%s.lock", g_out.parent, base);
    snprintf(g_out.stage, sizeof(g_out.stage), "%s/.%s.stage", g_out.parent, base);
    snprintf(g_out.old, sizeof(g_out.old), "%s/.%s.old", g_out.parent, base);
    if (take_lock(dir, err)) return 1;
    recover();
    remove_tree(g_out.stage); /* stale: a run killed before it published */
    remove_tree(g_out.old);
    if (check_owned(dir, force, err)) {
        release_lock();
        return 1;
    }
    return 0;
}

/* An exit that bypasses the command's clean-up (libgomp failing to start a thread calls
 * exit()) still leaves no stage behind, and says so. */
static void discard_at_exit(void)
{
    if (!g_out.staged || g_out.owner != getpid()) return;
    fprintf(stderr, "headcount: the run did not finish; nothing was written to %s\n", g_out.path);
    hc_output_discard(g_out.stage);
}

int hc_output_stage(const char *dir, char *stage, size_t len, hc_error *err)
{
    static int registered;
    if (g_out.lock_fd < 0) return hc_fail(err, "%s: staged before it was prepared (please report it)", dir);
    if (snprintf(stage, len, "%s", g_out.stage) >= (int)len)
        return hc_fail(err, "%s: the staging folder's name is longer than the limit, %zu", dir, len - 1);
    if (mkdir(stage, 0777) != 0) return hc_fail(err, "%s: cannot create %s: %s", dir, stage, strerror(errno));
    g_out.staged = 1;
    g_out.owner = getpid();
    if (!registered) registered = atexit(discard_at_exit) == 0;
    return 0;
}

void hc_output_discard(const char *stage)
{
    if (stage && stage[0]) remove_tree(stage);
    g_out.staged = 0;
    release_lock();
}

/* --force over a folder with other files: they are hard-linked into the stage, so the
 * published folder keeps them (under the same names), and the earlier folder is intact
 * until the swap. What the earlier run listed in its manifest, and what the new run
 * writes, is headcount's and is not carried. */
typedef struct {
    int to;
    const cJSON *listed; /* the earlier run's manifest "files", or NULL */
    const char *prefix;  /* "" or "charts/" ... */
} carry_ctx;

static int listed_in(const cJSON *files, const char *rel)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, files)
    {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(f, "name");
        if (cJSON_IsString(name) && strcmp(name->valuestring, rel) == 0) return 1;
    }
    return 0;
}

static int carry_entry(int from, const char *name, int is_dir, void *vctx)
{
    const carry_ctx *ctx = (const carry_ctx *)vctx;
    char rel[PATH_MAX];
    struct stat st;
    snprintf(rel, sizeof(rel), "%s%s", ctx->prefix, name);
    if (strcmp(rel, "manifest.json") == 0 || strstr(name, ".tmp-") || strncmp(rel, ".partial-", 9) == 0 ||
        listed_in(ctx->listed, rel))
        return 0;
    if (is_dir) {
        carry_ctx sub = *ctx;
        int sub_from, rc;
        char prefix[PATH_MAX + 2];
        if (mkdirat(ctx->to, name, 0777) != 0 && errno != EEXIST) return errno;
        snprintf(prefix, sizeof(prefix), "%s/", rel);
        sub.prefix = prefix;
        sub_from = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        sub.to = openat(ctx->to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        rc = sub_from < 0 || sub.to < 0 ? errno : for_each_entry(sub_from, carry_entry, &sub);
        if (sub_from >= 0) close(sub_from);
        if (sub.to >= 0) close(sub.to);
        return rc;
    }
    if (fstatat(ctx->to, name, &st, AT_SYMLINK_NOFOLLOW) == 0) return 0; /* the new run writes it */
    return linkat(from, name, ctx->to, name, 0) != 0 ? errno : 0;
}

static int fsync_path(const char *path)
{
    const int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    const int rc = fd < 0 || fsync(fd) != 0;
    if (fd >= 0) close(fd);
    return rc;
}

static int swap_folders(const char *a, const char *b)
{
    if (getenv("HC_TEST_PUBLISH_NO_SWAP")) { /* test-only: the two-rename path of file systems without a swap */
        errno = EINVAL;
        return -1;
    }
#ifdef SYS_renameat2
    return (int)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, 2 /* RENAME_EXCHANGE */);
#else
    (void)a;
    (void)b;
    errno = ENOSYS;
    return -1;
#endif
}

int hc_output_publish(const char *stage, const char *dir, hc_error *err)
{
    struct stat st;
    const int exists = lstat(g_out.path, &st) == 0;
    (void)dir;
    if (g_out.lock_fd < 0 || strcmp(stage, g_out.stage) != 0)
        return hc_fail(err, "%s: published without a stage (please report it)", g_out.path);
    if (fsync_path(stage)) return hc_fail(err, "%s: cannot write: %s", stage, strerror(errno));
    publish_step(1);
    if (exists) {
        cJSON *earlier = read_run_manifest(g_out.path);
        carry_ctx ctx;
        int from = open(g_out.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;
        ctx.to = open(stage, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ctx.listed = cJSON_GetObjectItemCaseSensitive(earlier, "files");
        ctx.prefix = "";
        rc = from < 0 || ctx.to < 0 ? errno : for_each_entry(from, carry_entry, &ctx);
        if (from >= 0) close(from);
        if (ctx.to >= 0) close(ctx.to);
        cJSON_Delete(earlier);
        if (rc)
            return hc_fail(err, "%s: cannot keep its other files in the new run: %s", g_out.path,
                           strerror(rc > 0 ? rc : errno));
        chmod(stage, st.st_mode & 07777); /* the folder keeps its permissions */
    }
    publish_step(2);
    if (!exists) {
        if (rename(stage, g_out.path) != 0) return hc_fail(err, "%s: cannot create: %s", g_out.path, strerror(errno));
    } else if (swap_folders(stage, g_out.path) != 0) {
        if (errno != EINVAL && errno != ENOSYS)
            return hc_fail(err, "%s: cannot replace: %s", g_out.path, strerror(errno));
        /* No swap on this file system: two renames, which recover() completes after a crash. */
        if (rename(g_out.path, g_out.old) != 0)
            return hc_fail(err, "%s: cannot replace: %s", g_out.path, strerror(errno));
        publish_step(3);
        if (rename(stage, g_out.path) != 0) {
            const int saved = errno;
            rename(g_out.old, g_out.path);
            return hc_fail(err, "%s: cannot replace: %s", g_out.path, strerror(saved));
        }
        snprintf(g_out.stage, sizeof(g_out.stage), "%s", g_out.old); /* the earlier run, to remove */
    }
    g_out.staged = 0;
    publish_step(4);
    fsync_path(g_out.parent);
    remove_tree(g_out.stage); /* the earlier run (after a swap), or nothing */
    publish_step(5);
    release_lock();
    return 0;
}

void hc_file_list_add(hc_file_list *l, const char *name)
{
    if (l->n < HC_MAX_OUTPUT_FILES) snprintf(l->name[l->n++], sizeof(l->name[0]), "%s", name);
}
