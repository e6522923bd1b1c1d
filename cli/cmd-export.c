/*
 * cmd-export.c - `ptrack export --format F`: has an exporter plugin write
 * the matching proposals (GET /v1/exports?format=F&filters) into a file.
 *
 * The answer is streamed into a temporary file next to the target and
 * renamed over it only once the transfer has ended well, so a file that is
 * there under its name is always whole: when ptrackd cuts the stream off
 * (the exporter failed; curl then says the transfer was partial) or the
 * connection breaks, the temporary file is removed and the command fails.
 * So it is when the user stops the export (Ctrl-C, SIGTERM, SIGHUP): the
 * signal only raises a flag (pt_transfer_catch_stops), the transfer stops
 * at the next callback, the temporary file is removed, and the exit code is
 * 128 + the signal's number, as a shell reports a command killed by it.
 * What is written directly (stdout, a device, a named pipe) cannot be taken
 * back: the message says that it holds only the start of the export.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "filters.h"
#include "json.h"
#include "labels.h"
#include "transfer.h"
#include "width.h"

static const pt_opt_t opts[] = {
    {"format", PT_OPT_VALUE, "F",
     "json, jsonl, csv, xlsx, md, html, ics, ... (default: from the extension of --out)"},
    {"out", PT_OPT_VALUE, "FILE",
     "write to FILE (- for stdout; default: the name ptrackd gives, e.g. proposals.json)"},
    PT_FILTER_OPTS,
    {"arg", PT_OPT_LIST, "KEY=VALUE",
     "another parameter for the exporter, e.g. --arg lang=en or --arg group=unit"},
    {"quiet", PT_OPT_FLAG, NULL, "no progress line on stderr"},
    {0},
};

typedef struct {
    pt_cli_t *cli;
    CURL *h;
    const char *out_opt; /* --out, or NULL */
    const char *format;
    char *server_name; /* from Content-Disposition, made safe */
    char *target;      /* the file the output ends up in, or NULL for stdout */
    char *final;       /* the file renamed over: target, or where its symlink points */
    char *tmp;         /* the temporary file being written; NULL when written directly */
    bool replacing;    /* a file is at final, to be replaced */
    FILE *out;
    bool opened, failed;
    bool tmp_failed; /* the temporary file beside the target could not be made */
    int fail_errno;
    long status;
    pt_buf_t error_body; /* the body of an error answer */
    int64_t received;
    bool count_lines; /* json and jsonl: one proposal a line */
    pt_progress_t progress;
} download_t;

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Whether a name from a server is one to make a file of: UTF-8 without a
 * control character (C0, DEL, or C1's U+0080..U+009F, which ptrackd
 * refuses in a name, an older one did not, and %0A or %C2%85 in filename*
 * would put a line break in the file's name) nor a bidirectional
 * formatting character (U+202E in 汇总\u202Evsc.exe is shown as
 * 汇总exe.csv by ls and in this command's own lines). */
static bool name_text_ok(const char *s)
{
    size_t n = strlen(s);
    if (!pt_utf8_check(s, n, NULL))
        return false;
    for (size_t i = 0; i < n;) {
        int32_t cp;
        i += pt_utf8_decode(s + i, n - i, &cp);
        if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || pt_cp_bidi_control(cp))
            return false;
    }
    return true;
}

/* Skips the blanks (OWS: spaces and tabs) at p, before end. */
static const char *skip_blanks(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

/* The value of a parameter at *p (before end), which is moved past it: a
 * quoted-string, without its quotes and with each quoted-pair (\") as the
 * character after the backslash, or a token, to a ';' or a blank. NULL for
 * a quote that is not closed. Ownership: the caller frees it. */
static char *param_value(const char **p, const char *end)
{
    const char *s = *p;
    pt_buf_t b = {0};
    if (s < end && *s == '"') {
        for (s++; s < end && *s != '"'; s++) {
            if (*s == '\\' && s + 1 < end)
                s++;
            pt_buf_putc(&b, *s);
        }
        if (s == end) {
            pt_buf_free(&b);
            return NULL;
        }
        s++;
    } else {
        while (s < end && *s != ';' && *s != ' ' && *s != '\t')
            pt_buf_putc(&b, *s++);
    }
    *p = s;
    return pt_buf_take(&b);
}

/* The name an ext-value of filename* gives (RFC 8187): UTF-8'[language]'
 * and the name's bytes, percent-encoded. NULL for another charset, or for
 * a value that is not one (a % without two hex digits, a %00, which would
 * end the name early). Ownership: the caller frees it. */
static char *ext_value_name(const char *v)
{
    const char *lang = strchr(v, '\'');
    const char *text = lang ? strchr(lang + 1, '\'') : NULL;
    if (!text || lang - v != 5 || strncasecmp(v, "UTF-8", 5) != 0)
        return NULL;
    pt_buf_t b = {0};
    for (const char *p = text + 1; *p; p++) {
        if (*p != '%') {
            pt_buf_putc(&b, *p);
            continue;
        }
        int hi = hex_digit(p[1]), lo = hi < 0 ? -1 : hex_digit(p[2]);
        if (lo < 0 || hi * 16 + lo == 0) {
            pt_buf_free(&b);
            return NULL;
        }
        pt_buf_putc(&b, (char)(hi * 16 + lo));
        p += 2;
    }
    return pt_buf_take(&b);
}

/* The file name of a Content-Disposition value (RFC 6266): filename*
 * (UTF-8) when it is given and can be read, else filename. The value is read
 * parameter by parameter, each "; name=value" after the type, the names
 * in any case, so that neither is found inside another's quoted value
 * (filename="a filename*=UTF-8''b.csv" is a name with blanks, not b.csv)
 * nor in a longer name (xfilename=); what does not parse ends the reading.
 * Only the last path part is kept, and a name that is empty, starts with a
 * dot, or is not UTF-8 text without control characters and bidirectional
 * formatting characters is not taken: the server names a download, it
 * does not choose where it goes, nor put a line break in its name. */
static char *disposition_name(const char *v, size_t n)
{
    if (memchr(v, '\0', n))
        return NULL; /* no header holds one */
    const char *p = v, *end = v + n;
    while (end > p && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    /* The type is a token: it ends at the first ';'. */
    while (p < end && *p != ';')
        p++;
    char *plain = NULL, *ext = NULL;
    bool plain_seen = false, ext_seen = false;
    while (p < end && *p == ';') {
        p = skip_blanks(p + 1, end);
        const char *key = p;
        while (p < end && *p != '=' && *p != ';' && *p != ' ' && *p != '\t')
            p++;
        size_t key_len = (size_t)(p - key);
        p = skip_blanks(p, end);
        if (p == end || *p != '=')
            break;
        p = skip_blanks(p + 1, end);
        char *value = param_value(&p, end);
        p = skip_blanks(p, end);
        if (!value || (p < end && *p != ';')) {
            free(value);
            break;
        }
        /* A parameter given twice is the first one's (RFC 6266 says such a
         * header is not valid; it is not taken from the second). */
        if (key_len == 9 && strncasecmp(key, "filename*", 9) == 0 && !ext_seen) {
            ext_seen = true;
            ext = ext_value_name(value);
        } else if (key_len == 8 && strncasecmp(key, "filename", 8) == 0 && !plain_seen) {
            plain_seen = true;
            plain = value;
            value = NULL;
        }
        free(value);
    }
    char *name = ext ? ext : plain;
    if (ext)
        free(plain);
    if (!name)
        return NULL;
    char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    if (!*base || *base == '.' || strchr(base, '\\') || !name_text_ok(base)) {
        free(name);
        return NULL;
    }
    char *safe = pt_xstrdup(base);
    free(name);
    return safe;
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *ud)
{
    download_t *d = ud;
    size_t n = size * nmemb;
    static const char key[] = "content-disposition:";
    if (n >= 5 && memcmp(line, "HTTP/", 5) == 0) {
        free(d->server_name);
        d->server_name = NULL;
    } else if (n > sizeof(key) - 1 && strncasecmp(line, key, sizeof(key) - 1) == 0) {
        free(d->server_name);
        d->server_name = disposition_name(line + sizeof(key) - 1, n - (sizeof(key) - 1));
    }
    return n;
}

/* Opens where the output goes, once the answer is known to be a file. */
static bool open_output(download_t *d)
{
    d->opened = true;
    if (d->out_opt && strcmp(d->out_opt, "-") == 0) {
        d->out = stdout;
        return true;
    }
    if (d->out_opt) {
        d->target = pt_xstrdup(d->out_opt);
    } else if (d->server_name) {
        d->target = pt_xstrdup(d->server_name);
    } else {
        pt_buf_t b = {0};
        pt_buf_printf(&b, "proposals.%s", d->format);
        d->target = pt_buf_take(&b);
    }
    /* What is not a regular file (a device such as /dev/null, a named
     * pipe), or a symlink that leads nowhere yet, is written directly, as a
     * shell's > would: a temporary file renamed over it would replace it. */
    struct stat st, lst;
    bool exists = stat(d->target, &st) == 0;
    bool link = lstat(d->target, &lst) == 0 && S_ISLNK(lst.st_mode);
    if ((exists && !S_ISREG(st.st_mode)) || (link && !exists)) {
        if (!(d->out = fopen(d->target, "wb"))) {
            d->fail_errno = errno;
            d->failed = true;
            return false;
        }
        return true;
    }
    /* A regular file is replaced whole at the end, or not at all: through a
     * symlink, the file it points to, so the link stays. */
    d->final = link ? realpath(d->target, NULL) : NULL;
    if (!d->final)
        d->final = pt_xstrdup(d->target);
    /* Named after the target, unless that is longer than a name may be
     * (NAME_MAX bytes: 80 Chinese characters and .json are 245 of 255):
     * then a short name of its own, in the same directory. */
    static const char tmp_suffix[] = ".ptrack-XXXXXX";
    const char *slash = strrchr(d->final, '/');
    const char *base = slash ? slash + 1 : d->final;
    /* A name longer than that cannot be made at all: said now, not after
     * the whole export has come into the temporary file. */
    if (strlen(base) > NAME_MAX) {
        d->fail_errno = ENAMETOOLONG;
        d->failed = true;
        return false;
    }
    pt_buf_t t = {0};
    if (strlen(base) + sizeof tmp_suffix - 1 <= NAME_MAX)
        pt_buf_printf(&t, "%s%s", d->final, tmp_suffix);
    else
        pt_buf_printf(&t, "%.*s%s", (int)(base - d->final), d->final, tmp_suffix);
    d->tmp = pt_buf_take(&t);
    int fd = mkstemp(d->tmp);
    /* mkstemp makes it 0600; an export is for sharing: the mode of the file
     * it replaces, or what the umask gives a new file. */
    mode_t mask = umask(0);
    umask(mask);
    mode_t mode = exists ? st.st_mode & 07777 : 0666 & ~mask;
    d->replacing = exists;
    if (fd < 0 || fchmod(fd, mode) != 0 || !(d->out = fdopen(fd, "wb"))) {
        d->fail_errno = errno;
        d->failed = true;
        d->tmp_failed = fd < 0;
        if (fd >= 0) {
            close(fd);
            unlink(d->tmp);
        }
        free(d->tmp);
        d->tmp = NULL;
        return false;
    }
    return true;
}

/* Writes n bytes of data into what is written directly (stdout, a pipe, a
 * device), and returns how many went. A reader that has stopped reading
 * keeps the write waiting; a stop interrupts it, but stdio, given part of
 * a block, goes on with the rest and waits again, for as long as the
 * reader does not read: write(2) is called here instead, and a stop is
 * looked at between the parts. Output made non-blocking waits for room
 * too, as stdio did not (EAGAIN). Sets errno when not all went. */
static size_t write_direct(download_t *d, const char *data, size_t n)
{
    int fd = fileno(d->out);
    size_t done = 0;
    if (fflush(d->out) != 0)
        return 0;
    while (done < n) {
        if (pt_transfer_stop_signal()) {
            errno = EINTR;
            break;
        }
        ssize_t w = write(fd, data + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            /* Made non-blocking by another program that shares it (a
             * terminal, a parent's pipe), and its reader is slower: wait
             * for room as a blocking write would, a stop looked at every
             * second. */
            struct pollfd room = {.fd = fd, .events = POLLOUT};
            poll(&room, 1, 1000);
            continue;
        }
        if (w < 0)
            break;
        done += (size_t)w;
    }
    return done;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    download_t *d = ud;
    size_t n = size * nmemb;
    if (pt_transfer_stop_signal())
        return 0; /* makes curl stop; run() tells why */
    if (!d->status)
        curl_easy_getinfo(d->h, CURLINFO_RESPONSE_CODE, &d->status);
    if (d->status < 200 || d->status >= 300) {
        pt_buf_add(&d->error_body, data, n);
        return n;
    }
    if (!d->opened && !open_output(d))
        return 0; /* makes curl stop with a write error */
    size_t written = d->tmp ? fwrite(data, 1, n, d->out) : write_direct(d, data, n);
    if (written != n) {
        d->fail_errno = errno;
        d->failed = true;
        /* Part of it may have gone (stdout, a device): the message says
         * so rather than "nothing was written". */
        d->received += (int64_t)written;
        return 0;
    }
    d->received += (int64_t)n;
    if (d->count_lines)
        for (const char *p = data; (p = memchr(p, '\n', (size_t)(data + n - p))); p++)
            d->progress.count++;
    return n;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    download_t *d = ud;
    /* Called at least once a second, also while no data moves: the place
     * where a stalled transfer notices the signal. */
    if (pt_transfer_stop_signal())
        return 1;
    if (d->received > 0)
        pt_progress_update(&d->progress, d->received, (int64_t)dltotal, false);
    return 0;
}

/* Builds the query from --format, the filters and the --arg pairs. */
static int build_query(pt_cli_t *cli, const pt_args_t *args, const char *format, char **q)
{
    pt_client_query_add(q, "format", format);
    if (pt_filters_query(cli, args, q) != PT_EXIT_OK)
        return PT_EXIT_USAGE;
    return pt_transfer_query_args(cli, args, q);
}

/* Says what a stop left behind, once discard() has removed what it could. */
static void stop_message(const download_t *d, int sig)
{
    const char *why = pt_transfer_stop_name(sig);
    char size[32];
    pt_human_bytes(d->received, size, sizeof size);
    if (!d->opened || d->received == 0)
        fprintf(stderr,
                "ptrack export: 导出已中断，未写入任何内容 (stopped by %s before the first "
                "byte came; nothing was written)\n",
                why);
    else if (d->out_opt && strcmp(d->out_opt, "-") == 0)
        fprintf(stderr,
                "ptrack export: 导出已中断，输出不完整 (stopped by %s; what went to stdout, %s, "
                "is only the start of the export)\n",
                why, size);
    else if (d->tmp)
        pt_utf8_shown_line(stderr,
                           "ptrack export: 导出已中断，未写入 %s (stopped by %s; %s was not "
                           "written: the part that had come was removed%s)",
                           d->target, why, d->target,
                           d->replacing ? ", and the file there is left as it was" : "");
    else
        pt_utf8_shown_line(stderr,
                           "ptrack export: 导出已中断，%s 不完整 (stopped by %s; %s is not a "
                           "regular file and was written directly: it holds only the start of "
                           "the export, %s)",
                           d->target, why, d->target, size);
}

/* The directory part of path ("." for a bare name), in b. */
static const char *dir_of(pt_buf_t *b, const char *path)
{
    const char *slash = strrchr(path, '/');
    pt_buf_reset(b);
    if (!slash)
        pt_buf_puts(b, ".");
    else if (slash == path)
        pt_buf_puts(b, "/");
    else
        pt_buf_add(b, path, (size_t)(slash - path));
    return pt_buf_str(b);
}

/* The nearest of path's directories (itself first) that is there, in b,
 * and whether it is a directory: what stopped a path at ENOTDIR, or
 * ENOENT. */
static bool nearest_existing(pt_buf_t *b, const char *path, bool *is_dir)
{
    struct stat st;
    pt_buf_t up = {0};
    pt_buf_reset(b);
    pt_buf_puts(b, path);
    for (;;) {
        if (stat(pt_buf_str(b), &st) == 0) {
            *is_dir = S_ISDIR(st.st_mode);
            pt_buf_free(&up);
            return true;
        }
        if (strcmp(pt_buf_str(b), "/") == 0 || strcmp(pt_buf_str(b), ".") == 0)
            break;
        dir_of(&up, pt_buf_str(b));
        pt_buf_reset(b);
        pt_buf_puts(b, pt_buf_str(&up));
    }
    pt_buf_free(&up);
    return false;
}

/* Says on stderr that the output could not be opened, err saying why,
 * `tail` after it. A bare errno names neither the place nor the reason:
 * "No such file or directory" for --out /proc/version, where the file is
 * there and its directory too, but takes no new file (the export is
 * written into a temporary file beside the target first, then renamed
 * over it), or for a symlink into a directory that is gone. So the
 * message names what to make or correct: the link's target, a directory
 * that does not exist, a part of the path that is a file, the directory
 * that will not take the temporary file and why, or a target that is a
 * directory itself. */
#define TMP_NOTE                                                                                   \
    "; the export is written into a new file beside it first, renamed over it when whole"

static void say_cannot_write(const download_t *d, int err, const char *tail)
{
    const char *target = d->target ? d->target : d->out == stdout ? "stdout" : "the output";
    pt_buf_t where = {0}, dir = {0}, joined = {0}, why = {0}, near = {0};
    char to[4096];
    ssize_t n = d->target ? readlink(d->target, to, sizeof to - 1) : -1;
    const char *file = d->target;
    if (n > 0) {
        to[n] = '\0';
        pt_buf_printf(&where, " (a symbolic link to %s)", to);
        /* A relative target is relative to the link's own directory. */
        if (to[0] == '/' || !strchr(d->target, '/')) {
            pt_buf_puts(&joined, to);
        } else {
            pt_buf_t ld = {0};
            pt_buf_printf(&joined, "%s/%s", dir_of(&ld, d->target), to);
            pt_buf_free(&ld);
        }
        file = pt_buf_str(&joined);
    }
    struct stat st;
    bool is_dir = false;
    if (file)
        dir_of(&dir, file);
    /* Without --out, or with a bare name, the file goes in the current
     * directory: "its directory ." would send the person looking for a
     * directory of that name. */
    char cwd[4096];
    pt_buf_t place = {0}; /* "its directory D", or "the current directory (D)" */
    if (file && strcmp(pt_buf_str(&dir), ".") == 0)
        pt_buf_printf(&place, "the current directory (%s)",
                      getcwd(cwd, sizeof cwd) ? cwd : "which cannot be named");
    else
        pt_buf_printf(&place, "its directory %s", pt_buf_str(&dir));
    const char *dir_name = pt_buf_str(&place);
    if (file && err == ENOENT && stat(pt_buf_str(&dir), &st) != 0 && errno == ENOENT)
        pt_buf_printf(&why, "its directory %s does not exist", pt_buf_str(&dir));
    else if (file && err == ENOTDIR && nearest_existing(&near, pt_buf_str(&dir), &is_dir) &&
             !is_dir)
        pt_buf_printf(&why, "%s is a file, not a directory", pt_buf_str(&near));
    else if (file && err == EISDIR)
        pt_buf_printf(&why, "it is a directory: give the name of a file, such as %s%sproposals.%s",
                      file, file[strlen(file) - 1] == '/' ? "" : "/", d->format);
    else if (file && d->tmp_failed && (err == EACCES || err == EPERM))
        pt_buf_printf(&why, "you may not make files in %s (%s)%s", dir_name, strerror(err),
                      TMP_NOTE);
    else if (file && d->tmp_failed && err == EROFS)
        pt_buf_printf(&why, "%s is on a read-only file system", dir_name);
    else if (file && d->tmp_failed && err == ENOENT)
        /* The directory is there (see above), but makes no file: /proc,
         * /sys, the kernel's. */
        pt_buf_printf(&why, "%s takes no new files (making one there failed: %s)%s", dir_name,
                      strerror(err), TMP_NOTE);
    else if (file && d->tmp_failed)
        pt_buf_printf(&why, "cannot make a file in %s (%s)%s", dir_name, strerror(err), TMP_NOTE);
    else
        pt_buf_puts(&why, strerror(err));
    /* The name as typed, and the names made of it, are bytes in any
     * encoding: shown as typed text is. */
    pt_utf8_shown_line(stderr, "ptrack export: cannot write %s%s: %s%s", target, pt_buf_str(&where),
                       pt_buf_str(&why), tail);
    pt_buf_free(&where);
    pt_buf_free(&dir);
    pt_buf_free(&joined);
    pt_buf_free(&why);
    pt_buf_free(&near);
    pt_buf_free(&place);
}

/* Removes what a failed export left behind. */
static void discard(download_t *d)
{
    if (d->out && d->out != stdout)
        fclose(d->out);
    d->out = NULL;
    if (d->tmp)
        unlink(d->tmp);
}

/* Makes the finished temporary file the target, durably, and says so. */
static int finish_file(download_t *d)
{
    /* A device or a pipe written directly takes no fsync. */
    bool ok = fflush(d->out) == 0 && (!d->tmp || fsync(fileno(d->out)) == 0);
    int err = errno;
    if (fclose(d->out) != 0 && ok) {
        ok = false;
        err = errno;
    }
    d->out = NULL;
    if (!ok) {
        pt_utf8_shown_line(stderr, "ptrack export: cannot write %s: %s%s", d->target, strerror(err),
                           d->tmp ? " (nothing was written)" : "");
        if (d->tmp)
            unlink(d->tmp);
        return PT_EXIT_SERVER;
    }
    if (d->tmp && rename(d->tmp, d->final) != 0) {
        pt_utf8_shown_line(stderr, "ptrack export: cannot rename %s to %s: %s", d->tmp, d->final,
                           strerror(errno));
        unlink(d->tmp);
        return PT_EXIT_SERVER;
    }
    char size[32];
    pt_human_bytes(d->received, size, sizeof(size));
    if (d->count_lines) {
        /* Line breaks are proposals, except in an empty json file, "[]\n". */
        long long n = strcmp(d->format, "json") == 0 && d->received <= 3 ? 0 : d->progress.count;
        pt_utf8_shown_line(stdout, "已导出 %lld 条到 %s (%lld exported to %s, %s)", n, d->target, n,
                           d->target, size);
    } else {
        pt_utf8_shown_line(stdout, "已导出到 %s (exported to %s, %s)", d->target, d->target, size);
    }
    return PT_EXIT_OK;
}

static const pt_ext_format_t name_formats[] = {
    {".json", "json"}, {".jsonl", "jsonl"}, {".ndjson", "jsonl"},
    {".csv", "csv"},   {".xlsx", "xlsx"},   {".md", "md"},
    {".html", "html"}, {".htm", "html"},    {".ics", "ics"},
};
#define N_NAME_FORMATS (sizeof(name_formats) / sizeof(name_formats[0]))

/* The format the name of --out says, or NULL. */
static const char *format_from_name(const char *path)
{
    return path ? pt_transfer_format_of(path, name_formats, N_NAME_FORMATS) : NULL;
}

/* A --format of the built-in ones that another's file name contradicts
 * (--format json --out 名单.csv) is written as asked, and said: Excel or a
 * calendar would open the file as what its name says, and show nothing
 * of it. An office's own format (督办 writing .xlsx) is none of them. */
static void warn_name_format(const char *out, const char *format)
{
    const char *named = format_from_name(out);
    if (!named || strcmp(named, format) == 0)
        return;
    for (size_t i = 0; i < N_NAME_FORMATS; i++)
        if (strcmp(name_formats[i].format, format) == 0) {
            char *shown = pt_utf8_shown(out);
            pt_text_sayf("ptrack export: 注意：文件名是 %s 格式，内容将是 %s 格式 (%s is named as "
                         "%s, but --format %s writes %s; name it .%s, or leave --format out)",
                         named, format, shown ? shown : out, named, format, format, format);
            free(shown);
            return;
        }
}

static int run(pt_cli_t *cli, const pt_args_t *args)
{
    /* stdout may be the file (--out -): an error answer goes to stderr. */
    cli->json_errors_off = true;
    const char *out = pt_args_value(args, "out");
    if (out && !*out)
        return pt_cli_usage(cli, "--out needs the name of a file (or - for stdout), not an "
                                 "empty one");
    const char *format = pt_args_value(args, "format");
    char format_buf[64];
    if (format)
        format = pt_transfer_format_name(format, format_buf, sizeof format_buf);
    if (format && *format && out)
        warn_name_format(out, format);
    if (!format || !*format)
        format = format_from_name(out);
    if (!format || !*format)
        return pt_cli_usage(cli, "say which format to write with --format (json, jsonl, csv, "
                                 "xlsx, md, html, ics, ...), or give --out a file name that "
                                 "ends in one");
    char *query = NULL;
    int rc = build_query(cli, args, format, &query);
    if (rc != PT_EXIT_OK) {
        free(query);
        return rc;
    }
    pt_buf_t path = {0};
    pt_buf_printf(&path, "/v1/exports%s", query);
    free(query);

    download_t d = {.cli = cli, .out_opt = pt_args_value(args, "out"), .format = format};
    d.count_lines = strcmp(format, "json") == 0 || strcmp(format, "jsonl") == 0;
    struct curl_slist *headers = NULL;
    d.h = pt_transfer_handle(cli, pt_buf_str(&path), &headers);
    pt_buf_free(&path);
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(d.h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(d.h, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(d.h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(d.h, CURLOPT_HEADERDATA, &d);
    curl_easy_setopt(d.h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(d.h, CURLOPT_WRITEDATA, &d);
    curl_easy_setopt(d.h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(d.h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(d.h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(d.h, CURLOPT_XFERINFODATA, &d);
    /* An export written to the terminal (--out - on a screen) is text the
     * progress line would be drawn into, and wipe with its \033[K: the
     * line is for a file being written, or a pipe. */
    bool onto_screen = d.out_opt && strcmp(d.out_opt, "-") == 0 && isatty(1);
    pt_progress_init(&d.progress, "导出",
                     isatty(2) && !onto_screen && !pt_args_flag(args, "quiet"));
    d.progress.count_known = d.count_lines;
    /* A json file ends with "]\n" after the last proposal's line; jsonl
     * has one line per proposal. The count is of line breaks seen. */

    pt_transfer_catch_stops();
    CURLcode crc = curl_easy_perform(d.h);
    /* A stop that came once the whole export was in stopped nothing. */
    int stopped_by = crc != CURLE_OK ? pt_transfer_stop_signal() : 0;
    if (stopped_by) {
        pt_progress_clear(&d.progress);
    } else {
        if (d.received > 0)
            pt_progress_update(&d.progress, d.received, 0, true);
        pt_progress_done(&d.progress);
    }
    if (!d.status)
        curl_easy_getinfo(d.h, CURLINFO_RESPONSE_CODE, &d.status);

    if (stopped_by) {
        discard(&d);
        stop_message(&d, stopped_by);
        rc = 128 + stopped_by;
    } else if (d.failed) {
        /* What was written directly stays: stdout, a device or a pipe
         * holds the start of the export, as after a stop. */
        pt_buf_t tail = {0};
        if (d.received > 0 && d.out == stdout)
            pt_buf_puts(&tail, " (what went to stdout is only the start of the export)");
        else if (d.received > 0 && !d.tmp)
            pt_buf_printf(&tail,
                          " (%s is not a regular file and was written directly: it holds only "
                          "the start of the export)",
                          d.target);
        else
            pt_buf_puts(&tail, " (nothing was written)");
        say_cannot_write(&d, d.fail_errno, pt_buf_str(&tail));
        pt_buf_free(&tail);
        discard(&d);
        rc = PT_EXIT_SERVER;
    } else if (crc != CURLE_OK) {
        /* What was written directly stays, as after a stop: the reader of
         * stdout, a pipe or a device has the start of the export, and must
         * not take it for the whole. */
        bool direct = d.received > 0 && d.out && !d.tmp;
        bool to_stdout = d.out == stdout;
        discard(&d);
        rc = pt_transfer_report(cli, crc, d.h, errbuf, NULL);
        if (direct && to_stdout)
            fprintf(stderr, "ptrack export: what went to stdout is only the start of the export\n");
        else if (direct)
            pt_utf8_shown_line(stderr,
                               "ptrack export: %s is not a regular file and was written "
                               "directly: it holds only the start of the export",
                               d.target);
        else if (d.target)
            pt_utf8_shown_line(stderr, "ptrack export: %s was not written", d.target);
    } else if (d.status < 200 || d.status >= 300) {
        discard(&d);
        rc = pt_transfer_report_status(cli, d.status, pt_buf_str(&d.error_body), d.error_body.len,
                                       NULL);
    } else if (!d.opened && !open_output(&d)) {
        say_cannot_write(&d, d.fail_errno, "");
        rc = PT_EXIT_SERVER;
    } else if (d.out == stdout) {
        rc = fflush(stdout) == 0 ? PT_EXIT_OK : PT_EXIT_SERVER;
        if (rc != PT_EXIT_OK)
            perror("ptrack export: writing stdout");
    } else {
        rc = finish_file(&d);
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(d.h);
    pt_buf_free(&d.error_body);
    free(d.server_name);
    free(d.target);
    free(d.final);
    free(d.tmp);
    return rc;
}

const pt_command_t pt_cmd_export = {
    .name = "export",
    .args = NULL,
    .summary = "export proposals into a file (json, jsonl, csv, xlsx, md, html, ics, ...)",
    .description = "Has ptrackd's exporter of --format (by default the one the extension of --out\n"
                   "names: .csv, .xlsx, .json, .jsonl, .md, .html, .ics) write the proposals that\n"
                   "match the filters (the same as list's), streamed into FILE, or into the name\n"
                   "ptrackd gives (proposals.csv) in the current directory. The file appears only\n"
                   "when the whole export has arrived: if ptrackd or the connection fails midway,\n"
                   "nothing is left behind and the exit code is non-zero.\n"
                   "\n"
                   "Examples:\n"
                   "  ptrack export --status handling --out 办理中.xlsx\n"
                   "  ptrack export --format json --delegation 山西代表团\n"
                   "  ptrack export --format csv --arg lang=en --out - | head\n",
    .opts = opts,
    .min_pos = 0,
    .max_pos = 0,
    .run = run,
};
