/*
 * log.c - one line per message on stderr:
 *
 *   2026-11-28T16:21:55.123Z INFO  message
 *
 * The time is UTC with milliseconds, the level is padded to five columns so
 * that messages line up, and the message is UTF-8 (usually Chinese).
 * With --syslog the same message goes to syslog(3) instead, without the
 * time and the level, which syslog records itself. When stderr is
 * systemd's journal (a service's default), each line starts with the
 * level as a priority, "<4>" for a warning, which the journal takes off
 * and records, so that `journalctl -p warning` finds the warnings.
 *
 * Every thread may log (the loop, the store's writer, plugin workers), and
 * none of them may block on another to do so. Each line is therefore built
 * whole in a buffer on the caller's stack and handed to the kernel with one
 * write(2): for a pipe (systemd's journal, a supervisor) a write of at most
 * PIPE_BUF bytes is atomic, and for a file opened with O_APPEND each write
 * lands whole at the end. That is why a line is capped at PT_LOG_LINE_MAX,
 * which is PIPE_BUF on Linux, instead of being written in pieces.
 */
#include "json-strict.h"
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

/* The level is one word read on every call from any thread; relaxed atomic
 * access is enough because a message logged just before or just after a
 * change of level is equally right. */
static _Atomic int log_level = PT_LOG_INFO;

/* Set once at start-up by pt_log_use_syslog; read on every call. */
static _Atomic int log_to_syslog = 0;
/* Set once at start-up by pt_log_detect_journal; read on every call. */
static _Atomic int log_to_journal = 0;

static const char *const level_names[] = {"debug", "info", "warn", "error"};
/* Padded to the width of the longest ("ERROR") plus one space. */
static const char *const level_tags[] = {"DEBUG ", "INFO  ", "WARN  ", "ERROR "};

void pt_log_set_level(pt_log_level_t level)
{
    if (level < PT_LOG_DEBUG || level > PT_LOG_ERROR)
        return;
    atomic_store_explicit(&log_level, (int)level, memory_order_relaxed);
}

void pt_log_use_syslog(const char *ident)
{
    /* LOG_NDELAY connects at once, so that a sandbox that hides /dev/log
     * later (or a chroot) does not lose messages; LOG_CONS is left out on
     * purpose: a daemon must not write to the console. */
    openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
    atomic_store_explicit(&log_to_syslog, 1, memory_order_relaxed);
}

bool pt_log_detect_journal(void)
{
    /* systemd sets JOURNAL_STREAM to "DEVICE:INODE" of the stream it
     * connected a service's stderr to; the same numbers on our stderr mean
     * it still is that stream, not a file or a pipe it was moved to
     * (sd_journal_stream_fd(3), systemd.exec(5)). */
    const char *env = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    char extra;
    struct stat st;
    bool on = env && sscanf(env, "%llu:%llu%c", &dev, &ino, &extra) == 2 &&
              fstat(STDERR_FILENO, &st) == 0 && (unsigned long long)st.st_dev == dev &&
              (unsigned long long)st.st_ino == ino;
    atomic_store_explicit(&log_to_journal, on ? 1 : 0, memory_order_relaxed);
    return on;
}

bool pt_log_journal(void)
{
    return atomic_load_explicit(&log_to_journal, memory_order_relaxed) != 0;
}

int pt_log_level_parse(const char *s, pt_log_level_t *out)
{
    if (s == NULL)
        return -1;
    for (int i = PT_LOG_DEBUG; i <= PT_LOG_ERROR; i++) {
        if (strcmp(s, level_names[i]) == 0) {
            *out = (pt_log_level_t)i;
            return 0;
        }
    }
    return -1;
}

/* One call, one line: a newline or other control character inside the
 * message (say, from a client's request path or a token's name) would
 * otherwise start a line that looks like a log entry of its own. C0
 * controls and DEL become a space, and so does a C1 control (U+0080 to
 * U+009F, the two bytes C2 80 to C2 9F), which a terminal may act on:
 * U+0085 is a line break (NEL) to some readers, U+009B starts an escape
 * sequence (CSI). So do U+2028 and U+2029 (E2 80 A8 and E2 80 A9), the
 * line and paragraph separators, which viewers that follow Unicode's line
 * breaking (and JSON-reading tools) take for a line's end. Tabs are
 * kept. */
size_t pt_log_blank(char *s, size_t len)
{
    size_t kept = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
            (unsigned char)s[i + 1] <= 0x9F) {
            s[kept++] = ' ';
            i++;
        } else if (ch == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
                   ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) {
            s[kept++] = ' ';
            i += 2;
        } else if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
            s[kept++] = ' ';
        } else {
            s[kept++] = (char)ch;
        }
    }
    return kept;
}

void pt_log(pt_log_level_t level, const char *fmt, ...)
{
    /* Logging must never change errno: callers often log a failure and then
     * report the same errno to their own caller. */
    int saved_errno = errno;
    char line[PT_LOG_LINE_MAX];
    static const char cut_mark[] = "...";
    size_t o;

    if (level < PT_LOG_DEBUG || level > PT_LOG_ERROR)
        level = PT_LOG_ERROR;
    if ((int)level < atomic_load_explicit(&log_level, memory_order_relaxed))
        return;

    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    o = 0;
    if (atomic_load_explicit(&log_to_journal, memory_order_relaxed)) {
        /* sd-daemon(3)'s prefixes: <7> debug, <6> info, <4> warning, <3> error. */
        static const char *const prefixes[] = {"<7>", "<6>", "<4>", "<3>"};
        memcpy(line, prefixes[level], 3);
        o = 3;
    }
    o += strftime(line + o, sizeof(line) - o, "%Y-%m-%dT%H:%M:%S", &tm);
    o += (size_t)snprintf(line + o, sizeof(line) - o, ".%03ldZ %s", ts.tv_nsec / 1000000L,
                          level_tags[level]);

    /* The message goes after the prefix; one byte is kept for the newline. */
    size_t room = sizeof(line) - o - 1;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line + o, room + 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    size_t msg_len = (size_t)n;
    if (msg_len > room) {
        /* Too long for one atomic write: cut on a character boundary and
         * say so, rather than splitting the line into interleavable
         * pieces. */
        size_t keep = pt_utf8_floor(line + o, room - (sizeof(cut_mark) - 1));
        memcpy(line + o + keep, cut_mark, sizeof(cut_mark) - 1);
        msg_len = keep + sizeof(cut_mark) - 1;
    }

    msg_len = pt_log_blank(line + o, msg_len);
    if (atomic_load_explicit(&log_to_syslog, memory_order_relaxed)) {
        static const int priorities[] = {LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR};
        line[o + msg_len] = '\0';
        syslog(priorities[level], "%s", line + o);
        errno = saved_errno;
        return;
    }
    o += msg_len;
    line[o++] = '\n';

    /* Retried only when interrupted or cut short by the kernel, which a
     * line of at most PIPE_BUF bytes is not on a pipe; a failing stderr has
     * nowhere else to be reported. */
    size_t done = 0;
    while (done < o) {
        ssize_t w = write(STDERR_FILENO, line + done, o - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    errno = saved_errno;
}
