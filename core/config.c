/*
 * config.c - reading and checking ptrackd's JSON configuration (docs/config.md).
 *
 * The file is read whole, validated as strict JSON by pt_json_parse(), and
 * then walked with a declarative table of the keys each object may hold (in
 * the manner of fluent-bit's option tables). The tables are the single place
 * that says which keys exist; the walker refuses every other key, so a typo
 * such as "limitz" stops the start instead of being silently ignored, and
 * every message names the full path of the key at fault
 * ("tokens[1].role", "socket_users.1000.name", "limits.body").
 *
 * A load never modifies the config it is given until the whole file has been
 * accepted: it builds a fresh config from the defaults, fills it from the
 * file, and only then frees the old one and moves the new one in. This is
 * what lets SIGHUP reload a config and keep serving with the old one when
 * the new file is wrong. The price is that a successful load frees the
 * strings and arrays of the old config, so nobody may keep pointers into it
 * across a load (the daemon reloads on its loop thread, where the config is
 * used).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/un.h>
#include <unistd.h>

#include "json-strict.h"
#include "log.h"
#include "proposal.h"
#include "timefmt.h"

/* A config file larger than this is certainly a mistake (a log file or a
 * device given as --config); refusing it keeps a typo from eating memory. */
#define CONFIG_MAX_BYTES (4u * 1024u * 1024u)

/* Key paths and shown values are kept short so that a message with both
 * still fits in pt_error_t.message. */
#define PATH_MAX_LEN 160
#define SHOW_MAX_BYTES 64

/* The longest path a Unix socket can be bound to, without its NUL. */
#define SOCKET_PATH_MAX ((size_t)PT_SOCKET_PATH_MAX)
_Static_assert(PT_SOCKET_PATH_MAX + 1 == sizeof(((struct sockaddr_un *)0)->sun_path),
               "PT_SOCKET_PATH_MAX is sun_path's size less its NUL");

/* ------------------------------------------------------------------------ */
/* Roles and sizes                                                          */
/* ------------------------------------------------------------------------ */

static const char *const role_names[] = {
    [PT_ROLE_NONE] = "none",   [PT_ROLE_VIEWER] = "viewer", [PT_ROLE_CLERK] = "clerk",
    [PT_ROLE_ADMIN] = "admin", [PT_ROLE_UNIT] = "unit",     [PT_ROLE_DELEGATE] = "delegate",
};

const char *pt_role_name(pt_role_t role)
{
    /* A value outside the enum can only come from a bug; "none" grants
     * nothing, which is the safe thing to print and compare against. */
    if ((int)role < 0 || (size_t)role >= sizeof(role_names) / sizeof(role_names[0]))
        return "none";
    return role_names[role];
}

int pt_role_parse(const char *s, pt_role_t *out)
{
    /* "none" is deliberately not accepted: a token or user without a role
     * is a configuration mistake, not a way to switch an entry off. */
    if (s == NULL)
        return -1;
    for (int r = PT_ROLE_VIEWER; r <= PT_ROLE_DELEGATE; r++) {
        if (strcmp(s, role_names[r]) == 0) {
            *out = (pt_role_t)r;
            return 0;
        }
    }
    return -1;
}

int pt_size_parse(const char *s, size_t *out)
{
    static const struct {
        const char *suffix;
        size_t factor;
    } units[] = {
        {"", 1},
        {"B", 1},
        {"KiB", (size_t)1 << 10},
        {"MiB", (size_t)1 << 20},
        {"GiB", (size_t)1 << 30},
        {"KB", 1000},
        {"MB", 1000 * 1000},
        {"GB", 1000 * 1000 * 1000},
    };
    size_t n = 0;
    const char *p = s;

    /* Digits are tested by hand rather than with isdigit() so that the
     * locale cannot widen what counts as a number, and a sign, spaces or a
     * fraction are all refused rather than half understood. */
    if (s == NULL || *p < '0' || *p > '9')
        return -1;
    /* A number too big to hold is read to its end, so that it is told
     * (-2) from text that is no size at all (-1). */
    bool too_big = false;
    for (; *p >= '0' && *p <= '9'; p++) {
        size_t d = (size_t)(*p - '0');
        if (too_big || n > (SIZE_MAX - d) / 10)
            too_big = true;
        else
            n = n * 10 + d;
    }
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcmp(p, units[i].suffix) == 0) {
            if (too_big || n > SIZE_MAX / units[i].factor)
                return -2;
            *out = n * units[i].factor;
            return 0;
        }
    }
    return -1;
}

/* ------------------------------------------------------------------------ */
/* Strings, defaults and freeing                                            */
/* ------------------------------------------------------------------------ */

/* The void functions of the header have no way to report a failed
 * allocation; a daemon that cannot allocate a few bytes for its config at
 * start has nothing sensible to fall back to, so it stops loudly. */
static char *must_strdup(const char *s)
{
    char *d = strdup(s);
    if (d == NULL) {
        pt_error("config: out of memory");
        abort();
    }
    return d;
}

void pt_config_set_str(char **member, const char *value)
{
    /* The new value is copied before the old one is freed, so that setting
     * a member to (a part of) its own value is safe. */
    char *copy = value != NULL ? must_strdup(value) : NULL;
    free(*member);
    *member = copy;
}

void pt_config_init(pt_config_t *c)
{
    memset(c, 0, sizeof(*c));
    c->data_dir = must_strdup(PT_CONFIG_DATA_DIR);
    c->workflow = must_strdup("default");
    c->log_level = must_strdup("info");
    pt_deadlines_default(&c->deadlines);
    c->builtin_plugins = true;
    /* The HTTP server owns the defaults of its limits; the config only
     * lets the file override them. */
    pt_http_limits_default(&c->limits);
    /* socket stays NULL until pt_config_finish(), so that a --data-dir flag
     * applied after the file still moves the default socket with it. */
}

void pt_config_free(pt_config_t *c)
{
    free(c->data_dir);
    free(c->socket);
    free(c->listen);
    free(c->workflow);
    free(c->log_level);
    for (size_t i = 0; i < c->n_tokens; i++) {
        free(c->tokens[i].name);
        free(c->tokens[i].unit);
        free(c->tokens[i].person);
    }
    free(c->tokens);
    for (size_t i = 0; i < c->n_socket_users; i++) {
        free(c->socket_users[i].name);
        free(c->socket_users[i].unit);
        free(c->socket_users[i].person);
    }
    free(c->socket_users);
    for (size_t i = 0; i < c->n_categories; i++)
        free(c->categories[i]);
    free(c->categories);
    for (size_t i = 0; i < c->n_host_names; i++)
        free(c->host_names[i]);
    free(c->host_names);
    cJSON_Delete(c->plugins);
    free(c->plugin_dir);
    free(c->socket_group);
    /* Zeroed, the struct can be freed again or re-initialised safely. */
    memset(c, 0, sizeof(*c));
}

void pt_config_finish(pt_config_t *c)
{
    /* A flag may have set a member to NULL; the defaults stand in for it so
     * that the rest of the daemon never has to test these for NULL. */
    if (c->data_dir == NULL)
        c->data_dir = must_strdup(PT_CONFIG_DATA_DIR);
    if (c->workflow == NULL)
        c->workflow = must_strdup("default");
    if (c->log_level == NULL)
        c->log_level = must_strdup("info");
    if (c->socket == NULL) {
        const char *dir = c->data_dir;
        size_t len = strlen(dir);
        /* "var/" and "/" must not give "var//ptrack.sock" or "//ptrack.sock". */
        while (len > 1 && dir[len - 1] == '/')
            len--;
        const char *sep = (len > 0 && dir[len - 1] == '/') ? "" : "/";
        size_t need = len + strlen(sep) + sizeof("ptrack.sock");
        char *s = malloc(need);
        if (s == NULL) {
            pt_error("config: out of memory");
            abort();
        }
        snprintf(s, need, "%.*s%sptrack.sock", (int)len, dir, sep);
        c->socket = s;
    }
}

/* ------------------------------------------------------------------------ */
/* Messages                                                                 */
/* ------------------------------------------------------------------------ */

/* Formats into a fixed buffer and, when the text does not fit, cuts it at
 * the start of a UTF-8 character rather than in the middle of one: key
 * paths and values shown in messages are often Chinese, and half a
 * character at the end of a message is garbage on every terminal. */
static void clip(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void clip(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, len, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n >= len) {
        buf[pt_utf8_floor(buf, len - 1)] = '\0';
    }
}

/* What one load is reading and where its error goes. */
typedef struct {
    const char *source; /* the file's path; NULL for a JSON text */
    pt_error_t *err;
} loader_t;

/* Sets err to PT_ECONFIG with "config FILE: PATH: problem", or without the
 * path when the problem is not about one key. Returns PT_ECONFIG so that
 * callers can `return fail(...)`. */
static int fail(loader_t *ld, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(loader_t *ld, const char *path, const char *fmt, ...)
{
    char problem[sizeof(ld->err->message)];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(problem, sizeof(problem), fmt, ap);
    va_end(ap);
    const char *src_sep = ld->source != NULL ? " " : "";
    const char *src = ld->source != NULL ? ld->source : "";
    if (path != NULL && path[0] != '\0')
        return pt_error_set(ld->err, PT_ECONFIG, "config%s%s: %s: %s", src_sep, src, path, problem);
    return pt_error_set(ld->err, PT_ECONFIG, "config%s%s: %s", src_sep, src, problem);
}

static int fail_nomem(loader_t *ld)
{
    const char *src_sep = ld->source != NULL ? " " : "";
    const char *src = ld->source != NULL ? ld->source : "";
    return pt_error_set(ld->err, PT_ENOMEM, "config%s%s: out of memory", src_sep, src);
}

/* Copies at most SHOW_MAX_BYTES of s into buf for a message, escaping
 * quotes, backslashes and control characters, and cutting only on a UTF-8
 * character boundary. A value from the file is shown back to the operator,
 * and a long or binary one must neither drown the message nor garble the
 * terminal. */
static void sanitize(const char *s, char *buf, size_t len)
{
    size_t o = 0;
    size_t shown = 0;

    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        char esc[8];
        size_t n;
        if (*p == '"' || *p == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*p;
            n = 2;
        } else if (*p < 0x20 || *p == 0x7f) {
            clip(esc, sizeof(esc), "\\u%04x", *p);
            n = 6;
        } else if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
            /* A C1 control (U+0080..U+009F), which a terminal may act on
             * (U+009B starts an escape sequence): escaped as C0 is. */
            clip(esc, sizeof(esc), "\\u%04x", p[1]);
            n = 6;
            p++;
        } else {
            esc[0] = (char)*p;
            n = 1;
        }
        /* Past the limit, stop at the next character start (a byte that is
         * not a UTF-8 continuation byte) and mark the cut. */
        if (shown >= SHOW_MAX_BYTES && (*p & 0xC0) != 0x80) {
            if (o + 3 < len) {
                memcpy(buf + o, "...", 3);
                o += 3;
            }
            break;
        }
        if (o + n >= len)
            break;
        memcpy(buf + o, esc, n);
        o += n;
        shown++;
    }
    buf[o] = '\0';
}

/* A JSON value as a message shows it: "90x" for a string, 0 or 1.5 for a
 * number, and the type for everything else. */
static const char *show(const cJSON *v, char *buf, size_t len)
{
    if (cJSON_IsString(v)) {
        char inner[SHOW_MAX_BYTES * 6 + 8];
        sanitize(v->valuestring, inner, sizeof(inner));
        clip(buf, len, "\"%s\"", inner);
    } else if (cJSON_IsNumber(v)) {
        /* A whole number as typed, up to 2^53 (the largest a JSON number
         * holds exactly, 9007199254740992 rather than 9.00719925474099e+15);
         * beyond, and a fraction, to 15 digits. */
        double d = v->valuedouble;
        if (d >= -9007199254740992.0 && d <= 9007199254740992.0 && d == (double)(int64_t)d)
            clip(buf, len, "%" PRId64, (int64_t)d);
        else
            clip(buf, len, "%.15g", d);
    } else if (cJSON_IsTrue(v)) {
        clip(buf, len, "true");
    } else if (cJSON_IsFalse(v)) {
        clip(buf, len, "false");
    } else if (cJSON_IsNull(v)) {
        clip(buf, len, "null");
    } else if (cJSON_IsArray(v)) {
        clip(buf, len, "an array");
    } else {
        clip(buf, len, "an object");
    }
    return buf;
}

const char *pt_json_type_name(const cJSON *v)
{
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsArray(v))
        return "an array";
    return "an object";
}

/* Appends ".key" (or "key" at the top) to a path. A key taken from the file
 * is sanitized, since it is shown in messages. */
static void path_key(char *out, const char *path, const char *key)
{
    char k[SHOW_MAX_BYTES * 6 + 8];
    sanitize(key, k, sizeof(k));
    if (path[0] == '\0')
        clip(out, PATH_MAX_LEN, "%s", k);
    else
        clip(out, PATH_MAX_LEN, "%s.%s", path, k);
}

static void path_index(char *out, const char *path, size_t i)
{
    clip(out, PATH_MAX_LEN, "%s[%zu]", path, i);
}

/* Writes a duration the way the file would say it, in the largest unit that
 * divides it exactly ("90d", "1500ms"). */
static const char *show_duration(int64_t ms, char *buf, size_t len)
{
    static const struct {
        const char *unit;
        int64_t ms;
    } units[] = {{"d", 86400000}, {"h", 3600000}, {"m", 60000}, {"s", 1000}};
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (ms != 0 && ms % units[i].ms == 0) {
            clip(buf, len, "%lld%s", (long long)(ms / units[i].ms), units[i].unit);
            return buf;
        }
    }
    clip(buf, len, "%lldms", (long long)ms);
    return buf;
}

/* ------------------------------------------------------------------------ */
/* Values                                                                   */
/* ------------------------------------------------------------------------ */

/* Checks the rules every string of the config follows: a non-empty string
 * without control characters. Paths, names and hosts with a newline or an
 * escape sequence in them are always a mistake, and would garble the logs
 * and tables they later appear in. */
static int check_string(loader_t *ld, const char *path, const cJSON *v, const char *what)
{
    if (!cJSON_IsString(v))
        return fail(ld, path, "expected %s, got %s", what, pt_json_type_name(v));
    if (v->valuestring[0] == '\0')
        return fail(ld, path, "must not be empty");
    for (const unsigned char *p = (const unsigned char *)v->valuestring; *p != '\0'; p++) {
        /* C0, DEL, and the C1 controls U+0080..U+009F (C2 80..C2 9F). */
        if (*p < 0x20 || *p == 0x7f || (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F))
            return fail(ld, path, "must not contain control characters");
    }
    return 0;
}

static int store_string(loader_t *ld, char **member, const char *value)
{
    char *copy = NULL;
    if (value != NULL && (copy = strdup(value)) == NULL)
        return fail_nomem(ld);
    free(*member);
    *member = copy;
    return 0;
}

/* Checks "host:port" where host is an IPv4 literal, a bracketed IPv6
 * literal or a host name, and port is 0 to 65535 (0: any free port, which
 * tests use). On failure writes the reason into why. This is the form
 * pt_http_server_listen_tcp() takes; checking it here turns a typo into a
 * message that names the key instead of a bind error at start. */
static int listen_check(const char *s, char *why, size_t len)
{
    char host[256];
    const char *port;

    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        size_t hlen = close != NULL ? (size_t)(close - s - 1) : 0;
        if (close == NULL || close[1] != ':') {
            clip(why, len, "an IPv6 address is written [address]:port, like [::1]:8470");
            return -1;
        }
        if (hlen == 0 || hlen >= sizeof(host)) {
            clip(why, len, "the IPv6 address between [ and ] is missing or too long");
            return -1;
        }
        memcpy(host, s + 1, hlen);
        host[hlen] = '\0';
        struct in6_addr a6;
        if (inet_pton(AF_INET6, host, &a6) != 1) {
            clip(why, len, "[%.60s] is not an IPv6 address", host);
            return -1;
        }
        port = close + 2;
    } else {
        const char *colon = strrchr(s, ':');
        if (colon == NULL) {
            clip(why, len, "the port is missing (use host:port, like 127.0.0.1:8470)");
            return -1;
        }
        size_t hlen = (size_t)(colon - s);
        if (memchr(s, ':', hlen) != NULL) {
            clip(why, len, "an IPv6 address needs brackets, like [::1]:8470");
            return -1;
        }
        if (hlen == 0) {
            clip(why, len, "the host is missing (use host:port, like 127.0.0.1:8470)");
            return -1;
        }
        if (hlen >= sizeof(host) || hlen > 253) {
            clip(why, len, "the host name is longer than 253 bytes");
            return -1;
        }
        memcpy(host, s, hlen);
        host[hlen] = '\0';
        port = colon + 1;

        /* Digits and dots only: meant as an IPv4 address, and then it must
         * be one ("10.0.0.256" is not a name either). */
        if (strspn(host, "0123456789.") == hlen) {
            struct in_addr a4;
            if (inet_pton(AF_INET, host, &a4) != 1) {
                clip(why, len, "%s is not an IPv4 address", host);
                return -1;
            }
        } else {
            /* A host name: dot-separated labels of letters, digits and
             * hyphens, 1 to 63 bytes, not beginning or ending with a
             * hyphen (RFC 1123). */
            const char *label = host;
            for (;;) {
                size_t l = strspn(label, "abcdefghijklmnopqrstuvwxyz"
                                         "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");
                if (l == 0 || l > 63 || label[0] == '-' || label[l - 1] == '-' ||
                    (label[l] != '.' && label[l] != '\0')) {
                    char shown[SHOW_MAX_BYTES * 6 + 8];
                    sanitize(host, shown, sizeof(shown));
                    clip(why, len, "\"%s\" is not a host name or an IP address", shown);
                    return -1;
                }
                if (label[l] == '\0')
                    break;
                label += l + 1;
            }
        }
    }

    size_t plen = strlen(port);
    if (plen == 0 || strspn(port, "0123456789") != plen) {
        clip(why, len, "the port must be a number from 0 to 65535");
        return -1;
    }
    if (plen > 5 || strtol(port, NULL, 10) > 65535) {
        clip(why, len, "port %.20s is out of range (0 to 65535)", port);
        return -1;
    }
    return 0;
}

/* Parses a uid written as a JSON object key: decimal digits only, and not
 * (uid_t)-1, which the kernel reserves to mean "no uid". */
static int uid_parse(const char *s, uid_t *out)
{
    unsigned long long n = 0;
    if (*s == '\0')
        return -1;
    for (const char *p = s; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        n = n * 10 + (unsigned long long)(*p - '0');
        if (n >= (unsigned long long)(uid_t)-1)
            return -1;
    }
    *out = (uid_t)n;
    return 0;
}

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

/* ------------------------------------------------------------------------ */
/* The key tables                                                           */
/* ------------------------------------------------------------------------ */

typedef enum {
    K_STRING,    /* char *: a non-empty string */
    K_SOCKET,    /* char *: a socket path, or null for the default */
    K_LISTEN,    /* char *: "host:port", or null for no TCP listener */
    K_LOG_LEVEL, /* char *: debug, info, warn or error */
    K_DURATION,  /* int64_t ms: a positive duration */
    K_TIMEOUT,   /* uint64_t ms: a positive duration */
    K_SIZE,      /* size_t bytes: a positive size */
    K_COUNT,     /* unsigned: a whole number from 1 */
    K_ROLE,      /* pt_role_t */
    K_SHA256,    /* unsigned char[32] from 64 hex digits */
    K_BOOL,      /* bool: true or false */
    K_CLOCK,     /* int64_t ms after midnight: "HH:MM" or "HH:MM:SS", or null for none (-1) */
    K_OBJECT,    /* a nested object described by `sub` */
    K_CUSTOM,    /* parsed by `parse` */
} key_kind_t;

typedef struct config_key config_key_t;

/* One key an object may hold: where its value goes (an offset into the
 * struct being filled) and how it is checked. Tables end with a NULL name. */
struct config_key {
    const char *name;
    key_kind_t kind;
    size_t offset;
    bool required;
    const config_key_t *sub;                                                    /* K_OBJECT */
    int (*parse)(loader_t *ld, void *target, const cJSON *v, const char *path); /* K_CUSTOM */
};

static int walk_object(loader_t *ld, void *target, const cJSON *obj, const char *path,
                       const char *what, const config_key_t *keys);

static int parse_tokens(loader_t *ld, void *target, const cJSON *v, const char *path);
static int parse_socket_users(loader_t *ld, void *target, const cJSON *v, const char *path);
static int parse_categories(loader_t *ld, void *target, const cJSON *v, const char *path);
static int parse_plugins(loader_t *ld, void *target, const cJSON *v, const char *path);
static int parse_host_names(loader_t *ld, void *target, const cJSON *v, const char *path);

static const config_key_t deadline_keys[] = {
    {"reply", K_DURATION, offsetof(pt_deadlines_t, reply), false, NULL, NULL},
    {"return", K_DURATION, offsetof(pt_deadlines_t, ret), false, NULL, NULL},
    {"rehandle", K_DURATION, offsetof(pt_deadlines_t, rehandle), false, NULL, NULL},
    {"max", K_DURATION, offsetof(pt_deadlines_t, max), false, NULL, NULL},
    {"feedback", K_DURATION, offsetof(pt_deadlines_t, feedback), false, NULL, NULL},
    {"remind_before", K_DURATION, offsetof(pt_deadlines_t, remind_before), false, NULL, NULL},
    {"digest_at", K_CLOCK, offsetof(pt_deadlines_t, digest_at), false, NULL, NULL},
    {NULL, 0, 0, false, NULL, NULL},
};

static const config_key_t limit_keys[] = {
    {"body", K_SIZE, offsetof(pt_http_limits_t, max_body), false, NULL, NULL},
    {"header", K_SIZE, offsetof(pt_http_limits_t, max_header), false, NULL, NULL},
    {"connections", K_COUNT, offsetof(pt_http_limits_t, max_connections), false, NULL, NULL},
    {"header_timeout", K_TIMEOUT, offsetof(pt_http_limits_t, header_timeout_ms), false, NULL, NULL},
    {"idle_timeout", K_TIMEOUT, offsetof(pt_http_limits_t, idle_timeout_ms), false, NULL, NULL},
    {"requests", K_COUNT, offsetof(pt_http_limits_t, max_requests), false, NULL, NULL},
    {NULL, 0, 0, false, NULL, NULL},
};

static const config_key_t token_keys[] = {
    {"name", K_STRING, offsetof(pt_token_t, name), true, NULL, NULL},
    {"role", K_ROLE, offsetof(pt_token_t, role), true, NULL, NULL},
    {"sha256", K_SHA256, offsetof(pt_token_t, sha256), true, NULL, NULL},
    {"unit", K_STRING, offsetof(pt_token_t, unit), false, NULL, NULL},
    {"person", K_STRING, offsetof(pt_token_t, person), false, NULL, NULL},
    {NULL, 0, 0, false, NULL, NULL},
};

static const config_key_t socket_user_keys[] = {
    {"name", K_STRING, offsetof(pt_socket_user_t, name), true, NULL, NULL},
    {"role", K_ROLE, offsetof(pt_socket_user_t, role), true, NULL, NULL},
    {"unit", K_STRING, offsetof(pt_socket_user_t, unit), false, NULL, NULL},
    {"person", K_STRING, offsetof(pt_socket_user_t, person), false, NULL, NULL},
    {NULL, 0, 0, false, NULL, NULL},
};

static const config_key_t top_keys[] = {
    {"data_dir", K_STRING, offsetof(pt_config_t, data_dir), false, NULL, NULL},
    {"socket", K_SOCKET, offsetof(pt_config_t, socket), false, NULL, NULL},
    {"listen", K_LISTEN, offsetof(pt_config_t, listen), false, NULL, NULL},
    {"workflow", K_STRING, offsetof(pt_config_t, workflow), false, NULL, NULL},
    {"log_level", K_LOG_LEVEL, offsetof(pt_config_t, log_level), false, NULL, NULL},
    {"deadlines", K_OBJECT, offsetof(pt_config_t, deadlines), false, deadline_keys, NULL},
    {"tokens", K_CUSTOM, 0, false, NULL, parse_tokens},
    {"socket_users", K_CUSTOM, 0, false, NULL, parse_socket_users},
    {"categories", K_CUSTOM, 0, false, NULL, parse_categories},
    {"plugins", K_CUSTOM, 0, false, NULL, parse_plugins},
    {"plugin_dir", K_STRING, offsetof(pt_config_t, plugin_dir), false, NULL, NULL},
    {"builtin_plugins", K_BOOL, offsetof(pt_config_t, builtin_plugins), false, NULL, NULL},
    {"allow_remote", K_BOOL, offsetof(pt_config_t, allow_remote), false, NULL, NULL},
    {"socket_group", K_STRING, offsetof(pt_config_t, socket_group), false, NULL, NULL},
    {"host_names", K_CUSTOM, 0, false, NULL, parse_host_names},
    {"limits", K_OBJECT, offsetof(pt_config_t, limits), false, limit_keys, NULL},
    {NULL, 0, 0, false, NULL, NULL},
};

/* Checks one value against its key's kind and stores it at target+offset. */
static int parse_value(loader_t *ld, void *target, const config_key_t *k, const cJSON *v,
                       const char *path)
{
    char *slot = (char *)target + k->offset;
    char shown[SHOW_MAX_BYTES * 6 + 16];
    char why[256];
    int rc;

    switch (k->kind) {
    case K_STRING:
        if ((rc = check_string(ld, path, v, "a string")) != 0)
            return rc;
        return store_string(ld, (char **)slot, v->valuestring);

    case K_CLOCK: {
        int64_t ms = -1;
        if (!cJSON_IsNull(v)) {
            /* "HH:MM" or "HH:MM:SS", two ASCII digits each and nothing
             * around them: sscanf's %2d also took a space or a sign
             * ("08:+5" was 08:05), where "8:30" was refused. */
            const char *t = cJSON_IsString(v) ? v->valuestring : "";
            size_t len = strlen(t);
            bool ok = len == 5 || len == 8;
            for (size_t i = 0; ok && i < len; i++)
                ok = i % 3 == 2 ? t[i] == ':' : t[i] >= '0' && t[i] <= '9';
            int h = ok ? (t[0] - '0') * 10 + (t[1] - '0') : -1;
            int m = ok ? (t[3] - '0') * 10 + (t[4] - '0') : -1;
            int sec = ok && len == 8 ? (t[6] - '0') * 10 + (t[7] - '0') : 0;
            if (!ok || h > 23 || m > 59 || sec > 59)
                return fail(ld, path,
                            "%s is not a time of day (use \"08:30\" or \"08:30:00\"), "
                            "or null for none",
                            show(v, shown, sizeof(shown)));
            ms = ((int64_t)h * 3600 + m * 60 + sec) * 1000;
        }
        memcpy(slot, &ms, sizeof(ms));
        return 0;
    }

    case K_BOOL:
        if (!cJSON_IsBool(v))
            return fail(ld, path, "must be true or false");
        *(bool *)slot = cJSON_IsTrue(v);
        return 0;

    case K_SOCKET:
        if (cJSON_IsNull(v))
            return store_string(ld, (char **)slot, NULL);
        if ((rc = check_string(ld, path, v, "a socket path or null")) != 0)
            return rc;
        if (strlen(v->valuestring) > SOCKET_PATH_MAX)
            return fail(ld, path, "the path is %zu bytes; a Unix socket path can have at most %zu",
                        strlen(v->valuestring), (size_t)SOCKET_PATH_MAX);
        return store_string(ld, (char **)slot, v->valuestring);

    case K_LISTEN:
        if (cJSON_IsNull(v))
            return store_string(ld, (char **)slot, NULL);
        if ((rc = check_string(ld, path, v, "\"host:port\" or null")) != 0)
            return rc;
        if (listen_check(v->valuestring, why, sizeof(why)) != 0)
            return fail(ld, path, "%s is not host:port: %s", show(v, shown, sizeof(shown)), why);
        return store_string(ld, (char **)slot, v->valuestring);

    case K_LOG_LEVEL: {
        pt_log_level_t level;
        if (!cJSON_IsString(v))
            return fail(ld, path, "expected a log level, got %s", pt_json_type_name(v));
        if (pt_log_level_parse(v->valuestring, &level) != 0)
            return fail(ld, path, "%s is not a log level (debug, info, warn, error)",
                        show(v, shown, sizeof(shown)));
        return store_string(ld, (char **)slot, v->valuestring);
    }

    case K_DURATION:
    case K_TIMEOUT: {
        int64_t ms;
        if (!cJSON_IsString(v))
            return fail(ld, path, "expected a duration such as \"90d\" or \"10s\", got %s",
                        pt_json_type_name(v));
        int prc = pt_duration_parse(v->valuestring, &ms);
        if (prc == -1)
            return fail(ld, path, "%s is not a duration (use <number><unit>, units ms s m h d)",
                        show(v, shown, sizeof(shown)));
        if (prc == 0 && ms <= 0)
            return fail(ld, path, "%s must be longer than zero", show(v, shown, sizeof(shown)));
        if (prc != 0 || ms > PT_DURATION_MAX_MS)
            return fail(ld, path, "%s is too long (at most 36500d)", show(v, shown, sizeof(shown)));
        if (k->kind == K_DURATION)
            memcpy(slot, &ms, sizeof(ms));
        else {
            uint64_t ums = (uint64_t)ms;
            memcpy(slot, &ums, sizeof(ums));
        }
        return 0;
    }

    case K_SIZE: {
        /* The largest size, whatever its form: a JSON number holds a
         * whole number exactly only below 2^53, and "18446744073709551615"
         * must not pass where 18446744073709551615 is refused. No buffer
         * comes near it. */
        const double size_max = 9007199254740991.0;
        size_t bytes;
        if (cJSON_IsNumber(v)) {
            /* A bare number is a count of bytes; it must be a whole
             * number. */
            double d = v->valuedouble;
            if (d >= 0 && (d > size_max || d >= (double)SIZE_MAX))
                return fail(ld, path, "%s is too big (at most %.0f bytes)",
                            show(v, shown, sizeof(shown)), size_max);
            if (!(d >= 0) || d != (double)(size_t)d)
                return fail(ld, path, "%s is not a size (use a whole number of bytes)",
                            show(v, shown, sizeof(shown)));
            bytes = (size_t)d;
        } else if (cJSON_IsString(v)) {
            int prc = pt_size_parse(v->valuestring, &bytes);
            if (prc == -1)
                return fail(ld, path,
                            "%s is not a size (use bytes or <number><unit>, units B KiB MiB "
                            "GiB KB MB GB)",
                            show(v, shown, sizeof(shown)));
            if (prc != 0 || (double)bytes > size_max)
                return fail(ld, path, "%s is too big (at most %.0f bytes)",
                            show(v, shown, sizeof(shown)), size_max);
        } else {
            return fail(ld, path, "expected a size such as \"1MiB\" or a number of bytes, got %s",
                        pt_json_type_name(v));
        }
        if (bytes == 0)
            return fail(ld, path, "must be at least 1 byte");
        memcpy(slot, &bytes, sizeof(bytes));
        return 0;
    }

    case K_COUNT: {
        if (!cJSON_IsNumber(v))
            return fail(ld, path, "expected a number such as 1024, got %s", pt_json_type_name(v));
        double d = v->valuedouble;
        if (!(d >= 1 && d <= (double)UINT_MAX) || d != (double)(unsigned)d)
            return fail(ld, path, "%s is not a whole number from 1 to %u",
                        show(v, shown, sizeof(shown)), UINT_MAX);
        unsigned n = (unsigned)d;
        memcpy(slot, &n, sizeof(n));
        return 0;
    }

    case K_ROLE: {
        pt_role_t role;
        if (!cJSON_IsString(v))
            return fail(ld, path, "expected a role, got %s", pt_json_type_name(v));
        if (pt_role_parse(v->valuestring, &role) != 0)
            return fail(ld, path, "%s is not a role (viewer, clerk, unit, delegate, admin)",
                        show(v, shown, sizeof(shown)));
        memcpy(slot, &role, sizeof(role));
        return 0;
    }

    case K_SHA256: {
        unsigned char hash[32];
        const char *s = cJSON_IsString(v) ? v->valuestring : NULL;
        if (s == NULL)
            return fail(ld, path, "expected 64 hex digits, got %s", pt_json_type_name(v));
        bool ok = strlen(s) == 64;
        for (size_t i = 0; ok && i < 32; i++) {
            int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);
            ok = hi >= 0 && lo >= 0;
            hash[i] = (unsigned char)(ok ? hi << 4 | lo : 0);
        }
        if (!ok)
            return fail(ld, path,
                        "%s is not a SHA-256 in hex (64 hex digits; make one with "
                        "printf %%s TOKEN | sha256sum)",
                        show(v, shown, sizeof(shown)));
        memcpy(slot, hash, sizeof(hash));
        return 0;
    }

    case K_OBJECT:
        return walk_object(ld, slot, v, path, "an object", k->sub);

    case K_CUSTOM:
        return k->parse(ld, target, v, path);
    }
    return fail(ld, path, "internal error: unknown key kind %d", (int)k->kind);
}

/* Walks an object against a key table: every member must be a known key,
 * given once; every required key must be present. */
static int walk_object(loader_t *ld, void *target, const cJSON *obj, const char *path,
                       const char *what, const config_key_t *keys)
{
    /* Which keys were seen, to refuse duplicates and find missing ones.
     * No table has more than 32 keys. */
    uint32_t seen = 0;
    char sub[PATH_MAX_LEN];
    int rc;

    if (!cJSON_IsObject(obj))
        return fail(ld, path[0] != '\0' ? path : NULL, "expected %s ({...}), got %s", what,
                    pt_json_type_name(obj));

    for (const cJSON *m = obj->child; m != NULL; m = m->next) {
        size_t i;
        for (i = 0; keys[i].name != NULL; i++) {
            if (strcmp(keys[i].name, m->string) == 0)
                break;
        }
        path_key(sub, path, m->string);
        if (keys[i].name == NULL) {
            /* The known keys are listed, since the usual cause is a typo. */
            char known[256] = "";
            size_t o = 0;
            for (size_t j = 0; keys[j].name != NULL && o < sizeof(known); j++)
                o += (size_t)snprintf(known + o, sizeof(known) - o, "%s%s", j ? ", " : "",
                                      keys[j].name);
            return fail(ld, NULL, "unknown key \"%s\" (known keys here: %s)", sub, known);
        }
        /* cJSON keeps both members of {"a": 1, "a": 2}, and the file would
         * then mean one thing to a reader and another to ptrackd.
         * pt_json_parse() refuses such objects today; this check keeps the
         * walker from depending on it. */
        if (seen & (UINT32_C(1) << i))
            return fail(ld, NULL, "key \"%s\" is given twice", sub);
        seen |= UINT32_C(1) << i;
        if ((rc = parse_value(ld, target, &keys[i], m, sub)) != 0)
            return rc;
    }

    for (size_t i = 0; keys[i].name != NULL; i++) {
        if (keys[i].required && !(seen & (UINT32_C(1) << i)))
            return fail(ld, path, "\"%s\" is missing", keys[i].name);
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Arrays and maps                                                          */
/* ------------------------------------------------------------------------ */

/* A unit or delegate entry must say whom it is bound to, and no other may:
 * a binding on a viewer would look like a limit that nothing enforces. */
/* Replaces *s by its copy as the proposals keep a unit's name
 * (pt_unit_name_clean: without the spaces around it, a zero-width space
 * or a Kangxi radical a copy brought along) or, with person, a person's
 * (pt_name_clean). 0, or -1 when out of memory. */
static int trim_name(char **s, bool person)
{
    if (*s == NULL)
        return 0;
    char *t = person ? pt_name_clean(*s) : pt_unit_name_clean(*s);
    if (t == NULL)
        return -1;
    free(*s);
    *s = t;
    return 0;
}

static int check_binding(loader_t *ld, const char *path, pt_role_t role, const char *name,
                         const char *unit, const char *person)
{
    char field[PATH_MAX_LEN];
    /* An identity is kept whole (auth.h): a longer one is refused here,
     * not cut where two would become one. */
    const struct {
        const char *key, *value;
        size_t max;
    } sizes[] = {{"name", name, PT_ID_NAME_MAX},
                 {"unit", unit, PT_ID_BINDING_MAX},
                 {"person", person, PT_ID_BINDING_MAX}};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        if (sizes[i].value && strlen(sizes[i].value) > sizes[i].max) {
            path_key(field, path, sizes[i].key);
            return fail(ld, field, "longer than %zu bytes", sizes[i].max);
        }
        if (sizes[i].value && !*sizes[i].value) {
            path_key(field, path, sizes[i].key);
            return fail(ld, field, "blank: it would name nobody");
        }
    }
    if (role == PT_ROLE_UNIT && unit == NULL)
        return fail(ld, path, "\"unit\" is missing: role unit answers for one unit; name it");
    if (role == PT_ROLE_DELEGATE && person == NULL)
        return fail(ld, path,
                    "\"person\" is missing: role delegate reads and rates the proposals of "
                    "one person; name them");
    if (unit != NULL && role != PT_ROLE_UNIT) {
        path_key(field, path, "unit");
        return fail(ld, field, "only role unit is bound to a unit (this one is %s)",
                    pt_role_name(role));
    }
    if (person != NULL && role != PT_ROLE_DELEGATE) {
        path_key(field, path, "person");
        return fail(ld, field, "only role delegate is bound to a person (this one is %s)",
                    pt_role_name(role));
    }
    return 0;
}

static int parse_tokens(loader_t *ld, void *target, const cJSON *v, const char *path)
{
    pt_config_t *c = target;
    char sub[PATH_MAX_LEN], field[PATH_MAX_LEN], shown[SHOW_MAX_BYTES * 6 + 16];
    int rc;

    if (!cJSON_IsArray(v))
        return fail(ld, path, "expected an array of {name, role, sha256}, got %s",
                    pt_json_type_name(v));
    size_t n = (size_t)cJSON_GetArraySize(v);
    if (n == 0)
        return 0;
    /* The array is allocated whole and zeroed before any element is read,
     * so that pt_config_free() of the half-filled config frees exactly what
     * was stored when an element turns out to be wrong. */
    c->tokens = calloc(n, sizeof(*c->tokens));
    if (c->tokens == NULL)
        return fail_nomem(ld);
    c->n_tokens = n;

    size_t i = 0;
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        pt_token_t *t = &c->tokens[i];
        path_index(sub, path, i);
        if ((rc = walk_object(ld, t, e, sub, "a token {name, role, sha256}", token_keys)) != 0)
            return rc;
        if (trim_name(&t->unit, false) != 0 || trim_name(&t->person, true) != 0)
            return fail_nomem(ld);
        if ((rc = check_binding(ld, sub, t->role, t->name, t->unit, t->person)) != 0)
            return rc;
        /* A name identifies the holder in the history; two tokens with one
         * name could not be told apart. Two tokens with one hash would make
         * the identity of a request depend on the order of the file. */
        for (size_t j = 0; j < i; j++) {
            if (strcmp(c->tokens[j].name, t->name) == 0) {
                path_key(field, sub, "name");
                sanitize(t->name, shown, sizeof(shown));
                return fail(ld, field, "\"%s\" is already the name of %s[%zu]", shown, path, j);
            }
            if (memcmp(c->tokens[j].sha256, t->sha256, sizeof(t->sha256)) == 0) {
                path_key(field, sub, "sha256");
                return fail(ld, field, "the same token as %s[%zu] (each token must differ)", path,
                            j);
            }
        }
    }
    return 0;
}

static int parse_socket_users(loader_t *ld, void *target, const cJSON *v, const char *path)
{
    pt_config_t *c = target;
    char sub[PATH_MAX_LEN], shown[SHOW_MAX_BYTES * 6 + 16];
    int rc;

    if (!cJSON_IsObject(v))
        return fail(ld, path, "expected an object {\"<uid>\": {name, role}}, got %s",
                    pt_json_type_name(v));
    size_t n = (size_t)cJSON_GetArraySize(v);
    if (n == 0)
        return 0;
    c->socket_users = calloc(n, sizeof(*c->socket_users));
    if (c->socket_users == NULL)
        return fail_nomem(ld);
    c->n_socket_users = n;

    size_t i = 0;
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        pt_socket_user_t *u = &c->socket_users[i];
        path_key(sub, path, e->string);
        if (uid_parse(e->string, &u->uid) != 0) {
            sanitize(e->string, shown, sizeof(shown));
            return fail(ld, path,
                        "\"%s\" is not a uid (use the numeric user id, like \"1000\"; "
                        "`id -u NAME` prints it)",
                        shown);
        }
        /* "1000" and "01000" are the same uid; the second would silently
         * override the first. */
        for (size_t j = 0; j < i; j++) {
            if (c->socket_users[j].uid == u->uid)
                return fail(ld, sub, "uid %lu is given twice", (unsigned long)u->uid);
        }
        if ((rc = walk_object(ld, u, e, sub, "a user {name, role}", socket_user_keys)) != 0)
            return rc;
        if (trim_name(&u->unit, false) != 0 || trim_name(&u->person, true) != 0)
            return fail_nomem(ld);
        if ((rc = check_binding(ld, sub, u->role, u->name, u->unit, u->person)) != 0)
            return rc;
    }
    return 0;
}

/* c's entry of socket_users for root, or NULL. */
static const pt_socket_user_t *root_entry(const pt_config_t *c)
{
    for (size_t i = 0; i < c->n_socket_users; i++)
        if (c->socket_users[i].uid == 0)
            return &c->socket_users[i];
    return NULL;
}

void pt_config_warn_root_role(const pt_config_t *c, const pt_config_t *running, const char *source)
{
    /* Root is admin whatever a config says: its entry only names it. A
     * role other than admin would be a rule that does not hold; it is
     * said, not refused, so that a configuration that held one still
     * starts. (ptrackd's own user is admin too, but which user that is
     * shows only at the start, not to --check-config.) */
    const pt_socket_user_t *u = root_entry(c);
    if (!u || u->role == PT_ROLE_ADMIN)
        return;
    const pt_socket_user_t *was = running ? root_entry(running) : NULL;
    /* A reload says it again only when the file newly says it: one that
     * changes nothing there logs nothing. */
    bool same_name =
        was && (was->name && u->name ? strcmp(was->name, u->name) == 0 : was->name == u->name);
    if (was && was->role == u->role && same_name)
        return;
    pt_warn("config %s: socket_users.0.role: root is always admin on the socket; its entry names "
            "it (%s), the role %s is not used",
            source ? source : "(text)", u->name ? u->name : "", pt_role_name(u->role));
}

void pt_config_warn_deadlines(const pt_config_t *c, const pt_config_t *running, const char *source)
{
    /* A reminder as long as the time to answer counts every proposal due
     * soon from the moment it is assigned, or its rehandling begins: said,
     * not refused, so that a configuration that held one (a short reply
     * window beside the default 7d) still starts. A reload says it again
     * only when one of the three changed. */
    const pt_deadlines_t *d = &c->deadlines, *was = running ? &running->deadlines : NULL;
    if (was && was->remind_before == d->remind_before && was->reply == d->reply &&
        was->rehandle == d->rehandle)
        return;
    char a[32], b[32];
    const char *key = d->remind_before >= d->reply ? "reply" : "rehandle";
    int64_t other = d->remind_before >= d->reply ? d->reply : d->rehandle;
    if (d->remind_before < other)
        return;
    pt_warn("config %s: deadlines.remind_before: %s is not shorter than deadlines.%s (%s); every "
            "proposal counts as due soon from the moment %s",
            source ? source : "(text)", show_duration(d->remind_before, a, sizeof(a)), key,
            show_duration(other, b, sizeof(b)),
            strcmp(key, "reply") == 0 ? "it is assigned" : "its rehandling begins");
}

static int parse_categories(loader_t *ld, void *target, const cJSON *v, const char *path)
{
    pt_config_t *c = target;
    char sub[PATH_MAX_LEN], shown[SHOW_MAX_BYTES * 6 + 16];
    int rc;

    if (cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsArray(v))
        return fail(ld, path, "expected an array of category names or null, got %s",
                    pt_json_type_name(v));
    size_t n = (size_t)cJSON_GetArraySize(v);
    /* An empty list would make every proposal's category invalid, which is
     * never what was meant; null (or no key) is how to allow any. */
    if (n == 0)
        return fail(ld, path,
                    "an empty list would allow no category; leave the key out (or "
                    "use null) to allow any");
    c->categories = calloc(n, sizeof(*c->categories));
    if (c->categories == NULL)
        return fail_nomem(ld);

    size_t i = 0;
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        path_index(sub, path, i);
        if ((rc = check_string(ld, sub, e, "a category name")) != 0)
            return rc;
        /* Kept as a proposal's category is kept (pt_label_clean): without
         * the spaces around it, or " 交通 " could never be chosen, and
         * without what a copy from a web page or a PDF brought along, or
         * 交通<U+200B> of the list could never be chosen either: a
         * proposal's is kept as 交通. */
        if ((c->categories[i] = pt_label_clean(e->valuestring)) == NULL)
            return fail_nomem(ld);
        c->n_categories = i + 1;
        if (!*c->categories[i])
            return fail(ld, sub, "a blank category name");
        for (size_t j = 0; j < i; j++) {
            if (strcmp(c->categories[j], c->categories[i]) == 0) {
                sanitize(c->categories[i], shown, sizeof(shown));
                return fail(ld, sub, "\"%s\" is already %s[%zu]", shown, path, j);
            }
        }
    }
    return 0;
}

bool pt_listen_is_loopback(const char *hp)
{
    if (hp == NULL)
        return true;
    if (strncmp(hp, "[::1]:", 6) == 0 || strncasecmp(hp, "localhost:", 10) == 0)
        return true;
    /* ::1 written otherwise ("[0:0:0:0:0:0:0:1]", "[::0:1]") is ::1 all the
     * same: it was refused as "not a loopback address". */
    if (hp[0] == '[') {
        const char *end = strchr(hp, ']');
        char a[INET6_ADDRSTRLEN + 1];
        struct in6_addr in6;
        size_t n = end ? (size_t)(end - hp - 1) : 0;
        if (end && end[1] == ':' && n < sizeof(a)) {
            memcpy(a, hp + 1, n);
            a[n] = '\0';
            return inet_pton(AF_INET6, a, &in6) == 1 && IN6_IS_ADDR_LOOPBACK(&in6);
        }
        return false;
    }
    /* 127.0.0.0/8: "127." and then digits and dots up to the port. */
    if (strncmp(hp, "127.", 4) != 0)
        return false;
    for (const char *p = hp + 4; *p && *p != ':'; p++)
        if (!((*p >= '0' && *p <= '9') || *p == '.'))
            return false;
    return true;
}

/* A host_names entry is matched against the Host header's name, with its
 * port taken off, byte for byte but for case (api.c host_allowed): an entry
 * that no Host header's name can equal was taken and then refused every
 * request it was written for. Such are a name with a port
 * ("ptrack.example.gov.cn:8443"), an IPv6 address without its brackets,
 * and a name that is not ASCII, which browsers send in its xn-- form
 * (IDNA). Returns 0, or -1 with why (a phrase after the quoted value). */
static int host_name_check(const char *s, char *why, size_t len)
{
    size_t n = strlen(s);
    if (s[0] == '[') {
        size_t hex = strspn(s + 1, "0123456789abcdefABCDEF:.");
        if (n >= 4 && hex == n - 2 && s[n - 1] == ']')
            return 0;
        if (s[1 + hex] == ']' && s[2 + hex] == ':')
            snprintf(why, len,
                     "has a port; give the address alone (\"%.*s\"): the Host header "
                     "matches it with any port",
                     (int)(hex + 2), s);
        else
            snprintf(why, len, "is not an IPv6 address in brackets, such as \"[::1]\"");
        return -1;
    }
    size_t name = strcspn(s, ":");
    for (size_t i = 0; i < name; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x80) {
            snprintf(why, len,
                     "is not ASCII: a browser sends such a name in its ASCII form (IDNA, "
                     "xn--...), which is what to write here");
            return -1;
        }
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '-' || ch == '.' || ch == '_')) {
            snprintf(why, len,
                     "has a character a host name does not hold ('%c'); a name is letters, "
                     "digits, '-', '.' and '_'",
                     ch);
            return -1;
        }
    }
    if (s[name] == '\0')
        return 0;
    if (strchr(s + name + 1, ':') != NULL)
        snprintf(why, len, "is an IPv6 address: write it in brackets, such as \"[::1]\"");
    else if (name == 0)
        snprintf(why, len, "has a port but no name");
    else
        snprintf(why, len,
                 "has a port; give the name alone (\"%.*s\"): the Host header matches it with "
                 "any port",
                 (int)name, s);
    return -1;
}

/* Extra names the TCP listener answers to in the Host header (a proxy's
 * name, the machine's name); loopback names are always accepted. */
static int parse_host_names(loader_t *ld, void *target, const cJSON *v, const char *path)
{
    pt_config_t *c = target;
    char sub[PATH_MAX_LEN], why[160], shown[SHOW_MAX_BYTES * 6 + 16];
    int rc;
    if (cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsArray(v))
        return fail(ld, path, "expected an array of host names or null, got %s",
                    pt_json_type_name(v));
    size_t n = (size_t)cJSON_GetArraySize(v);
    c->host_names = calloc(n ? n : 1, sizeof(*c->host_names));
    if (c->host_names == NULL)
        return fail_nomem(ld);
    size_t i = 0;
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        path_index(sub, path, i);
        if ((rc = check_string(ld, sub, e, "a host name")) != 0)
            return rc;
        if (strchr(e->valuestring, '/') || strchr(e->valuestring, ' '))
            return fail(ld, sub, "a host name has no slash or space");
        if (host_name_check(e->valuestring, why, sizeof(why)) != 0)
            return fail(ld, sub, "%s %s", show(e, shown, sizeof(shown)), why);
        if ((c->host_names[i] = strdup(e->valuestring)) == NULL)
            return fail_nomem(ld);
        c->n_host_names = i + 1;
    }
    return 0;
}

/* The name of a plugin instance: it appears in URLs (/v1/plugins/NAME),
 * log prefixes and the store's cursor table, so it is kept to characters
 * that need no escaping anywhere. */
#define INSTANCE_NAME_MAX 64

static bool instance_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > INSTANCE_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '-'))
            return false;
    }
    return true;
}

/* An event type or pattern a notifier may ask for: "proposal.created",
 * "proposal.*" or "*". */
static bool event_pattern_ok(const char *s)
{
    size_t n = strlen(s);
    const char *star = strchr(s, '*');
    if (n == 0 || n > 128)
        return false;
    if (!star)
        return true;
    /* One star, and only as the whole pattern or after the last dot. */
    return star == s + n - 1 && (n == 1 || s[n - 2] == '.');
}

static int entry_problem(char *field, size_t fsize, char *why, size_t wsize, const char *f,
                         const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int entry_problem(char *field, size_t fsize, char *why, size_t wsize, const char *f,
                         const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, wsize, fmt, ap);
    va_end(ap);
    snprintf(field, fsize, "%s", f);
    return -1;
}

static int check_events(const cJSON *ev, const char *f, char *field, size_t fsize, char *why,
                        size_t wsize)
{
    if (cJSON_IsNull(ev))
        return 0;
    if (!cJSON_IsArray(ev))
        return entry_problem(field, fsize, why, wsize, f,
                             "expected an array of event types such as [\"proposal.*\"]");
    size_t i = 0;
    for (const cJSON *e = ev->child; e != NULL; e = e->next, i++) {
        if (!cJSON_IsString(e) || !event_pattern_ok(e->valuestring)) {
            char sub[64];
            snprintf(sub, sizeof(sub), "%s[%zu]", f, i);
            return entry_problem(field, fsize, why, wsize, sub,
                                 "expected an event type (\"proposal.created\"), a family "
                                 "(\"proposal.*\") or \"*\"");
        }
    }
    return 0;
}

int pt_config_plugin_entry_check(const cJSON *e, char *field, size_t fsize, char *why, size_t wsize)
{
    if (!cJSON_IsObject(e))
        return entry_problem(field, fsize, why, wsize, "(entry)",
                             "expected a plugin object {instance, path, config, events, start}");
    for (const cJSON *m = e->child; m != NULL; m = m->next) {
        if (strcmp(m->string, "instance") != 0 && strcmp(m->string, "path") != 0 &&
            strcmp(m->string, "config") != 0 && strcmp(m->string, "events") != 0 &&
            strcmp(m->string, "start") != 0) {
            char shown[SHOW_MAX_BYTES * 6 + 8];
            sanitize(m->string, shown, sizeof(shown));
            return entry_problem(field, fsize, why, wsize, shown,
                                 "unknown key; a plugin entry has instance, path, config, events "
                                 "and start");
        }
    }
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "instance");
    if (!cJSON_IsString(v))
        return entry_problem(field, fsize, why, wsize, "instance",
                             v ? "expected a name such as \"wecom\""
                               : "is required: the instance's name, such as \"wecom\"");
    if (!instance_name_ok(v->valuestring))
        return entry_problem(field, fsize, why, wsize, "instance",
                             "a name has 1 to %d ASCII letters, digits, _ and -",
                             INSTANCE_NAME_MAX);
    v = cJSON_GetObjectItemCaseSensitive(e, "path");
    if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
        return entry_problem(field, fsize, why, wsize, "path",
                             v ? "expected the plugin file, such as \"notify_webhook.so\""
                               : "is required: the plugin file, such as \"notify_webhook.so\"");
    for (const unsigned char *p = (const unsigned char *)v->valuestring; *p != '\0'; p++)
        if (*p < 0x20 || *p == 0x7f || (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F))
            return entry_problem(field, fsize, why, wsize, "path",
                                 "must not contain control characters");
    const cJSON *config = cJSON_GetObjectItemCaseSensitive(e, "config");
    if (config && !cJSON_IsObject(config))
        return entry_problem(field, fsize, why, wsize, "config",
                             "expected an object of the plugin's options");
    const cJSON *ev = cJSON_GetObjectItemCaseSensitive(e, "events");
    const cJSON *cev = config ? cJSON_GetObjectItemCaseSensitive(config, "events") : NULL;
    if (ev && cev)
        return entry_problem(field, fsize, why, wsize, "config.events",
                             "events is given twice (here and at the entry's top level); keep "
                             "one");
    if (ev && check_events(ev, "events", field, fsize, why, wsize) != 0)
        return -1;
    if (cev && check_events(cev, "config.events", field, fsize, why, wsize) != 0)
        return -1;
    const cJSON *start = cJSON_GetObjectItemCaseSensitive(e, "start");
    if (start && !cJSON_IsNull(start) &&
        !(cJSON_IsString(start) &&
          (strcmp(start->valuestring, "latest") == 0 || strcmp(start->valuestring, "oldest") == 0)))
        return entry_problem(field, fsize, why, wsize, "start",
                             "expected \"latest\" (a new notifier gets the events from now "
                             "on) or \"oldest\" (every event the store holds)");
    return 0;
}

static int parse_plugins(loader_t *ld, void *target, const cJSON *v, const char *path)
{
    pt_config_t *c = target;
    char sub[PATH_MAX_LEN], key[PATH_MAX_LEN], field[64], why[256];

    /* The entries' own keys are checked here, as the plugin host checks
     * them on POST /v1/plugins; the options inside `config` can only be
     * checked against the plugin's table, when the host loads it. */
    if (cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsArray(v))
        return fail(ld, path, "expected an array of plugin objects, got %s", pt_json_type_name(v));
    /* The shape of the whole array first, then each entry's keys: an entry
     * that is not an object at all is the bigger mistake to report. */
    size_t i = 0;
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        path_index(sub, path, i);
        if (!cJSON_IsObject(e))
            return fail(ld, sub, "expected a plugin object {instance, path, config}, got %s",
                        pt_json_type_name(e));
    }
    i = 0;
    for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
        path_index(sub, path, i);
        if (pt_config_plugin_entry_check(e, field, sizeof(field), why, sizeof(why)) != 0) {
            clip(key, sizeof(key), "%s.%s", sub, field);
            return fail(ld, key, "%s", why);
        }
        const char *name = cJSON_GetObjectItemCaseSensitive(e, "instance")->valuestring;
        size_t j = 0;
        for (const cJSON *o = v->child; o != e; o = o->next, j++) {
            if (strcmp(cJSON_GetObjectItemCaseSensitive(o, "instance")->valuestring, name) == 0) {
                clip(key, sizeof(key), "%s.instance", sub);
                return fail(ld, key, "\"%s\" is already %s[%zu]'s name", name, path, j);
            }
        }
    }
    if ((c->plugins = cJSON_Duplicate(v, true)) == NULL)
        return fail_nomem(ld);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Loading                                                                  */
/* ------------------------------------------------------------------------ */

/* Checks what no single key can: values that contradict each other. */
static int check_together(loader_t *ld, const pt_config_t *c)
{
    char a[32], b[32];
    /* The extension cap is counted from the same moment as the reply
     * deadline; a cap below it would make every proposal overdue against
     * its own cap and every extension fail. */
    if (c->deadlines.max < c->deadlines.reply)
        return fail(ld, "deadlines.max",
                    "%s is shorter than deadlines.reply (%s); the cap on extensions must be at "
                    "least the reply deadline",
                    show_duration(c->deadlines.max, a, sizeof(a)),
                    show_duration(c->deadlines.reply, b, sizeof(b)));
    /* So with rehandling: its cap counts from when it began. */
    if (c->deadlines.max < c->deadlines.rehandle)
        return fail(ld, "deadlines.max",
                    "%s is shorter than deadlines.rehandle (%s); the cap on extensions must be at "
                    "least the rehandling deadline",
                    show_duration(c->deadlines.max, a, sizeof(a)),
                    show_duration(c->deadlines.rehandle, b, sizeof(b)));
    return 0;
}

static int load_text(pt_config_t *c, const char *source, const char *json, size_t len,
                     pt_error_t *err)
{
    pt_error_t local = {0};
    loader_t ld = {source, err != NULL ? err : &local};
    pt_error_t perr = {0};
    pt_config_t fresh;
    int rc;

    /* A file's text may start with a byte order mark, as Notepad saves
     * one: not JSON, and not the operator's text either. */
    cJSON *root = source ? pt_json_parse_file(json, len, &perr) : pt_json_parse(json, len, &perr);
    if (root == NULL) {
        /* pt_json_parse says "invalid JSON at line L, column C (byte N):
         * what"; it is passed on whole, since that is what lets the
         * operator find the fault. */
        rc = fail(&ld, NULL, "%s", perr.message);
        pt_error_clear(&perr);
        pt_error_clear(&local);
        return rc;
    }
    pt_error_clear(&perr);

    pt_config_init(&fresh);
    rc = walk_object(&ld, &fresh, root, "", "an object", top_keys);
    if (rc == 0)
        rc = check_together(&ld, &fresh);
    cJSON_Delete(root);
    if (rc != 0) {
        pt_config_free(&fresh);
        pt_error_clear(&local);
        return rc;
    }
    pt_config_free(c);
    *c = fresh;
    return 0;
}

int pt_config_load_json(pt_config_t *c, const char *json, size_t len, pt_error_t *err)
{
    return load_text(c, NULL, json, len, err);
}

int pt_config_load_file(pt_config_t *c, const char *path, pt_error_t *err)
{
    pt_error_t local = {0};
    loader_t ld = {path, err != NULL ? err : &local};
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int rc;

    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rc = fail(&ld, NULL, "cannot open: %s", strerror(errno));
        pt_error_clear(&local);
        return rc;
    }
    /* Read to the end rather than trusting st_size, so that a pipe or a
     * file being rewritten still gives what was actually read. */
    for (;;) {
        if (len == cap) {
            /* The buffer may grow one byte past the limit, so that a file of
             * exactly the limit is read to its end and accepted. */
            if (cap > CONFIG_MAX_BYTES) {
                rc = fail(&ld, NULL, "larger than %u bytes; is this the right file?",
                          CONFIG_MAX_BYTES);
                goto out;
            }
            size_t ncap = cap == 0 ? 8192 : cap * 2;
            if (ncap > CONFIG_MAX_BYTES + 1)
                ncap = CONFIG_MAX_BYTES + 1;
            char *nbuf = realloc(buf, ncap);
            if (nbuf == NULL) {
                rc = fail_nomem(&ld);
                goto out;
            }
            buf = nbuf;
            cap = ncap;
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = fail(&ld, NULL, "cannot read: %s", strerror(errno));
            goto out;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    rc = load_text(c, path, buf, len, err);

out:
    close(fd);
    free(buf);
    pt_error_clear(&local);
    return rc;
}
