/* outdir.c: the files of an out folder, each written whole (hc_outdir.h): the folder, its
 * temporary names, the staging folder and its publication. Below every writer. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "hc_outdir.h"

int hc_output_prepare_dir(const char *dir, int force, hc_error *err)
{
    char path[4096], manifest[4200];
    size_t i, len = strlen(dir);
    struct stat st;
    if (len == 0 || len >= sizeof(path)) return hc_fail(err, "bad output folder name \"%s\"", dir);
    memcpy(path, dir, len + 1);
    for (i = 1; i <= len; i++) { /* mkdir -p */
        if (path[i] == '/' || path[i] == '\0') {
            const char saved = path[i];
            path[i] = '\0';
            if (mkdir(path, 0777) != 0 && errno != EEXIST)
                return hc_fail(err, "%s: cannot create folder: %s", path, strerror(errno));
            path[i] = saved;
        }
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) return hc_fail(err, "%s: not a folder", dir);
    snprintf(manifest, sizeof(manifest), "%s/manifest.json", dir);
    if (!force && access(manifest, F_OK) == 0)
        return hc_fail(err,
                       "%s already holds a run (manifest.json); choose another -o or pass --force "
                       "to overwrite it",
                       dir);
    return 0;
}

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

/* ---- staging: a run's files appear in its out folder all at once, or not at all */

int hc_output_stage(const char *dir, char *stage, size_t len, hc_error *err)
{
    if (snprintf(stage, len, "%s/.partial-%ld", dir, (long)getpid()) >= (int)len)
        return hc_fail(err, "%s: folder name too long", dir);
    if (mkdir(stage, 0777) != 0) return hc_fail(err, "%s: cannot write into the folder: %s", dir, strerror(errno));
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

void hc_output_discard(const char *stage)
{
    int fd;
    if (stage == NULL || stage[0] == '\0') return;
    fd = open(stage, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
        for_each_entry(fd, remove_entry, NULL);
        close(fd);
    }
    rmdir(stage);
}

/* Moves every entry of the folder `from` into `to` (renames: one file system), folders
 * merged, except manifest.json, which hc_output_publish moves last. */
static int move_entry(int from, const char *name, int is_dir, void *ctx)
{
    const int to = *(const int *)ctx;
    if (strcmp(name, "manifest.json") == 0) return 0;
    if (is_dir) {
        int sub_from, sub_to, rc;
        if (mkdirat(to, name, 0777) != 0 && errno != EEXIST) return errno;
        sub_from = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        sub_to = openat(to, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        rc = sub_from < 0 || sub_to < 0 ? errno : for_each_entry(sub_from, move_entry, &sub_to);
        if (sub_from >= 0) close(sub_from);
        if (sub_to >= 0) close(sub_to);
        return rc;
    }
    return renameat(from, name, to, name) != 0 ? errno : 0;
}

int hc_output_publish(const char *stage, const char *dir, hc_error *err)
{
    char manifest[4200], staged_manifest[4200];
    snprintf(manifest, sizeof(manifest), "%s/manifest.json", dir);
    snprintf(staged_manifest, sizeof(staged_manifest), "%s/manifest.json", stage);
    /* An old run's manifest goes first: until the new one is in place the folder holds no
     * complete run, rather than a mix that claims to be one. */
    if (remove(manifest) != 0 && errno != ENOENT)
        return hc_fail(err, "%s: cannot replace: %s", manifest, strerror(errno));
    {
        const int from = open(stage, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int to = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        const int rc = from < 0 || to < 0 ? errno : for_each_entry(from, move_entry, &to);
        if (from >= 0) close(from);
        if (to >= 0) close(to);
        if (rc)
            return hc_fail(err, "%s: cannot move the run's files into place: %s", dir, strerror(rc > 0 ? rc : errno));
    }
    if (rename(staged_manifest, manifest) != 0) return hc_fail(err, "%s: cannot write: %s", manifest, strerror(errno));
    hc_output_discard(stage); /* empty folders by now */
    return 0;
}

void hc_file_list_add(hc_file_list *l, const char *name)
{
    if (l->n < HC_MAX_OUTPUT_FILES) snprintf(l->name[l->n++], sizeof(l->name[0]), "%s", name);
}
