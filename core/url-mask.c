/*
 * url-mask.c - a URL's credentials masked for showing (url-mask.h).
 *
 * The URL is not parsed to be used, only cut where its credentials are:
 * it is whatever an operator wrote, which the plugin may read its own
 * way, so each part that is not a credential is copied as it is, and a
 * text that is no URL at all is left alone.
 */
#include "url-mask.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include "buf.h"

/* The names of query parameters that hold a credential, in lower case. */
static const char *const credential_names[] = {
    "key",    "access_token", "token",  "secret",  "sign",    "signature",     "password",
    "passwd", "pwd",          "apikey", "api_key", "api-key", "client_secret", NULL,
};

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Whether the parameter name name[0..n) is a credential's: compared
 * percent-decoded and in any case, so that "Access_Token" and "%6Bey"
 * are masked too. */
static bool credential_name(const char *name, size_t n)
{
    char plain[32];
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)name[i];
        if (c == '%' && i + 2 < n && hex_value(name[i + 1]) >= 0 && hex_value(name[i + 2]) >= 0) {
            c = hex_value(name[i + 1]) * 16 + hex_value(name[i + 2]);
            i += 2;
        }
        if (len == sizeof(plain) - 1)
            return false;
        plain[len++] = (char)tolower(c);
    }
    plain[len] = '\0';
    for (const char *const *k = credential_names; *k; k++)
        if (strcmp(plain, *k) == 0)
            return true;
    return false;
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
        s = text + start + auth;
        s += strcspn(s, "?#");
        pt_buf_append(&b, text + start + auth, (size_t)(s - (text + start + auth)));
        if (*s == '?') {
            /* The query, up to the fragment: name=value pairs between
             * '&'; a name without '=' has no value to mask. */
            const char *end = s + strcspn(s, "#");
            pt_buf_append(&b, s, 1);
            s++;
            while (s < end) {
                size_t pair = strcspn(s, "&#");
                size_t name = strcspn(s, "=&#");
                if (name < pair && name + 1 < pair && credential_name(s, name)) {
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
