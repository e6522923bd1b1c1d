/*
 * plugin-file.c - one plugin file: the checks of the file, its load under
 * a name that is its own, the checks of its descriptor and the host's copy
 * of it (steps 2 and 3 of plugin-loader.c's list). The registry shares a
 * loaded file between instances; this file knows nothing of instances.
 */
#include "plugin-file.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "json-strict.h"
#include "signals.h"

/* The sizes of the ABI 1.0 layouts: the smallest structs a plugin may hand
 * over. A member appended in 1.1 makes sizeof() larger but not these. */
#define PLUGIN_V1_SIZE (offsetof(ptrack_plugin_t, exporter) + sizeof(void *))
#define NOTIFIER_V1_SIZE                                                                           \
    (offsetof(ptrack_notifier_ops_t, deliver) + sizeof(((ptrack_notifier_ops_t *)0)->deliver))
#define IMPORTER_V1_SIZE                                                                           \
    (offsetof(ptrack_importer_ops_t, import) + sizeof(((ptrack_importer_ops_t *)0)->import))
#define EXPORTER_V1_SIZE                                                                           \
    (offsetof(ptrack_exporter_ops_t, export) + sizeof(((ptrack_exporter_ops_t *)0)->export))
/* The 1.1 layouts, with `args`: a smaller struct has none (the host's copy
 * leaves it NULL, "not declared"). */
#define IMPORTER_V11_SIZE                                                                          \
    (offsetof(ptrack_importer_ops_t, args) + sizeof(((ptrack_importer_ops_t *)0)->args))
#define EXPORTER_V11_SIZE                                                                          \
    (offsetof(ptrack_exporter_ops_t, args) + sizeof(((ptrack_exporter_ops_t *)0)->args))

#define KNOWN_KINDS (PTRACK_KIND_NOTIFIER | PTRACK_KIND_IMPORTER | PTRACK_KIND_EXPORTER)

/* The host's copy of a descriptor and of its ops structs. desc comes
 * first, so pt_plugin_file_t.desc points at the whole block. */
typedef struct {
    ptrack_plugin_t desc;
    ptrack_notifier_ops_t notifier;
    ptrack_importer_ops_t importer;
    ptrack_exporter_ops_t exporter;
    /* desc's name, version and description point here (see own_text). */
    char *name, *version, *description;
} desc_copy_t;

/* A copy of a descriptor's text fit for the log, an API answer and a
 * terminal: each byte that is not part of valid UTF-8 becomes '?', each
 * control character a space. A plugin's name is in every line that speaks
 * of it; a byte of GBK or a newline in it would break the JSON of GET
 * /v1/plugins and split the log's lines. NULL stays NULL; *ok is cleared
 * when memory runs out. */
static char *own_text(const char *text, bool *ok)
{
    if (!text)
        return NULL;
    char *t = strdup(text);
    if (!t) {
        *ok = false;
        return NULL;
    }
    pt_utf8_scrub(t);
    for (unsigned char *c = (unsigned char *)t; *c; c++)
        if (*c < 0x20 || *c == 0x7f)
            *c = ' ';
    return t;
}

/* Refusals about the file carry the field "path", so that a client can
 * point at the part of its request that was wrong. */
int pt_plugin_refuse(pt_error_t *err, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pt_error_vset(err, PT_EVALIDATION, fmt, ap);
    va_end(ap);
    if (field)
        pt_error_add_field(err, field, "%s", err->message);
    return PT_EVALIDATION;
}

const char *pt_plugin_untrusted(const struct stat *st, char *buf, size_t size)
{
    if (st->st_uid != 0 && st->st_uid != geteuid()) {
        snprintf(buf, size,
                 "is owned by uid %lu; it must be owned by root or by ptrackd's user (uid %lu): "
                 "chown root it",
                 (unsigned long)st->st_uid, (unsigned long)geteuid());
        return buf;
    }
    if (st->st_mode & 022) {
        snprintf(buf, size, "is writable by %s (mode %04o); chmod go-w it",
                 (st->st_mode & 002) ? "others" : "its group", (unsigned)(st->st_mode & 07777));
        return buf;
    }
    return NULL;
}

/* Refuses the plugin file path that open(2) could not open with errno e. */
static void refuse_open(const char *path, int e, pt_error_t *err)
{
    char cwd[PATH_MAX];
    if (e == ENOENT && path[0] != '/' && getcwd(cwd, sizeof(cwd)))
        pt_plugin_refuse(err, "path",
                         "plugin file %s does not exist in %s: a relative path is resolved "
                         "against ptrackd's working directory, not the client's; give an "
                         "absolute path",
                         path, cwd);
    else if (e == ENOENT)
        pt_plugin_refuse(err, "path", "plugin file %s does not exist", path);
    else if (e == ELOOP)
        pt_plugin_refuse(err, "path",
                         "plugin file %s is a symbolic link; give the file itself (links are "
                         "refused so that the file checked is the file loaded)",
                         path);
    else
        pt_plugin_refuse(err, "path", "cannot open plugin file %s: %s", path, strerror(e));
}

/* Opens the directory that holds the plugin file path (O_PATH) and checks
 * it as the file is checked: anyone who may write to it may rename a file
 * of their own over the plugin's. Its parents are not checked. Sets *base
 * to the file's name in it. Returns the descriptor, or -1 with err set:
 * a directory that cannot be opened is refused as the file would be. */
static int dir_check(const char *path, const char **base, pt_error_t *err)
{
    const char *slash = strrchr(path, '/');
    char dir[PATH_MAX];
    if (!slash)
        snprintf(dir, sizeof(dir), ".");
    else if (slash == path)
        snprintf(dir, sizeof(dir), "/");
    else if ((size_t)(slash - path) < sizeof(dir))
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
    else {
        pt_plugin_refuse(err, "path", "the plugin path is too long");
        return -1;
    }
    /* "dir/" names the directory itself, which the file's check refuses. */
    *base = !slash ? path : slash[1] ? slash + 1 : ".";
    int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        /* Not the file's own link: a link among the directories is
         * followed, as it is at every other use of a path. */
        int e = errno;
        refuse_open(path, e == ELOOP ? ENOENT : e, err);
        return -1;
    }
    struct stat st;
    char buf[160];
    const char *why = NULL;
    if (fstat(dfd, &st) != 0) {
        snprintf(buf, sizeof(buf), "cannot be examined: %s", strerror(errno));
        why = buf;
    } else {
        why = pt_plugin_untrusted(&st, buf, sizeof(buf));
    }
    if (why) {
        close(dfd);
        pt_plugin_refuse(err, "path", "plugin file %s: its directory %s %s", path, dir, why);
        return -1;
    }
    return dfd;
}

int pt_plugin_file_check(const char *path, struct stat *st, pt_error_t *err)
{
    const char *base;
    int dfd = dir_check(path, &base, err);
    if (dfd < 0)
        return -1;
    /* O_NONBLOCK: a FIFO given as the path must be refused by the checks
     * below, not hang the loop in open() waiting for a writer. It changes
     * nothing for the regular file that passes them. Opened in the
     * directory checked, not by its path again. */
    int fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    int e = errno;
    close(dfd);
    if (fd < 0) {
        refuse_open(path, e, err);
        return -1;
    }
    const char *why = NULL;
    char buf[160];
    if (fstat(fd, st) != 0) {
        snprintf(buf, sizeof(buf), "cannot be examined: %s", strerror(errno));
        why = buf;
    } else if (!S_ISREG(st->st_mode)) {
        why = "is not a regular file";
    } else {
        why = pt_plugin_untrusted(st, buf, sizeof(buf));
    }
    if (why) {
        close(fd);
        pt_plugin_refuse(err, "path", "plugin file %s %s", path, why);
        return -1;
    }
    return fd;
}

/* Whether name is a format name: 1 to 64 lower-case ASCII letters,
 * digits, '_' and '-', the names of the built-in formats ("csv",
 * "jsonl"). The client lower-cases what a user types and the host folds
 * the ASCII case of ?format= (api-jobs.c), so any other could never be
 * asked for. */
static bool format_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* Checks a side's formats: some, each a format name. Returns PT_OK, or
 * the refusal naming the first bad one. */
static int check_formats(const char *path, const char *name, const char *side,
                         const char *const *formats, pt_error_t *err)
{
    if (!formats || !formats[0])
        return pt_plugin_refuse(err, "path", "plugin %s (%s) is an %ser of no format", name, path,
                                side);
    char format[PT_PLUGIN_TEXT_SHOWN];
    for (size_t i = 0; formats[i]; i++)
        if (!format_name_ok(formats[i]))
            return pt_plugin_refuse(
                err, "path",
                "plugin %s (%s) declares the %s format \"%.80s\"; a format name is 1 "
                "to 64 lower-case ASCII letters, digits, _ and - (\"csv\", "
                "\"jsonl\"): rename it in the plugin",
                name, path, side, pt_plugin_text_shown(formats[i], format, sizeof(format)));
    return PT_OK;
}

/* A 1.1 args list: NULL (not declared) or names that are not empty. */
static bool args_ok(const char *const *args)
{
    for (size_t i = 0; args && args[i]; i++)
        if (!args[i][0])
            return false;
    return true;
}

/* Checks the plugin's own declarations: a plugin that says it is a
 * notifier but has no deliver() would crash the worker later, so it is
 * refused now, with the plugin named so that its author knows.
 *
 * A struct of the plugin's is read no further than its struct_size says
 * it goes: its size first and alone, and a member only once the size is
 * known to cover it, the words of a refusal included (an ops struct that
 * says it is 1 byte may be 1 word long, the last of a mapping). The
 * option table has no struct_size: its rows are the 1.0 layout. */
static int check_desc(const char *path, const ptrack_plugin_t *d, pt_error_t *err)
{
    /* Another major first, when its descriptor is long enough to say so:
     * its layout may be anything, its size included. */
    bool has_major = d->struct_size >= offsetof(ptrack_plugin_t, abi_minor);
    if (has_major && d->abi_major != PTRACK_ABI_MAJOR)
        return pt_plugin_refuse(err, "path",
                                "plugin file %s is built for ABI %u.x; this ptrackd speaks %u.x "
                                "(rebuild it against this ptrackd's ptrack/plugin.h)",
                                path, (unsigned)d->abi_major, (unsigned)PTRACK_ABI_MAJOR);
    if (d->struct_size < PLUGIN_V1_SIZE)
        return pt_plugin_refuse(
            err, "path",
            "plugin file %s: its descriptor is %zu bytes, smaller than ABI 1.0's %zu "
            "(was it built against ptrack/plugin.h?)",
            path, d->struct_size, (size_t)PLUGIN_V1_SIZE);
    if (d->abi_major != PTRACK_ABI_MAJOR)
        return pt_plugin_refuse(err, "path",
                                "plugin file %s is built for ABI %u.x; this ptrackd speaks %u.x "
                                "(rebuild it against this ptrackd's ptrack/plugin.h)",
                                path, (unsigned)d->abi_major, (unsigned)PTRACK_ABI_MAJOR);
    if (d->abi_minor > PTRACK_ABI_MINOR)
        return pt_plugin_refuse(err, "path",
                                "plugin file %s needs ABI %u.%u, newer than this ptrackd's %u.%u "
                                "(upgrade ptrackd or use an older build of the plugin)",
                                path, (unsigned)d->abi_major, (unsigned)d->abi_minor,
                                (unsigned)PTRACK_ABI_MAJOR, (unsigned)PTRACK_ABI_MINOR);
    if (!d->name || !d->name[0])
        return pt_plugin_refuse(err, "path", "plugin file %s: its descriptor has no name", path);
    /* Its copy is made fit to show (own_text) once it passes; here it is
     * the plugin's own. */
    char name_buf[PT_PLUGIN_TEXT_SHOWN];
    const char *name = pt_plugin_text_shown(d->name, name_buf, sizeof(name_buf));
    if (d->kinds == 0 || (d->kinds & ~KNOWN_KINDS))
        return pt_plugin_refuse(
            err, "path",
            "plugin %s (%s) declares kinds 0x%x; it must be notifier (0x1), importer "
            "(0x2), exporter (0x4) or a combination",
            name, path, d->kinds);
    if (!d->create || !d->destroy)
        return pt_plugin_refuse(err, "path", "plugin %s (%s) has no %s()", name, path,
                                d->create ? "destroy" : "create");
    if (d->kinds & PTRACK_KIND_NOTIFIER) {
        const ptrack_notifier_ops_t *o = d->notifier;
        const char *bad = !o                                  ? "missing"
                          : o->struct_size < NOTIFIER_V1_SIZE ? "too small"
                          : !o->deliver                       ? "without deliver()"
                                                              : NULL;
        if (bad)
            return pt_plugin_refuse(
                err, "path", "plugin %s (%s) says it is a notifier but its notifier ops are %s",
                name, path, bad);
    }
    if (d->kinds & PTRACK_KIND_IMPORTER) {
        const ptrack_importer_ops_t *o = d->importer;
        const char *bad = !o                                  ? "missing"
                          : o->struct_size < IMPORTER_V1_SIZE ? "too small"
                          : !o->import                        ? "without import()"
                                                              : NULL;
        if (bad)
            return pt_plugin_refuse(
                err, "path", "plugin %s (%s) says it is an importer but its importer ops are %s",
                name, path, bad);
        if (check_formats(path, name, "import", o->formats, err) != PT_OK)
            return err->code;
        if (o->struct_size >= IMPORTER_V11_SIZE && !args_ok(o->args))
            return pt_plugin_refuse(err, "path",
                                    "plugin %s (%s) declares an importer argument without a name",
                                    name, path);
    }
    if (d->kinds & PTRACK_KIND_EXPORTER) {
        const ptrack_exporter_ops_t *o = d->exporter;
        const char *bad = !o                                  ? "missing"
                          : o->struct_size < EXPORTER_V1_SIZE ? "too small"
                          : !o->export                        ? "without export()"
                                                              : NULL;
        if (bad)
            return pt_plugin_refuse(
                err, "path", "plugin %s (%s) says it is an exporter but its exporter ops are %s",
                name, path, bad);
        if (check_formats(path, name, "export", o->formats, err) != PT_OK)
            return err->code;
        if (o->struct_size >= EXPORTER_V11_SIZE && !args_ok(o->args))
            return pt_plugin_refuse(err, "path",
                                    "plugin %s (%s) declares an exporter argument without a name",
                                    name, path);
    }
    for (const ptrack_option_t *o = d->options; o && o->key; o++) {
        if (!o->key[0])
            return pt_plugin_refuse(
                err, "path", "plugin %s (%s) declares an option with an empty key", name, path);
        if (strcmp(o->key, "events") == 0)
            return pt_plugin_refuse(err, "path",
                                    "plugin %s (%s) declares the option \"events\", a key the host "
                                    "keeps for itself",
                                    name, path);
        char key[PT_PLUGIN_TEXT_SHOWN], def_buf[PT_PLUGIN_TEXT_SHOWN];
        if (!pt_plugin_option_type_name(o->type))
            return pt_plugin_refuse(
                err, "path", "plugin %s (%s) declares the option \"%s\" with an unknown type %d",
                name, path, pt_plugin_text_shown(o->key, key, sizeof(key)), (int)o->type);
        cJSON *def = pt_plugin_option_default(o);
        if (o->default_text && !def)
            return pt_plugin_refuse(
                err, "path", "plugin %s (%s): the default \"%s\" of option \"%s\" is not %s", name,
                path, pt_plugin_text_shown(o->default_text, def_buf, sizeof(def_buf)),
                pt_plugin_text_shown(o->key, key, sizeof(key)), pt_plugin_option_expected(o->type));
        cJSON_Delete(def);
    }
    return PT_OK;
}

/* Copies n bytes of a plugin's struct (at most its struct_size and at most
 * the host's own sizeof), so that neither side is read or written past
 * what it has. */
static void copy_prefix(void *dst, size_t dst_size, const void *src, size_t src_size)
{
    memcpy(dst, src, src_size < dst_size ? src_size : dst_size);
}

/* Whether the loaded object h was mapped from the file st: the mapping
 * that holds its dynamic section, in /proc/self/maps, names the file's
 * device and inode (a name alone would not do: see below). */
static bool handle_is_file(void *h, const struct stat *st)
{
    struct link_map *lm = NULL;
    if (dlinfo(h, RTLD_DI_LINKMAP, &lm) != 0 || !lm || !lm->l_ld)
        return false;
    uintptr_t addr = (uintptr_t)lm->l_ld;
    FILE *f = fopen("/proc/self/maps", "re");
    if (!f)
        return false;
    char line[PATH_MAX + 128];
    bool same = false;
    while (fgets(line, sizeof(line), f)) {
        unsigned long lo, hi, ino;
        unsigned maj, min;
        if (sscanf(line, "%lx-%lx %*s %*s %x:%x %lu", &lo, &hi, &maj, &min, &ino) == 5 &&
            addr >= lo && addr < hi) {
            same = (ino_t)ino == st->st_ino && makedev(maj, min) == st->st_dev;
            break;
        }
    }
    fclose(f);
    return same;
}

/* Finds a "/proc/self/fd/N" name for fd (the file st) that no other loaded
 * object has.
 *
 * The dynamic linker recognises an object it has loaded by its name before
 * it looks at the file: after a plugin was loaded as /proc/self/fd/5 and
 * that descriptor was closed, the next file opened as descriptor 5 would be
 * taken for the old plugin and its handle returned. A plugin that dlclose
 * leaves mapped (one linked -z nodelete, as C++ unique symbols make it)
 * keeps its names for good, and gains one each time a name is matched to
 * it by its file. So the name is probed with RTLD_NOLOAD first; when an
 * object answers, it is used only if that object is this very file (then
 * loading it again shares that copy, which is the same code), and
 * otherwise the descriptor is duplicated to a higher number. Returns the
 * descriptor the name is for (fd itself, or a duplicate the caller closes
 * after dlopen), or -1 when 64 names in a row are other objects'. */
static int open_unique_name(int fd, const struct stat *st, char *proc, size_t size)
{
    int lfd = fd;
    for (int tries = 0; tries < 64; tries++) {
        snprintf(proc, size, "/proc/self/fd/%d", lfd);
        void *old = dlopen(proc, RTLD_LAZY | RTLD_LOCAL | RTLD_NOLOAD);
        if (!old)
            return lfd;
        bool same = handle_is_file(old, st);
        dlclose(old);
        if (same)
            return lfd;
        int next = fcntl(fd, F_DUPFD_CLOEXEC, lfd + 1);
        if (lfd != fd)
            close(lfd);
        if (next < 0)
            return -1;
        lfd = next;
    }
    if (lfd != fd)
        close(lfd);
    return -1;
}

static bool same_time(struct timespec a, struct timespec b)
{
    return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

/* Whether st is the file as f was loaded from it: the same file, not
 * written since (an install that rewrites a file in place keeps its inode
 * but not its size, times or content). */
static bool stat_is(const pt_plugin_file_t *f, const struct stat *st)
{
    return f->dev == st->st_dev && f->ino == st->st_ino && f->size == st->st_size &&
           same_time(f->mtime, st->st_mtim) && same_time(f->ctime, st->st_ctim);
}

bool pt_plugin_file_is(const pt_plugin_file_t *f, const struct stat *st)
{
    return stat_is(f, st);
}

/* The SHA-256 of what is read from fd to its end, each piece also written
 * to `copy` unless it is -1; *total is the bytes read. Returns 0, or the
 * errno of a failed read (ENOMEM when the digest cannot be made); a
 * failed write stops it with *werr set to its errno. */
static int digest_fd(int fd, int copy, unsigned char digest[32], off_t *total, int *werr)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(md);
        return ENOMEM;
    }
    char buf[65536];
    int rc = 0;
    *total = 0;
    *werr = 0;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = errno;
            break;
        }
        if (n == 0)
            break;
        if (EVP_DigestUpdate(md, buf, (size_t)n) != 1) {
            rc = ENOMEM;
            break;
        }
        for (ssize_t done = 0; copy >= 0 && done < n;) {
            ssize_t w = write(copy, buf + done, (size_t)(n - done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                *werr = errno;
                break;
            }
            done += w;
        }
        if (*werr)
            break;
        *total += n;
    }
    unsigned int len = 0;
    if (rc == 0 && !*werr && EVP_DigestFinal_ex(md, digest, &len) != 1)
        rc = ENOMEM;
    EVP_MD_CTX_free(md);
    return rc;
}

/* Whether the file at f's path is not the one f was loaded from. The file
 * as it was (same inode, size and times) is; one whose status changed is
 * read and its content compared: a chmod or a touch does not make another
 * build. */
bool pt_plugin_file_changed(pt_plugin_file_t *f)
{
    /* A file that a load would now refuse (made writable by others, given
     * to another owner, or its directory so) is a change whatever it
     * holds: the reload loads it again, is refused with the reason, and
     * the running instance goes on as it was, named in plugins_failed,
     * rather than the file's new state going unnoticed until a start
     * refuses it. The directory first: a chmod of it leaves the file's
     * status as it was. */
    pt_error_t err = {0};
    const char *base;
    int dfd = dir_check(f->path, &base, &err);
    pt_error_clear(&err);
    if (dfd < 0)
        return true;
    close(dfd);
    struct stat st;
    char buf[160];
    if (lstat(f->path, &st) != 0 || !S_ISREG(st.st_mode))
        return true;
    if (stat_is(f, &st))
        return false;
    if (pt_plugin_untrusted(&st, buf, sizeof(buf)))
        return true;
    int fd = open(f->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return true;
    unsigned char digest[32];
    off_t total;
    int werr;
    struct stat opened;
    bool changed = fstat(fd, &opened) != 0 || opened.st_ino != st.st_ino ||
                   opened.st_dev != st.st_dev || digest_fd(fd, -1, digest, &total, &werr) != 0 ||
                   memcmp(digest, f->sha256, sizeof(digest)) != 0;
    /* The same content under a new status (a chmod, a touch): the status
     * is recorded, so that the next reload does not read the file again. */
    if (!changed && total == st.st_size && fstat(fd, &opened) == 0 &&
        opened.st_size == st.st_size && same_time(opened.st_mtim, st.st_mtim)) {
        f->size = opened.st_size;
        f->mtime = opened.st_mtim;
        f->ctime = opened.st_ctim;
    }
    close(fd);
    return changed;
}

/* A private, sealed copy of the checked file fd (st) in memory, which is
 * what is dlopen()ed. The dynamic linker maps a file rather than reading
 * it: a plugin rewritten in place while loaded (cp, cmake --install, an
 * editor) would change the code under a running instance, and ptrackd
 * would crash in it at its next call. A copy is ptrackd's own, whatever
 * happens to the file; the file's next load (an unload and a load, a
 * SIGHUP, a restart) runs its new content. Sets digest to the SHA-256 of
 * the content. Returns the copy's descriptor, or -1 with err set. */
static int private_copy(const char *path, int fd, const struct stat *st, unsigned char digest[32],
                        pt_error_t *err)
{
    const char *base = strrchr(path, '/');
    char name[200];
    snprintf(name, sizeof(name), "ptrack-plugin:%s", base ? base + 1 : path);
    int mfd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (mfd < 0) {
        /* Memory or descriptors run out (ENOMEM, EMFILE): a resource,
         * as out of memory is. */
        pt_error_set(err, PT_ENOMEM, "cannot load plugin file %s: cannot make a copy of it: %s",
                     path, strerror(errno));
        return -1;
    }
    off_t total = 0;
    int werr = 0;
    int rerr = digest_fd(fd, mfd, digest, &total, &werr);
    if (werr) {
        close(mfd);
        pt_error_set(err, PT_ENOMEM, "cannot load plugin file %s: cannot make a copy of it: %s",
                     path, strerror(werr));
        return -1;
    }
    if (rerr) {
        close(mfd);
        pt_plugin_refuse(err, "path", "cannot read plugin file %s: %s", path, strerror(rerr));
        return -1;
    }
    struct stat after;
    if (total != st->st_size || fstat(fd, &after) != 0 || after.st_size != st->st_size ||
        !same_time(after.st_mtim, st->st_mtim)) {
        close(mfd);
        pt_plugin_refuse(err, "path",
                         "plugin file %s changed while it was being loaded (is it being "
                         "installed?); load it again once it is in place",
                         path);
        return -1;
    }
    /* Nobody, ptrackd included, may change the copy from now on. */
    (void)fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
    return mfd;
}

/* Loads the plugin file that pt_plugin_file_check opened as fd (and
 * closes fd): a private copy of it, dlopen()ed under a name no other
 * object answers to, the entry point, the descriptor's checks and the
 * host's copy of the descriptor. Returns PT_OK with *out holding one
 * reference. Thread: loop. */
int pt_plugin_file_load(const char *path, int fd, const struct stat *st, pt_plugin_file_t **out,
                        pt_error_t *err)
{
    unsigned char digest[32];
    int copy = private_copy(path, fd, st, digest, err);
    close(fd);
    if (copy < 0)
        return err->code;
    fd = copy;
    struct stat cst;
    if (fstat(fd, &cst) != 0) {
        close(fd);
        return pt_error_set(err, PT_ENOMEM, "cannot load plugin file %s: %s", path,
                            strerror(errno));
    }
    char proc[64];
    int lfd = open_unique_name(fd, &cst, proc, sizeof(proc));
    if (lfd < 0) {
        close(fd);
        return pt_plugin_refuse(
            err, "path",
            "plugin file %s cannot be loaded: the names to load it by are taken by "
            "other plugins that stay mapped after their unload; restart ptrackd",
            path);
    }
    dlerror();
    /* The plugin's constructors (its own, its libraries') and its entry
     * point run on the loop's thread, and a thread they start takes its
     * mask: the signals the loop handles are blocked until the entry point
     * has returned (signals.h). */
    sigset_t mask;
    pt_signals_block(&mask);
    char what[PT_PLUGIN_CODE_WHAT];
    snprintf(what, sizeof(what), "the load of plugin file %s (its constructors or its entry point)",
             path);
    pt_plugins_note_code(what);
    void *handle = dlopen(proc, RTLD_NOW | RTLD_LOCAL);
    if (lfd != fd)
        close(lfd);
    close(fd);
    if (!handle) {
        pt_plugins_note_code(NULL);
        pt_signals_restore(&mask);
        const char *e = dlerror();
        if (!e)
            e = "dlopen failed";
        /* dlerror names the object at fault first. When that is the /proc
         * name the file was loaded by, the file's own name, already at the
         * start of the message, is clearer; when it is another (a library
         * the plugin needs), it is the news and stays. */
        size_t plen = strlen(proc);
        if (strncmp(e, proc, plen) == 0 && strncmp(e + plen, ": ", 2) == 0)
            e += plen + 2;
        /* A file the dynamic linker read as a shared object but could not
         * link is no "not a shared object": the plugin's developer must
         * hear what is missing. */
        if (strstr(e, "cannot open shared object file"))
            return pt_plugin_refuse(err, "path",
                                    "plugin file %s cannot be loaded: a library it is linked "
                                    "against is missing: %s (install it where the dynamic linker "
                                    "looks; ldd on the file lists what it needs)",
                                    path, e);
        if (strstr(e, "undefined symbol"))
            return pt_plugin_refuse(err, "path",
                                    "plugin file %s cannot be loaded: %s (no library it is linked "
                                    "against defines it, and ptrackd lends plugins no symbols: "
                                    "link the library that has it; -Wl,--no-undefined finds such "
                                    "a symbol when the plugin is built)",
                                    path, e);
        return pt_plugin_refuse(err, "path", "plugin file %s is not a shared object: %s", path, e);
    }
    dlerror();
    void *sym = dlsym(handle, PTRACK_PLUGIN_ENTRY_NAME);
    if (!sym) {
        pt_plugins_note_code(NULL);
        pt_signals_restore(&mask);
        dlclose(handle);
        return pt_plugin_refuse(err, "path",
                                "plugin file %s does not export " PTRACK_PLUGIN_ENTRY_NAME
                                " (is it a ptrack plugin?)",
                                path);
    }
    ptrack_plugin_entry_fn entry;
    /* ISO C has no conversion from void * to a function pointer; POSIX
     * guarantees that dlsym's result survives this one. */
    memcpy(&entry, &sym, sizeof(entry));
    pt_plugin_crash_enter(NULL, path, PTRACK_PLUGIN_ENTRY_NAME "()");
    const ptrack_plugin_t *d = entry();
    pt_plugin_crash_leave();
    pt_plugins_note_code(NULL);
    pt_signals_restore(&mask);
    if (!d) {
        dlclose(handle);
        return pt_plugin_refuse(
            err, "path", "plugin file %s: " PTRACK_PLUGIN_ENTRY_NAME " returned no descriptor",
            path);
    }
    /* check_desc reads struct_size first and alone: every other member is
     * read only once it is known to be there. */
    if (check_desc(path, d, err) != PT_OK) {
        dlclose(handle);
        return err->code;
    }

    pt_plugin_file_t *f = calloc(1, sizeof(*f));
    desc_copy_t *c = calloc(1, sizeof(*c));
    char *fpath = strdup(path);
    if (!f || !c || !fpath) {
        free(f);
        free(c);
        free(fpath);
        dlclose(handle);
        return pt_error_set(err, PT_ENOMEM, "out of memory loading %s", path);
    }
    copy_prefix(&c->desc, sizeof(c->desc), d, d->struct_size);
    c->desc.struct_size = sizeof(c->desc);
    if (d->kinds & PTRACK_KIND_NOTIFIER) {
        copy_prefix(&c->notifier, sizeof(c->notifier), d->notifier, d->notifier->struct_size);
        c->notifier.struct_size = sizeof(c->notifier);
    }
    if (d->kinds & PTRACK_KIND_IMPORTER) {
        copy_prefix(&c->importer, sizeof(c->importer), d->importer, d->importer->struct_size);
        c->importer.struct_size = sizeof(c->importer);
    }
    if (d->kinds & PTRACK_KIND_EXPORTER) {
        copy_prefix(&c->exporter, sizeof(c->exporter), d->exporter, d->exporter->struct_size);
        c->exporter.struct_size = sizeof(c->exporter);
    }
    /* Only the kinds declared have ops; the others are NULL in the copy
     * whatever the plugin left in its pointers. */
    c->desc.notifier = (d->kinds & PTRACK_KIND_NOTIFIER) ? &c->notifier : NULL;
    c->desc.importer = (d->kinds & PTRACK_KIND_IMPORTER) ? &c->importer : NULL;
    c->desc.exporter = (d->kinds & PTRACK_KIND_EXPORTER) ? &c->exporter : NULL;
    bool ok = true;
    c->desc.name = c->name = own_text(d->name, &ok);
    c->desc.version = c->version = own_text(d->version, &ok);
    c->desc.description = c->description = own_text(d->description, &ok);
    if (!ok) {
        free(c->name);
        free(c->version);
        free(c->description);
        free(c);
        free(f);
        free(fpath);
        dlclose(handle);
        return pt_error_set(err, PT_ENOMEM, "out of memory loading %s", path);
    }

    f->path = fpath;
    f->dev = st->st_dev;
    f->ino = st->st_ino;
    f->size = st->st_size;
    f->mtime = st->st_mtim;
    f->ctime = st->st_ctim;
    memcpy(f->sha256, digest, sizeof(f->sha256));
    f->handle = handle;
    f->desc = &c->desc;
    f->refs = 1;
    *out = f;
    return PT_OK;
}

void pt_plugin_file_unload(pt_plugin_file_t *f)
{
    if (f->handle)
        dlclose(f->handle);
    desc_copy_t *c = (desc_copy_t *)f->desc;
    if (c) {
        free(c->name);
        free(c->version);
        free(c->description);
    }
    free(c);
    free(f->path);
    free(f);
}
