/*
 * client.c - the HTTP client that talks to ptrackd (see client.h).
 */
#include "client.h"

#include <ctype.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <curl/curl.h>

#include "buf.h"

#ifndef PT_VERSION
#define PT_VERSION "0.1.0"
#endif

struct pt_client_s {
    CURL *curl;
    char *socket_path;
    char *base_url; /* without a trailing slash */
    char *token;
    volatile sig_atomic_t *abort_flag;
    void (*idle)(void); /* called while a request waits (pt_client_set_idle) */
    bool changed;       /* a request other than a GET was answered 2xx */
};

pt_client_t *pt_client_new(const pt_client_config_t *cfg)
{
    pt_client_t *c = pt_xmalloc(sizeof *c);
    memset(c, 0, sizeof *c);
    c->curl = pt_xcheck(curl_easy_init());
    if (cfg->base_url) {
        size_t n = strlen(cfg->base_url);
        while (n > 0 && cfg->base_url[n - 1] == '/')
            n--;
        c->base_url = pt_xstrndup(cfg->base_url, n);
    } else {
        c->socket_path = pt_xstrdup(cfg->socket_path ? cfg->socket_path : "var/ptrack.sock");
    }
    if (cfg->token && *cfg->token)
        c->token = pt_xstrdup(cfg->token);
    return c;
}

void pt_client_free(pt_client_t *c)
{
    if (!c)
        return;
    curl_easy_cleanup(c->curl);
    free(c->socket_path);
    free(c->base_url);
    free(c->token);
    free(c);
}

const char *pt_client_endpoint(const pt_client_t *c)
{
    return c->base_url ? c->base_url : c->socket_path;
}

bool pt_client_is_tcp(const pt_client_t *c)
{
    return c->base_url != NULL;
}

bool pt_client_changed(const pt_client_t *c)
{
    return c && c->changed;
}

void pt_client_note_change(pt_client_t *c)
{
    if (!c)
        return;
    c->changed = true;
    /* From now on the command has work done that a closed stdout must not
     * cut short: `ptrack add --from-file many.json | head -1` would be
     * ended by SIGPIPE at the write after head left, the rest of the file
     * not added and nothing said. Ignored, the write fails with EPIPE
     * instead: the command goes on to its end, and main's flush_output
     * says that the output was lost and the change made all the same. A
     * command that has changed nothing still ends quietly by the signal,
     * as `ptrack list | head` should. */
    signal(SIGPIPE, SIG_IGN);
}

bool pt_client_has_token(const pt_client_t *c)
{
    return c->token != NULL;
}

void pt_client_set_abort_flag(pt_client_t *c, volatile sig_atomic_t *flag)
{
    c->abort_flag = flag;
}

void pt_client_set_idle(pt_client_t *c, void (*idle)(void))
{
    c->idle = idle;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    pt_buf_add(ud, data, size * nmemb);
    return size * nmemb;
}

/* Copies a header's value, trimmed, into dst (cut to fit). */
static void header_value(const char *v, size_t n, char *dst, size_t cap)
{
    while (n > 0 && (*v == ' ' || *v == '\t'))
        v++, n--;
    while (n > 0 && isspace((unsigned char)v[n - 1]))
        n--;
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, v, n);
    dst[n] = '\0';
}

static bool header_is(const char *line, size_t n, const char *name, const char **value,
                      size_t *vlen)
{
    size_t k = strlen(name);
    if (n <= k || line[k] != ':' || strncasecmp(line, name, k) != 0)
        return false;
    *value = line + k + 1;
    *vlen = n - k - 1;
    return true;
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *ud)
{
    pt_response_t *r = ud;
    size_t n = size * nmemb;
    const char *v;
    size_t vn;

    /* A status line starts a new header block (after a 100 Continue, say):
     * only the headers of the final answer count. */
    if (n >= 5 && memcmp(line, "HTTP/", 5) == 0) {
        r->etag[0] = r->location[0] = '\0';
        r->replayed = false;
    } else if (header_is(line, n, "ETag", &v, &vn)) {
        header_value(v, vn, r->etag, sizeof r->etag);
        /* The API's ETag is the version in quotes ("7"), maybe weak (W/"7"). */
        char *s = r->etag;
        if (strncmp(s, "W/", 2) == 0)
            memmove(s, s + 2, strlen(s + 2) + 1);
        size_t len = strlen(s);
        if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
            memmove(s, s + 1, len - 2);
            s[len - 2] = '\0';
        }
    } else if (header_is(line, n, "Location", &v, &vn)) {
        header_value(v, vn, r->location, sizeof r->location);
    } else if (header_is(line, n, "Idempotent-Replayed", &v, &vn)) {
        char tmp[16];
        header_value(v, vn, tmp, sizeof tmp);
        r->replayed = strcasecmp(tmp, "true") == 0;
    }
    return n;
}

/* Called by libcurl at least once a second while a transfer runs, also when
 * no data moves (a long poll): the only place where a blocking request can
 * notice that the user pressed Ctrl-C. */
static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    const pt_client_t *c = ud;
    if (c->idle)
        c->idle();
    return c->abort_flag && *c->abort_flag ? 1 : 0;
}

static struct curl_slist *add_header(struct curl_slist *list, const char *h)
{
    return pt_xcheck(curl_slist_append(list, h));
}

static int perform(pt_client_t *c, const char *method, const char *url, const char *body,
                   const pt_request_opts_t *opts, pt_response_t *resp)
{
    CURL *h = c->curl;
    struct curl_slist *headers = NULL;
    pt_buf_t out = {0};
    char errbuf[CURL_ERROR_SIZE] = "";
    char line[256];

    memset(resp, 0, sizeof *resp);
    /* curl_easy_reset forgets the options of the previous request but keeps
     * the live connection, so keep-alive still works. */
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, url);
    if (c->socket_path)
        curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, c->socket_path);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "ptrack/" PT_VERSION);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, opts && opts->timeout_s > 0 ? opts->timeout_s : 60L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &out);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, resp);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, c);
    /* The daemon is local; a proxy from the environment (http_proxy, set on
     * many office machines) must never see these requests. */
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");

    headers = add_header(headers, "Accept: application/json");
    /* Without this libcurl waits for "100 Continue" before a large body. */
    headers = add_header(headers, "Expect:");
    if (c->base_url && c->token) {
        pt_buf_t auth = {0};
        pt_buf_printf(&auth, "Authorization: Bearer %s", c->token);
        headers = add_header(headers, pt_buf_str(&auth));
        pt_buf_free(&auth);
    }
    if (opts && opts->if_match) {
        snprintf(line, sizeof line, "If-Match: \"%s\"", opts->if_match);
        headers = add_header(headers, line);
    }
    if (opts && opts->idempotency_key) {
        snprintf(line, sizeof line, "Idempotency-Key: %s", opts->idempotency_key);
        headers = add_header(headers, line);
    }
    if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else if (strcmp(method, "POST") == 0 || strcmp(method, "PATCH") == 0) {
        headers = add_header(headers, "Content-Type: application/json; charset=utf-8");
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
        if (strcmp(method, "PATCH") == 0)
            curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "PATCH");
    } else {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);

    CURLcode rc = curl_easy_perform(h);
    curl_slist_free_all(headers);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);

    resp->body_len = out.len;
    resp->body = pt_buf_take(&out);
    if (rc != CURLE_OK) {
        long os_errno = 0;
        curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
        switch (rc) {
        case CURLE_COULDNT_CONNECT:
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_UNSUPPORTED_PROTOCOL:
            resp->transport = PT_TRANSPORT_CONNECT;
            break;
        case CURLE_URL_MALFORMAT:
            resp->transport = PT_TRANSPORT_BAD_URL;
            break;
        case CURLE_OPERATION_TIMEDOUT:
            resp->transport = PT_TRANSPORT_TIMEOUT;
            break;
        case CURLE_ABORTED_BY_CALLBACK:
            resp->transport = PT_TRANSPORT_ABORTED;
            break;
        default:
            resp->transport = PT_TRANSPORT_BROKEN;
            break;
        }
        /* The system's reason ("No such file or directory", "Connection
         * refused", "Permission denied") says more about a socket than
         * libcurl's generic "Couldn't connect to server". */
        if (os_errno && resp->transport == PT_TRANSPORT_CONNECT)
            resp->os_errno = (int)os_errno;
        if (resp->os_errno)
            snprintf(resp->reason, sizeof resp->reason, "%s", strerror((int)os_errno));
        else if (errbuf[0])
            snprintf(resp->reason, sizeof resp->reason, "%s", errbuf);
        else
            snprintf(resp->reason, sizeof resp->reason, "%s", curl_easy_strerror(rc));
        return -1;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
    if (strcmp(method, "GET") != 0 && resp->status >= 200 && resp->status < 300)
        pt_client_note_change(c);
    if (resp->body_len > 0)
        resp->json = cJSON_ParseWithLength(resp->body, resp->body_len);
    return 0;
}

int pt_client_request(pt_client_t *c, const char *method, const char *path, const cJSON *body,
                      const pt_request_opts_t *opts, pt_response_t *resp)
{
    pt_buf_t url = {0};
    char *text = NULL;
    if (c->base_url)
        pt_buf_printf(&url, "%s%s", c->base_url, path);
    else
        pt_buf_printf(&url, "http://localhost%s", path);
    if (body)
        text = pt_xcheck(cJSON_PrintUnformatted(body));
    else if (strcmp(method, "POST") == 0 || strcmp(method, "PATCH") == 0)
        text = pt_xstrdup("{}");

    int rc = perform(c, method, pt_buf_str(&url), text, opts, resp);
    if (rc != 0 && opts && opts->retry_after_send &&
        (resp->transport == PT_TRANSPORT_BROKEN || resp->transport == PT_TRANSPORT_TIMEOUT)) {
        /* The request may have reached the daemon and been applied with the
         * answer lost on the way back. Repeating it is safe only because
         * the caller said so (a read, or an add with an idempotency key that
         * makes the daemon answer with the proposal it already made). */
        pt_response_free(resp);
        rc = perform(c, method, pt_buf_str(&url), text, opts, resp);
    }
    if (text && body)
        cJSON_free(text);
    else
        free(text);
    pt_buf_free(&url);
    return rc;
}

void pt_response_free(pt_response_t *resp)
{
    free(resp->body);
    cJSON_Delete(resp->json);
    memset(resp, 0, sizeof *resp);
}

/* RFC 3986 percent-encoding: everything but the unreserved characters, so
 * that Chinese text (UTF-8 bytes), '&', '=', '+' and spaces arrive as sent. */
static void percent_encode(pt_buf_t *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
            pt_buf_putc(b, (char)*p);
        } else {
            char enc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            pt_buf_add(b, enc, 3);
        }
    }
}

void pt_client_query_add(char **query, const char *name, const char *value)
{
    pt_buf_t b = {0};
    if (*query)
        pt_buf_puts(&b, *query);
    /* The name too: an --arg name is typed by a person and may hold any
     * character, which must not start another parameter. */
    pt_buf_putc(&b, *query ? '&' : '?');
    percent_encode(&b, name);
    pt_buf_putc(&b, '=');
    percent_encode(&b, value);
    free(*query);
    *query = pt_buf_take(&b);
}

/* Described in cli.h. */
int pt_client_idempotency_key(char key[33])
{
    unsigned char raw[16];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    size_t got = 0;
    if (fd < 0)
        return -1;
    while (got < sizeof raw) {
        ssize_t n = read(fd, raw + got, sizeof raw - got);
        if (n <= 0) {
            close(fd);
            return -1;
        }
        got += (size_t)n;
    }
    close(fd);
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(key + 2 * i, 3, "%02x", raw[i]);
    return 0;
}
