/*
 * url-mask.c - a URL's credentials masked for showing (url-mask.h).
 *
 * The URL is not parsed to be used, only cut where its credentials are
 * (its login's password, a query parameter named like a key, a robot's
 * key written as a path segment):
 * it is whatever an operator wrote, which the plugin may read its own
 * way, so each part that is not a credential is copied as it is, and a
 * text that is no URL at all is left alone.
 */
#include "url-mask.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include "buf.h"

/* The names of query parameters that hold a credential, in lower case
 * and without '_' or '-': "access_token", "accessToken" and
 * "Access-Token" are one name. */
static const char *const credential_names[] = {
    "key",       "accesstoken", "token",     "secret",     "sign",         "signature",
    "password",  "passwd",      "pwd",       "apikey",     "clientsecret", "appsecret",
    "authtoken", "bottoken",    "secretkey", "privatekey", NULL,
};

/* The path segments after which each segment is a robot's key: Feishu's
 * and Lark's ".../bot/v2/hook/<key>", Discord's ".../webhooks/<id>/<key>",
 * Mattermost's and Rocket.Chat's ".../hooks/<key>". */
static const char *const key_path_names[] = {"hook", "hooks", "webhooks", NULL};

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Whether name[0..n), percent-decoded, in any case and with its '_' and
 * '-' left out, is one of names: so that "Access_Token", "accessToken"
 * and "%6Bey" are found too. */
static bool name_in(const char *name, size_t n, const char *const *names)
{
    char plain[32];
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)name[i];
        if (c == '%' && i + 2 < n && hex_value(name[i + 1]) >= 0 && hex_value(name[i + 2]) >= 0) {
            c = hex_value(name[i + 1]) * 16 + hex_value(name[i + 2]);
            i += 2;
        }
        if (c == '_' || c == '-')
            continue;
        if (len == sizeof(plain) - 1)
            return false;
        plain[len++] = (char)tolower(c);
    }
    plain[len] = '\0';
    for (const char *const *k = names; *k; k++)
        if (strcmp(plain, *k) == 0)
            return true;
    return false;
}

/* Whether the host host[0..n) is Slack's, whose webhooks are
 * "hooks.slack.com/services/<team>/<channel>/<key>". */
static bool slack_host(const char *host, size_t n)
{
    static const char slack[] = "hooks.slack.com";
    if (n && host[n - 1] == '.')
        n--; /* the root's dot */
    return n == sizeof(slack) - 1 && strncasecmp(host, slack, n) == 0;
}

/* Appends the path path[0..n) with the segments that hold a robot's key
 * masked: each after a segment named in key_path_names (or "services" on
 * Slack's host), and the key of Telegram's "/bot<id>:<key>/". */
static void append_path(pt_buf_t *b, const char *path, size_t n, bool slack)
{
    bool keys = false;
    const char *end = path + n;
    while (path < end) {
        const char *seg = path;
        size_t len = 0;
        while (seg + len < end && seg[len] != '/')
            len++;
        const char *colon = memchr(seg, ':', len);
        if (keys) {
            if (len)
                pt_buf_puts(b, PT_URL_MASK);
        } else if (colon && len > 3 && strncasecmp(seg, "bot", 3) == 0 && colon > seg + 3 &&
                   colon + 1 < seg + len &&
                   strspn(seg + 3, "0123456789") == (size_t)(colon - seg - 3)) {
            pt_buf_append(b, seg, (size_t)(colon + 1 - seg));
            pt_buf_puts(b, PT_URL_MASK);
        } else {
            pt_buf_append(b, seg, len);
            keys = name_in(seg, len, key_path_names) ||
                   (slack && len == 8 && strncasecmp(seg, "services", 8) == 0);
        }
        path = seg + len;
        if (path < end)
            pt_buf_append(b, path++, 1);
    }
}

/* The length of the scheme and its "://" at the start of s, or 0. */
static size_t scheme_length(const char *s)
{
    if (!isalpha((unsigned char)s[0]))
        return 0;
    size_t n = 1;
    while (isalnum((unsigned char)s[n]) || s[n] == '+' || s[n] == '-' || s[n] == '.')
        n++;
    return strncmp(s + n, "://", 3) == 0 ? n + 3 : 0;
}

char *pt_url_mask(const char *text)
{
    pt_buf_t b;
    pt_buf_init(&b);
    size_t start = scheme_length(text);
    const char *s = text + start;
    pt_buf_append(&b, text, start);
    if (start) {
        /* The authority: its userinfo ends at its last '@' (a password
         * may hold one unencoded; a host never does), the user name at
         * the userinfo's first ':'. */
        size_t auth = strcspn(s, "/?#");
        const char *at = NULL;
        for (const char *c = s; c < s + auth; c++)
            if (*c == '@')
                at = c;
        const char *colon = at ? memchr(s, ':', (size_t)(at - s)) : NULL;
        if (colon && colon + 1 < at) {
            pt_buf_append(&b, s, (size_t)(colon + 1 - s));
            pt_buf_puts(&b, PT_URL_MASK);
            s = at;
        }
        pt_buf_append(&b, s, (size_t)(text + start + auth - s));
        /* The host, after the userinfo and before the port. */
        const char *host = at ? at + 1 : text + start;
        size_t host_len = (size_t)(text + start + auth - host);
        if (host_len && host[0] != '[') {
            const char *port = memchr(host, ':', host_len);
            if (port)
                host_len = (size_t)(port - host);
        }
        s = text + start + auth;
        size_t path = strcspn(s, "?#");
        append_path(&b, s, path, slack_host(host, host_len));
        s += path;
        if (*s == '?') {
            /* The query, up to the fragment: name=value pairs between
             * '&'; a name without '=' has no value to mask. */
            const char *end = s + strcspn(s, "#");
            pt_buf_append(&b, s, 1);
            s++;
            while (s < end) {
                size_t pair = strcspn(s, "&#");
                size_t name = strcspn(s, "=&#");
                if (name < pair && name + 1 < pair && name_in(s, name, credential_names)) {
                    pt_buf_append(&b, s, name + 1);
                    pt_buf_puts(&b, PT_URL_MASK);
                } else {
                    pt_buf_append(&b, s, pair);
                }
                s += pair;
                if (*s == '&')
                    pt_buf_append(&b, s++, 1);
            }
        }
    }
    pt_buf_puts(&b, s);
    return pt_buf_take(&b, NULL);
}
