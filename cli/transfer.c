/*
 * transfer.c - streamed file transfers with ptrackd (see transfer.h).
 */
#include "transfer.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "client.h"
#include "width.h"

#ifndef PT_VERSION
#define PT_VERSION "0.1.0"
#endif

/* Seconds of a transfer before its progress line shows a rate. */
#define RATE_AFTER 0.5

static double monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *pt_human_bytes(int64_t n, char *buf, size_t cap)
{
    if (n < 1024)
        snprintf(buf, cap, "%lld B", (long long)n);
    else if (n < 1024 * 1024)
        snprintf(buf, cap, "%.1f KB", (double)n / 1024.0);
    else if (n < 1024LL * 1024 * 1024)
        snprintf(buf, cap, "%.1f MB", (double)n / (1024.0 * 1024.0));
    else
        snprintf(buf, cap, "%.2f GB", (double)n / (1024.0 * 1024.0 * 1024.0));
    return buf;
}

void pt_progress_init(pt_progress_t *p, const char *label, bool enabled)
{
    memset(p, 0, sizeof(*p));
    p->label = label;
    p->enabled = enabled;
    p->start = monotonic();
}

void pt_progress_update(pt_progress_t *p, int64_t now, int64_t total, bool force)
{
    if (!p->enabled)
        return;
    double t = monotonic();
    if (!force && p->drawn && t - p->last < 0.1)
        return;
    p->last = t;
    char done[32], all[32], rate[40] = "", count[48] = "";
    double secs = t - p->start;
    pt_human_bytes(now, done, sizeof(done));
    /* The first frames come before anything was measured: a rate of
     * "0 B/s" there would say the transfer is stalled when it has only
     * begun. The rate is shown once it rests on RATE_AFTER seconds. */
    if (secs >= RATE_AFTER) {
        char r[32];
        snprintf(rate, sizeof(rate), "  %s/s",
                 pt_human_bytes((int64_t)((double)now / secs), r, sizeof(r)));
    }
    if (p->count_known)
        snprintf(count, sizeof(count), "  %lld 条", (long long)p->count);
    if (total > 0)
        pt_human_bytes(total, all, sizeof(all));
    /* A line as wide as the terminal wraps, and the \r of the next frame
     * goes back only to the start of its last row: every frame would leave
     * a row behind. What does not fit is left out, the rate first, then
     * the count, then the total; what is still too wide is cut with …. The
     * last column stays free: a line that fills it leaves the cursor
     * waiting to wrap. */
    struct winsize ws;
    size_t cols = ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 ? ws.ws_col : 0;
    pt_buf_t line = {0}, shown = {0};
    for (int left_out = 0; left_out <= 3; left_out++) {
        pt_buf_reset(&line);
        pt_buf_printf(&line, "%s %s", p->label, done);
        if (total > 0 && left_out < 3)
            pt_buf_printf(&line, " / %s", all);
        if (left_out < 2)
            pt_buf_puts(&line, count);
        if (left_out < 1)
            pt_buf_puts(&line, rate);
        if (cols == 0 || pt_text_width(pt_buf_str(&line)) < cols)
            break;
    }
    if (cols > 0 && pt_text_width(pt_buf_str(&line)) >= cols)
        pt_text_truncate(&shown, pt_buf_str(&line), cols - 1);
    else
        pt_buf_puts(&shown, pt_buf_str(&line));
    /* \r goes back to the start of the line, \033[K clears what a longer
     * previous line left behind. */
    fprintf(stderr, "\r%s\033[K", pt_buf_str(&shown));
    fflush(stderr);
    pt_buf_free(&line);
    pt_buf_free(&shown);
    p->drawn = true;
}

void pt_progress_done(pt_progress_t *p)
{
    if (p->enabled && p->drawn) {
        fputc('\n', stderr);
        fflush(stderr);
    }
    p->drawn = false;
}

void pt_progress_clear(pt_progress_t *p)
{
    if (p->enabled && p->drawn) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    p->drawn = false;
}

/* The signal that asked the transfer to stop, or 0. */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    stop_signal = sig;
}

void pt_transfer_catch_stops(void)
{
    pt_cli_catch_stop_signals(on_stop_signal, true);
}

int pt_transfer_stop_signal(void)
{
    return stop_signal;
}

const char *pt_transfer_stop_name(int sig)
{
    return sig == SIGINT ? "Ctrl-C (SIGINT)" : sig == SIGTERM ? "SIGTERM" : "SIGHUP";
}

CURL *pt_transfer_handle(pt_cli_t *cli, const char *path, struct curl_slist **headers)
{
    CURL *h = pt_xcheck(curl_easy_init());
    pt_buf_t url = {0};
    if (cli->url) {
        size_t n = strlen(cli->url);
        while (n > 0 && cli->url[n - 1] == '/')
            n--;
        pt_buf_printf(&url, "%.*s%s", (int)n, cli->url, path);
    } else {
        pt_buf_printf(&url, "http://localhost%s", path);
        curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, cli->socket);
    }
    curl_easy_setopt(h, CURLOPT_URL, pt_buf_str(&url));
    pt_buf_free(&url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "ptrack/" PT_VERSION);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    /* As in client.c: the daemon is local, never a proxy's business. */
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    *headers = pt_xcheck(curl_slist_append(*headers, "Accept: application/json"));
    if (cli->url && cli->token) {
        pt_buf_t auth = {0};
        pt_buf_printf(&auth, "Authorization: Bearer %s", cli->token);
        *headers = pt_xcheck(curl_slist_append(*headers, pt_buf_str(&auth)));
        pt_buf_free(&auth);
    }
    return h;
}

int pt_transfer_report(pt_cli_t *cli, CURLcode rc, CURL *h, const char *errbuf, const char *what)
{
    pt_response_t resp;
    memset(&resp, 0, sizeof(resp));
    long os_errno = 0;
    curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
    switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_UNSUPPORTED_PROTOCOL:
        resp.transport = PT_TRANSPORT_CONNECT;
        break;
    case CURLE_URL_MALFORMAT:
        resp.transport = PT_TRANSPORT_BAD_URL;
        break;
    case CURLE_OPERATION_TIMEDOUT:
        resp.transport = PT_TRANSPORT_TIMEOUT;
        break;
    case CURLE_ABORTED_BY_CALLBACK:
        resp.transport = PT_TRANSPORT_ABORTED;
        break;
    default:
        resp.transport = PT_TRANSPORT_BROKEN;
        break;
    }
    if (os_errno && resp.transport == PT_TRANSPORT_CONNECT)
        snprintf(resp.reason, sizeof(resp.reason), "%s", strerror((int)os_errno));
    else if (rc == CURLE_PARTIAL_FILE)
        snprintf(resp.reason, sizeof(resp.reason),
                 "the transfer ended before the whole file came: ptrackd cut it off (the "
                 "plugin failed midway, or ptrackd stopped); ptrackd's log says why");
    else if (errbuf && errbuf[0])
        snprintf(resp.reason, sizeof(resp.reason), "%s", errbuf);
    else
        snprintf(resp.reason, sizeof(resp.reason), "%s", curl_easy_strerror(rc));
    return pt_cli_report(cli, &resp, what);
}

int pt_transfer_report_status(pt_cli_t *cli, long status, const char *body, size_t len,
                              const char *what)
{
    pt_response_t resp;
    memset(&resp, 0, sizeof(resp));
    resp.status = status;
    resp.body = pt_xstrndup(body ? body : "", body ? len : 0);
    resp.body_len = body ? len : 0;
    resp.json = resp.body_len ? cJSON_ParseWithLength(resp.body, resp.body_len) : NULL;
    int rc = pt_cli_report(cli, &resp, what);
    pt_response_free(&resp);
    return rc;
}

int pt_transfer_query_args(pt_cli_t *cli, const pt_args_t *args, char **q)
{
    size_t n;
    const char **kv = pt_args_list(args, "arg", &n);
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(kv[i], '=');
        if (!eq || eq == kv[i])
            return pt_cli_usage(cli, "--arg needs KEY=VALUE, not \"%s\"", kv[i]);
        char *key = pt_xstrndup(kv[i], (size_t)(eq - kv[i]));
        pt_client_query_add(q, key, eq + 1);
        free(key);
    }
    return PT_EXIT_OK;
}

const char *pt_transfer_format_name(const char *typed, char *buf, size_t len)
{
    size_t i = 0;
    for (; typed[i] && i + 1 < len; i++)
        buf[i] = typed[i] >= 'A' && typed[i] <= 'Z' ? (char)(typed[i] - 'A' + 'a') : typed[i];
    buf[i] = '\0';
    return buf;
}

const char *pt_transfer_format_of(const char *path, const pt_ext_format_t *map, size_t n)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash + 1 : path, '.');
    if (!dot)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(dot, map[i].ext) == 0)
            return map[i].format;
    return NULL;
}
