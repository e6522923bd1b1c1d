/*
 * test_config_load.c - loading ptrackd's configuration: defaults, the
 * shipped sample, the messages for bad files, and reloading.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

#define DAY (86400000LL)

static void assert_contains_(const char *hay, const char *needle, const char *file, int line)
{
    if (hay == NULL || strstr(hay, needle) == NULL) {
        print_error("%s:%d: \"%s\"\n    does not contain \"%s\"\n", file, line,
                    hay ? hay : "(null)", needle);
        _fail(file, line);
    }
}
#define assert_contains(h, n) assert_contains_((h), (n), __FILE__, __LINE__)

/* Loads a JSON text into a fresh config and returns the result code; the
 * message is left in err. */
static int load(pt_config_t *c, const char *json, pt_error_t *err)
{
    pt_config_init(c);
    return pt_config_load_json(c, json, strlen(json), err);
}

/* Writes text to a temporary file whose path is returned in path. */
static void write_temp(char *path, size_t len, const char *text)
{
    snprintf(path, len, "/tmp/pt-test-config-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t n = strlen(text);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
}

static void no_file_gives_every_default(void **state)
{
    pt_config_t c;
    pt_deadlines_t d;

    pt_config_init(&c);
    pt_deadlines_default(&d);
    assert_string_equal(c.data_dir, "var");
    assert_null(c.socket);
    assert_null(c.listen);
    assert_string_equal(c.workflow, "default");
    assert_string_equal(c.log_level, "info");
    assert_memory_equal(&c.deadlines, &d, sizeof(d));
    assert_int_equal(c.deadlines.reply, 90 * DAY);
    assert_int_equal(c.deadlines.ret, 10 * DAY);
    assert_int_equal(c.n_tokens, 0);
    assert_int_equal(c.n_socket_users, 0);
    assert_null(c.categories);
    assert_null(c.plugins);
    assert_int_equal(c.limits.max_body, 1024 * 1024);
    assert_int_equal(c.limits.max_header, 16 * 1024);
    assert_int_equal(c.limits.max_connections, 1024);
    assert_int_equal(c.limits.header_timeout_ms, 10000);
    assert_int_equal(c.limits.idle_timeout_ms, 60000);

    pt_config_finish(&c);
    assert_string_equal(c.socket, "var/ptrack.sock");
    pt_config_free(&c);
}

static void empty_object_gives_every_default(void **state)
{
    pt_config_t c, d;
    pt_error_t err = {0};

    assert_int_equal(load(&c, "{}", &err), 0);
    pt_config_init(&d);
    assert_string_equal(c.data_dir, d.data_dir);
    assert_string_equal(c.workflow, d.workflow);
    assert_memory_equal(&c.deadlines, &d.deadlines, sizeof(d.deadlines));
    assert_memory_equal(&c.limits, &d.limits, sizeof(d.limits));
    assert_null(c.listen);
    pt_config_free(&d);
    pt_config_free(&c);
}

static void socket_is_derived_from_data_dir(void **state)
{
    static const struct {
        const char *data_dir, *socket;
    } cases[] = {
        {"var", "var/ptrack.sock"},
        {"/srv/ptrack", "/srv/ptrack/ptrack.sock"},
        {"/srv/ptrack/", "/srv/ptrack/ptrack.sock"},
        {"/srv/ptrack//", "/srv/ptrack/ptrack.sock"},
        {"/", "/ptrack.sock"},
        {"数据", "数据/ptrack.sock"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        pt_config_t c;
        pt_config_init(&c);
        pt_config_set_str(&c.data_dir, cases[i].data_dir);
        pt_config_finish(&c);
        assert_string_equal(c.socket, cases[i].socket);
        pt_config_free(&c);
    }
}

static void data_dir_flag_after_the_file_moves_the_default_socket(void **state)
{
    pt_config_t c;
    pt_error_t err = {0};

    /* As ptrackd does it: the file, then --data-dir, then finish. */
    assert_int_equal(load(&c, "{\"data_dir\": \"/var/lib/ptrack\"}", &err), 0);
    pt_config_set_str(&c.data_dir, "/tmp/pt-flag");
    pt_config_finish(&c);
    assert_string_equal(c.socket, "/tmp/pt-flag/ptrack.sock");
    pt_config_free(&c);
}

static void explicit_socket_is_kept(void **state)
{
    pt_config_t c;
    pt_error_t err = {0};

    assert_int_equal(load(&c, "{\"data_dir\": \"/d\", \"socket\": \"/run/p.sock\"}", &err), 0);
    pt_config_finish(&c);
    assert_string_equal(c.socket, "/run/p.sock");
    pt_config_free(&c);

    /* null means "the default", the same as leaving the key out. */
    assert_int_equal(load(&c, "{\"data_dir\": \"/d\", \"socket\": null}", &err), 0);
    pt_config_finish(&c);
    assert_string_equal(c.socket, "/d/ptrack.sock");
    pt_config_free(&c);
}

static void socket_path_may_be_as_long_as_the_kernel_allows(void **state)
{
    char json[256], path[128];
    pt_config_t c;
    pt_error_t err = {0};

    /* sun_path holds 108 bytes on Linux, the NUL included. */
    memset(path, 'a', sizeof(path));
    path[0] = '/';
    path[107] = '\0';
    snprintf(json, sizeof(json), "{\"socket\": \"%s\"}", path);
    assert_int_equal(load(&c, json, &err), 0);
    assert_string_equal(c.socket, path);
    pt_config_free(&c);

    path[107] = 'a';
    path[108] = '\0';
    snprintf(json, sizeof(json), "{\"socket\": \"%s\"}", path);
    assert_int_equal(load(&c, json, &err), PT_ECONFIG);
    assert_contains(err.message, "config: socket: the path is 108 bytes");
    pt_config_free(&c);
}

static void set_str_replaces_and_survives_its_own_value(void **state)
{
    pt_config_t c;
    pt_config_init(&c);
    pt_config_set_str(&c.data_dir, c.data_dir);
    assert_string_equal(c.data_dir, "var");
    pt_config_set_str(&c.listen, "127.0.0.1:1");
    assert_string_equal(c.listen, "127.0.0.1:1");
    pt_config_set_str(&c.listen, NULL);
    assert_null(c.listen);
    pt_config_free(&c);
}

/* The demo tokens of docs/config.md; the sample holds their hashes. */
static void assert_hash_of(const unsigned char got[32], const char *hex)
{
    unsigned char want[32];
    for (size_t i = 0; i < 32; i++) {
        unsigned v;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        want[i] = (unsigned char)v;
    }
    assert_memory_equal(got, want, 32);
}

static void sample_config_loads_with_every_key(void **state)
{
    const char *src = getenv("PT_SOURCE_DIR");
    char path[4096];
    pt_config_t c;
    pt_error_t err = {0};

    if (src == NULL)
        fail_msg("PT_SOURCE_DIR is not set (run the test through ctest)");
    snprintf(path, sizeof(path), "%s/examples/ptrackd.json", src);
    pt_config_init(&c);
    if (pt_config_load_file(&c, path, &err) != 0)
        fail_msg("%s", err.message);

    assert_string_equal(c.data_dir, "var");
    assert_string_equal(c.socket, "var/ptrack.sock");
    assert_string_equal(c.listen, "127.0.0.1:8470");
    assert_string_equal(c.workflow, "default");
    assert_string_equal(c.log_level, "info");
    assert_int_equal(c.deadlines.reply, 90 * DAY);
    assert_int_equal(c.deadlines.ret, 10 * DAY);
    assert_int_equal(c.deadlines.rehandle, 30 * DAY);
    assert_int_equal(c.deadlines.max, 180 * DAY);
    assert_int_equal(c.deadlines.feedback, 30 * DAY);
    assert_int_equal(c.deadlines.remind_before, 7 * DAY);

    assert_int_equal(c.n_tokens, 3);
    assert_string_equal(c.tokens[0].name, "报表机");
    assert_int_equal(c.tokens[0].role, PT_ROLE_VIEWER);
    /* printf %s demo-viewer-token | sha256sum */
    assert_hash_of(c.tokens[0].sha256,
                   "db2c460a3dd812a27b2a7f60d1320322c27ac3b28b3b90b11c05ecc7b4bcc856");
    assert_int_equal(c.tokens[1].role, PT_ROLE_CLERK);
    assert_hash_of(c.tokens[1].sha256,
                   "47966224ccb68fcb36ac8469201c8761f4c146d2ccd8f1ad849acd9478d83da5");
    assert_int_equal(c.tokens[2].role, PT_ROLE_ADMIN);
    assert_hash_of(c.tokens[2].sha256,
                   "91c16f0d6cc1bec3c3603972182a07c66ff4fa71618a975e963d6dbe42b6dd37");

    assert_int_equal(c.n_socket_users, 3);
    assert_int_equal(c.socket_users[0].uid, 1000);
    assert_string_equal(c.socket_users[0].name, "王秘书");
    assert_int_equal(c.socket_users[0].role, PT_ROLE_CLERK);
    assert_int_equal(c.socket_users[1].role, PT_ROLE_ADMIN);
    assert_int_equal(c.socket_users[2].role, PT_ROLE_VIEWER);

    assert_int_equal(c.n_categories, 11);
    assert_string_equal(c.categories[0], "乡村振兴");
    assert_string_equal(c.categories[10], "其他");

    assert_true(cJSON_IsArray(c.plugins));
    assert_int_equal(cJSON_GetArraySize(c.plugins), 1);
    cJSON *inst = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(c.plugins, 0), "instance");
    assert_string_equal(cJSON_GetStringValue(inst), "wecom");

    assert_int_equal(c.limits.max_body, 1024 * 1024);
    assert_int_equal(c.limits.max_header, 16 * 1024);
    assert_int_equal(c.limits.max_connections, 1024);
    assert_int_equal(c.limits.header_timeout_ms, 10000);
    assert_int_equal(c.limits.idle_timeout_ms, 60000);
    pt_config_free(&c);
}

static void every_value_is_read(void **state)
{
    pt_config_t c;
    pt_error_t err = {0};
    const char *json =
        "{\"data_dir\": \"/srv/pt\", \"listen\": \"[::1]:0\", \"workflow\": \"/etc/wf.json\","
        " \"log_level\": \"debug\","
        " \"deadlines\": {\"reply\": \"60d\", \"return\": \"36h\", \"rehandle\": \"15d\","
        "   \"max\": \"120d\", \"feedback\": \"90m\", \"remind_before\": \"500ms\"},"
        " \"tokens\": [{\"name\": \"t\", \"role\": \"admin\", \"sha256\":"
        "   \"ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789\"}],"
        " \"socket_users\": {\"0\": {\"name\": \"root\", \"role\": \"admin\"}},"
        " \"categories\": null, \"plugins\": [],"
        " \"limits\": {\"body\": 2048, \"header\": \"1KB\", \"connections\": 1,"
        "   \"header_timeout\": \"1500ms\", \"idle_timeout\": \"2m\"}}";

    if (load(&c, json, &err) != 0)
        fail_msg("%s", err.message);
    assert_string_equal(c.data_dir, "/srv/pt");
    assert_string_equal(c.listen, "[::1]:0");
    assert_string_equal(c.workflow, "/etc/wf.json");
    assert_string_equal(c.log_level, "debug");
    assert_int_equal(c.deadlines.reply, 60 * DAY);
    assert_int_equal(c.deadlines.ret, 36 * 3600000LL);
    assert_int_equal(c.deadlines.rehandle, 15 * DAY);
    assert_int_equal(c.deadlines.max, 120 * DAY);
    assert_int_equal(c.deadlines.feedback, 90 * 60000LL);
    assert_int_equal(c.deadlines.remind_before, 500);
    /* Upper- and lower-case hex give the same hash. */
    assert_hash_of(c.tokens[0].sha256,
                   "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
    assert_int_equal(c.socket_users[0].uid, 0);
    assert_null(c.categories);
    assert_int_equal(cJSON_GetArraySize(c.plugins), 0);
    assert_int_equal(c.limits.max_body, 2048);
    assert_int_equal(c.limits.max_header, 1000);
    assert_int_equal(c.limits.max_connections, 1);
    assert_int_equal(c.limits.header_timeout_ms, 1500);
    assert_int_equal(c.limits.idle_timeout_ms, 120000);
    pt_config_free(&c);
}

static void listen_accepts_the_forms_the_server_takes(void **state)
{
    static const char *const good[] = {
        "127.0.0.1:8470",        "0.0.0.0:0", "[::1]:8470", "[fe80::1]:65535", "localhost:0",
        "ptrack.example.org:80", "host-1:1",
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        char json[128];
        pt_config_t c;
        pt_error_t err = {0};
        snprintf(json, sizeof(json), "{\"listen\": \"%s\"}", good[i]);
        if (load(&c, json, &err) != 0)
            fail_msg("%s: %s", good[i], err.message);
        assert_string_equal(c.listen, good[i]);
        pt_config_free(&c);
    }

    pt_config_t c;
    pt_error_t err = {0};
    assert_int_equal(load(&c, "{\"listen\": null}", &err), 0);
    assert_null(c.listen);
    pt_config_free(&c);
}

/* Each bad value, and the message it must give: the full path of the key
 * and what is wrong with it. */
static const struct {
    const char *json;
    const char *message;
} bad[] = {
    /* The top level. */
    {"[]", "config: expected an object ({...}), got an array"},
    /* A host name no Host header's name (its port taken off) can equal:
     * taken, it refused every request it was written for. */
    {"{\"host_names\": [\"ptrack.example.gov.cn:8443\"]}",
     "config: host_names[0]: \"ptrack.example.gov.cn:8443\" has a port; give the name alone "
     "(\"ptrack.example.gov.cn\"): the Host header matches it with any port"},
    {"{\"host_names\": [\"a.example\", \"[::1]:8470\"]}",
     "config: host_names[1]: \"[::1]:8470\" has a port; give the address alone (\"[::1]\")"},
    {"{\"host_names\": [\"fe80::1\"]}",
     "config: host_names[0]: \"fe80::1\" is an IPv6 address: write it in brackets"},
    {"{\"host_names\": [\"[fe80::1\"]}",
     "config: host_names[0]: \"[fe80::1\" is not an IPv6 address in brackets"},
    {"{\"host_names\": [\"政府.中国\"]}",
     "config: host_names[0]: \"政府.中国\" is not ASCII: a browser sends such a name in its ASCII "
     "form (IDNA, xn--...)"},
    {"{\"host_names\": [\"a*b\"]}",
     "config: host_names[0]: \"a*b\" has a character a host name does not hold ('*')"},
    {"{\"host_names\": [\":8470\"]}", "config: host_names[0]: \":8470\" has a port but no name"},
    {"{\"limitz\": {}}", "config: unknown key \"limitz\" (known keys here: data_dir, socket,"},
    {"{\"Data_dir\": \"x\"}", "config: unknown key \"Data_dir\""},
    /* Refused by pt_json_parse or by the walker; either way it names the key. */
    {"{\"data_dir\": \"a\", \"data_dir\": \"b\"}", "\"data_dir\""},
    {"{\"data_dir\": 5}", "config: data_dir: expected a string, got a number"},
    {"{\"data_dir\": \"\"}", "config: data_dir: must not be empty"},
    {"{\"data_dir\": null}", "config: data_dir: expected a string, got null"},
    {"{\"data_dir\": \"a\\nb\"}", "config: data_dir: must not contain control characters"},
    {"{\"data_dir\": \"a\\u0085b\"}", "config: data_dir: must not contain control characters"},
    {"{\"socket\": true}", "config: socket: expected a socket path or null, got a boolean"},
    {"{\"socket\": \"/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
     "config: socket: the path is 129 bytes; a Unix socket path can have at most 107"},
    {"{\"listen\": 8470}", "config: listen: expected \"host:port\" or null, got a number"},
    {"{\"listen\": \"8470\"}", "config: listen: \"8470\" is not host:port: the port is missing"},
    {"{\"listen\": \":8470\"}", "listen: \":8470\" is not host:port: the host is missing"},
    {"{\"listen\": \"::1:8470\"}", "listen: \"::1:8470\" is not host:port: an IPv6 address "
                                   "needs brackets, like [::1]:8470"},
    {"{\"listen\": \"[::1]8470\"}", "listen: \"[::1]8470\" is not host:port: an IPv6 address is "
                                    "written [address]:port"},
    {"{\"listen\": \"[::g]:1\"}", "listen: \"[::g]:1\" is not host:port: [::g] is not an IPv6"},
    {"{\"listen\": \"127.0.0.1:70000\"}", "port 70000 is out of range (0 to 65535)"},
    {"{\"listen\": \"127.0.0.1:\"}", "the port must be a number from 0 to 65535"},
    {"{\"listen\": \"127.0.0.1:8a\"}", "the port must be a number from 0 to 65535"},
    {"{\"listen\": \"300.0.0.1:80\"}", "listen: \"300.0.0.1:80\" is not host:port: 300.0.0.1 "
                                       "is not an IPv4 address"},
    {"{\"listen\": \"bad_host:80\"}", "\"bad_host\" is not a host name or an IP address"},
    {"{\"listen\": \"-a.b:80\"}", "\"-a.b\" is not a host name or an IP address"},
    {"{\"listen\": \"a..b:80\"}", "\"a..b\" is not a host name or an IP address"},
    {"{\"workflow\": []}", "config: workflow: expected a string, got an array"},
    {"{\"log_level\": \"verbose\"}",
     "config: log_level: \"verbose\" is not a log level (debug, info, warn, error)"},
    {"{\"log_level\": 1}", "config: log_level: expected a log level, got a number"},

    /* deadlines */
    {"{\"deadlines\": \"90d\"}", "config: deadlines: expected an object ({...}), got a string"},
    {"{\"deadlines\": {\"reply\": \"90x\"}}",
     "config: deadlines.reply: \"90x\" is not a duration (use <number><unit>, units ms s m h d)"},
    {"{\"deadlines\": {\"return\": \"10\"}}", "config: deadlines.return: \"10\" is not a duration"},
    {"{\"deadlines\": {\"rehandle\": 30}}",
     "config: deadlines.rehandle: expected a duration such as \"90d\" or \"10s\", got a number"},
    {"{\"deadlines\": {\"max\": \"0d\"}}",
     "config: deadlines.max: \"0d\" must be longer than zero"},
    {"{\"deadlines\": {\"feedback\": \"-1d\"}}", "deadlines.feedback: \"-1d\" is not a duration"},
    {"{\"deadlines\": {\"reply\": \"36501d\", \"max\": \"36501d\"}}",
     "deadlines.reply: \"36501d\" is too long (at most 36500d)"},
    {"{\"limits\": {\"idle_timeout\": \"106751991167d\"}}",
     "limits.idle_timeout: \"106751991167d\" is too long (at most 36500d)"},
    {"{\"deadlines\": {\"reply\": \"9999999999999d\"}}",
     "deadlines.reply: \"9999999999999d\" is too long (at most 36500d)"},
    {"{\"limits\": {\"header_timeout\": \"99999999999999999999ms\"}}",
     "limits.header_timeout: \"99999999999999999999ms\" is too long (at most 36500d)"},
    {"{\"deadlines\": {\"remind_before\": \"7 d\"}}",
     "deadlines.remind_before: \"7 d\" is not a duration"},
    {"{\"deadlines\": {\"Reply\": \"1d\"}}", "config: unknown key \"deadlines.Reply\" (known keys "
                                             "here: reply, return, rehandle, max, feedback, "
                                             "remind_before, digest_at)"},
    {"{\"deadlines\": {\"digest_at\": \"25:00\"}}",
     "config: deadlines.digest_at: \"25:00\" is not a time of day"},
    {"{\"deadlines\": {\"digest_at\": \"08:30x\"}}",
     "config: deadlines.digest_at: \"08:30x\" is not a time of day (use \"08:30\" or "
     "\"08:30:00\"), "
     "or null for none"},
    {"{\"deadlines\": {\"digest_at\": \"08:30am\"}}",
     "config: deadlines.digest_at: \"08:30am\" is not a time of day"},
    {"{\"deadlines\": {\"digest_at\": 830}}",
     "config: deadlines.digest_at: 830 is not a time of day"},
    /* Two digits each, and nothing else: a space, a sign or a lone digit
     * was read as a number by sscanf ("08:+5" taken as 08:05). */
    {"{\"deadlines\": {\"digest_at\": \" 8:30\"}}",
     "config: deadlines.digest_at: \" 8:30\" is not a time of day"},
    {"{\"deadlines\": {\"digest_at\": \"+8:30\"}}",
     "config: deadlines.digest_at: \"+8:30\" is not a time of day"},
    {"{\"deadlines\": {\"digest_at\": \"08:+5\"}}",
     "config: deadlines.digest_at: \"08:+5\" is not a time of day"},
    {"{\"deadlines\": {\"digest_at\": \"08:30: 1\"}}",
     "config: deadlines.digest_at: \"08:30: 1\" is not a time of day"},
    {"{\"deadlines\": {\"digest_at\": \"08:-0\"}}",
     "config: deadlines.digest_at: \"08:-0\" is not a time of day"},
    {"{\"deadlines\": {\"max\": \"30d\"}}",
     "config: deadlines.max: 30d is shorter than deadlines.reply (90d)"},
    {"{\"deadlines\": {\"rehandle\": \"200d\"}}",
     "config: deadlines.max: 180d is shorter than deadlines.rehandle (200d); the cap on "
     "extensions must be at least the rehandling deadline"},

    /* tokens */
    {"{\"tokens\": {}}",
     "config: tokens: expected an array of {name, role, sha256}, got an object"},
    {"{\"tokens\": [\"x\"]}", "config: tokens[0]: expected a token {name, role, sha256} ({...}), "
                              "got a string"},
    {"{\"tokens\": [{\"name\": \"a\", \"role\": \"viewer\", \"sha256\": "
     "\"0000000000000000000000000000000000000000000000000000000000000000\"}, "
     "{\"name\": \"b\", \"role\": \"root\", \"sha256\": "
     "\"1111111111111111111111111111111111111111111111111111111111111111\"}]}",
     "config: tokens[1].role: \"root\" is not a role (viewer, clerk, unit, delegate, admin)"},
    /* unit and delegate are bound, and only they are. */
    {"{\"tokens\": [{\"name\": \"a\", \"role\": \"unit\", \"sha256\": "
     "\"0000000000000000000000000000000000000000000000000000000000000000\"}]}",
     "config: tokens[0]: \"unit\" is missing: role unit answers for one unit"},
    {"{\"tokens\": [{\"name\": \"a\", \"role\": \"delegate\", \"sha256\": "
     "\"0000000000000000000000000000000000000000000000000000000000000000\"}]}",
     "config: tokens[0]: \"person\" is missing"},
    {"{\"tokens\": [{\"name\": \"a\", \"role\": \"clerk\", \"unit\": \"财政部\", \"sha256\": "
     "\"0000000000000000000000000000000000000000000000000000000000000000\"}]}",
     "config: tokens[0].unit: only role unit is bound to a unit (this one is clerk)"},
    {"{\"tokens\": [{\"name\": \"a\", \"role\": \"unit\", \"unit\": \"财政部\", "
     "\"person\": \"张三\", \"sha256\": "
     "\"0000000000000000000000000000000000000000000000000000000000000000\"}]}",
     "config: tokens[0].person: only role delegate is bound to a person (this one is unit)"},
    {"{\"socket_users\": {\"1000\": {\"name\": \"a\", \"role\": \"delegate\"}}}",
     "config: socket_users.1000: \"person\" is missing"},
    {"{\"socket_users\": {\"1000\": {\"name\": \"a\", \"role\": \"viewer\", \"person\": "
     "\"张三\"}}}",
     "config: socket_users.1000.person: only role delegate is bound to a person"},
    {"{\"tokens\": [{\"name\": \"a\", \"role\": \"viewer\", \"sha256\": \"abc\"}]}",
     "config: tokens[0].sha256: \"abc\" is not a SHA-256 in hex (64 hex digits; make one with "
     "printf %s TOKEN | sha256sum)"},
    {"{\"tokens\": [{\"name\": \"a\", \"role\": \"viewer\", \"sha256\": "
     "\"000000000000000000000000000000000000000000000000000000000000000g\"}]}",
     "tokens[0].sha256: \"000000000000000000000000000000000000000000000000000000000000000g\" is "
     "not a SHA-256 in hex"},
    {"{\"tokens\": [{\"name\": \"a\", \"role\": \"viewer\", \"sha256\": 1}]}",
     "tokens[0].sha256: expected 64 hex digits, got a number"},
    {"{\"tokens\": [{\"name\": \"a\", \"role\": \"viewer\"}]}",
     "config: tokens[0]: \"sha256\" is missing"},
    {"{\"tokens\": [{\"role\": \"viewer\", \"sha256\": "
     "\"0000000000000000000000000000000000000000000000000000000000000000\"}]}",
     "config: tokens[0]: \"name\" is missing"},
    {"{\"tokens\": [{\"name\": \"\", \"role\": \"viewer\", \"sha256\": "
     "\"0000000000000000000000000000000000000000000000000000000000000000\"}]}",
     "config: tokens[0].name: must not be empty"},
    {"{\"tokens\": [{\"name\": \"a\", \"role\": \"viewer\", \"sha256\": "
     "\"0000000000000000000000000000000000000000000000000000000000000000\", \"nmae\": 1}]}",
     "config: unknown key \"tokens[0].nmae\" (known keys here: name, role, sha256, unit, person)"},
    {"{\"tokens\": [{\"name\": \"报表机\", \"role\": \"viewer\", \"sha256\": "
     "\"0000000000000000000000000000000000000000000000000000000000000000\"}, "
     "{\"name\": \"报表机\", \"role\": \"clerk\", \"sha256\": "
     "\"1111111111111111111111111111111111111111111111111111111111111111\"}]}",
     "config: tokens[1].name: \"报表机\" is already the name of tokens[0]"},
    {"{\"tokens\": [{\"name\": \"a\", \"role\": \"viewer\", \"sha256\": "
     "\"abababababababababababababababababababababababababababababababab\"}, "
     "{\"name\": \"b\", \"role\": \"clerk\", \"sha256\": "
     "\"ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB\"}]}",
     "config: tokens[1].sha256: the same token as tokens[0]"},

    /* socket_users */
    {"{\"socket_users\": []}", "config: socket_users: expected an object {\"<uid>\": {name, "
                               "role}}, got an array"},
    {"{\"socket_users\": {\"wang\": {\"name\": \"王\", \"role\": \"clerk\"}}}",
     "config: socket_users: \"wang\" is not a uid (use the numeric user id, like \"1000\""},
    {"{\"socket_users\": {\"-1\": {\"name\": \"王\", \"role\": \"clerk\"}}}",
     "config: socket_users: \"-1\" is not a uid"},
    {"{\"socket_users\": {\"4294967295\": {\"name\": \"王\", \"role\": \"clerk\"}}}",
     "config: socket_users: \"4294967295\" is not a uid"},
    {"{\"socket_users\": {\"\": {\"name\": \"王\", \"role\": \"clerk\"}}}",
     "config: socket_users: \"\" is not a uid"},
    {"{\"socket_users\": {\"1000\": {\"name\": \"王秘书\", \"role\": \"unit\"}}}",
     "config: socket_users.1000: \"unit\" is missing: role unit answers for one unit"},
    {"{\"socket_users\": {\"1000\": {\"name\": \"王秘书\", \"role\": \"chief\"}}}",
     "config: socket_users.1000.role: \"chief\" is not a role (viewer, clerk, unit, delegate, "
     "admin)"},
    {"{\"socket_users\": {\"1000\": {\"role\": \"clerk\"}}}",
     "config: socket_users.1000: \"name\" is missing"},
    {"{\"socket_users\": {\"1000\": \"王秘书\"}}",
     "config: socket_users.1000: expected a user {name, role} ({...}), got a string"},
    {"{\"socket_users\": {\"1000\": {\"name\": \"王\", \"role\": \"clerk\", \"uid\": 1}}}",
     "config: unknown key \"socket_users.1000.uid\" (known keys here: name, role, unit, person)"},
    {"{\"socket_users\": {\"1000\": {\"name\": \"a\", \"role\": \"clerk\"}, "
     "\"01000\": {\"name\": \"b\", \"role\": \"clerk\"}}}",
     "config: socket_users.01000: uid 1000 is given twice"},

    /* categories and plugins */
    {"{\"categories\": \"教育\"}",
     "config: categories: expected an array of category names or null, got a string"},
    {"{\"categories\": []}", "config: categories: an empty list would allow no category"},
    {"{\"categories\": [\"教育\", 5]}",
     "config: categories[1]: expected a category name, got a number"},
    {"{\"categories\": [\"教育\", \"\"]}", "config: categories[1]: must not be empty"},
    {"{\"categories\": [\"教育\", \"医疗\", \"教育\"]}",
     "config: categories[2]: \"教育\" is already categories[0]"},
    {"{\"tokens\": [{\"name\": \"a\", \"role\": \"unit\", \"unit\": \"\\u3000\", \"sha256\": "
     "\"0000000000000000000000000000000000000000000000000000000000000000\"}]}",
     "config: tokens[0].unit: blank: it would name nobody"},
    /* Kept without the spaces around them, as a proposal's category is. */
    {"{\"categories\": [\"教育\", \" 教育\\u3000\"]}",
     "config: categories[1]: \"教育\" is already categories[0]"},
    {"{\"categories\": [\"教育\", \"\\u3000 \"]}", "config: categories[1]: a blank category name"},
    /* And without what a copy brought along, as a proposal's category. */
    {"{\"categories\": [\"生态环境\", \"\\u2f63态\\u200b环境\"]}",
     "config: categories[1]: \"生态环境\" is already categories[0]"},
    {"{\"plugins\": {}}", "config: plugins: expected an array of plugin objects, got an object"},
    {"{\"plugins\": [{}, \"x\"]}",
     "config: plugins[1]: expected a plugin object {instance, path, config}, got a string"},

    /* limits */
    {"{\"limits\": []}", "config: limits: expected an object ({...}), got an array"},
    {"{\"limits\": {\"bodyy\": 1}}", "config: unknown key \"limits.bodyy\" (known keys here: "
                                     "body, header, connections, header_timeout, idle_timeout, "
                                     "requests)"},
    {"{\"limits\": {\"body\": \"1XB\"}}",
     "config: limits.body: \"1XB\" is not a size (use bytes or <number><unit>, units B KiB MiB "
     "GiB KB MB GB)"},
    {"{\"limits\": {\"body\": \"0\"}}", "config: limits.body: must be at least 1 byte"},
    {"{\"limits\": {\"body\": -5}}", "config: limits.body: -5 is not a size"},
    {"{\"limits\": {\"body\": 1.5}}", "config: limits.body: 1.5 is not a size"},
    /* Too big is too big, whatever the form. */
    {"{\"limits\": {\"body\": \"18446744073709551615\"}}",
     "config: limits.body: \"18446744073709551615\" is too big (at most 9007199254740991 bytes)"},
    {"{\"limits\": {\"body\": 18446744073709551615}}",
     "config: limits.body: 1.84467440737096e+19 is too big (at most 9007199254740991 bytes)"},
    {"{\"limits\": {\"body\": 9007199254740992}}",
     "config: limits.body: 9007199254740992 is too big"},
    {"{\"limits\": {\"body\": \"9007199254740992\"}}",
     "config: limits.body: \"9007199254740992\" is too big"},
    {"{\"limits\": {\"header\": \"8388608GiB\"}}",
     "config: limits.header: \"8388608GiB\" is too big"},
    {"{\"limits\": {\"header\": \"99999999999999999999999999B\"}}",
     "config: limits.header: \"99999999999999999999999999B\" is too big"},
    {"{\"limits\": {\"body\": true}}", "config: limits.body: expected a size such as \"1MiB\" "
                                       "or a number of bytes, got a boolean"},
    {"{\"limits\": {\"header\": \"16 KiB\"}}", "config: limits.header: \"16 KiB\" is not a size"},
    {"{\"limits\": {\"connections\": 0}}",
     "config: limits.connections: 0 is not a whole number from 1 to 4294967295"},
    {"{\"limits\": {\"connections\": 2.5}}", "config: limits.connections: 2.5 is not a whole"},
    {"{\"limits\": {\"connections\": 1e10}}", "config: limits.connections: 10000000000 is not"},
    {"{\"limits\": {\"connections\": \"1024\"}}",
     "config: limits.connections: expected a number such as 1024, got a string"},
    {"{\"limits\": {\"header_timeout\": \"10\"}}",
     "config: limits.header_timeout: \"10\" is not a duration"},
    {"{\"limits\": {\"idle_timeout\": \"0s\"}}",
     "config: limits.idle_timeout: \"0s\" must be longer than zero"},
};

/* A configured category is kept as a proposal's (pt_label_clean), so that
 * a proposal's category, pasted or not, is one of the list: 交通运输 with a
 * zero-width space or a byte order mark a copy brought along is 交通运输,
 * ⽣态环境 with a Kangxi radical is 生态环境. */
static void categories_are_kept_as_a_proposals_category(void **state)
{
    pt_config_t c;
    pt_error_t err = {0};
    (void)state;
    if (load(&c, "{\"categories\": [\"\\ufeff交通运输\\u200b\", \"\\u2f63态环境\", \"Wi-Fi 6\"]}",
             &err) != 0)
        fail_msg("%s", err.message);
    assert_int_equal(c.n_categories, 3);
    assert_string_equal(c.categories[0], "交通运输");
    assert_string_equal(c.categories[1], "生态环境");
    assert_string_equal(c.categories[2], "Wi-Fi 6");
    pt_config_free(&c);
}

static void every_bad_value_names_its_key(void **state)
{
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        pt_config_t c;
        pt_error_t err = {0};
        int rc = load(&c, bad[i].json, &err);
        if (rc != PT_ECONFIG)
            fail_msg("case %zu %s: returned %d (%s)", i, bad[i].json, rc, err.message);
        if (strstr(err.message, bad[i].message) == NULL)
            fail_msg("case %zu %s:\n  got  %s\n  want %s", i, bad[i].json, err.message,
                     bad[i].message);
        pt_error_clear(&err);
        pt_config_free(&c);
    }
}

static void long_values_are_shortened_on_a_character_boundary(void **state)
{
    char json[4096], value[3000] = "";
    pt_config_t c;
    pt_error_t err = {0};

    for (int i = 0; i < 300; i++)
        strcat(value, "时");
    snprintf(json, sizeof(json), "{\"log_level\": \"%s\"}", value);
    assert_int_equal(load(&c, json, &err), PT_ECONFIG);
    assert_contains(err.message, "config: log_level: \"时时时");
    assert_contains(err.message, "...\" is not a log level");
    assert_true(strlen(err.message) < 300);
    pt_config_free(&c);
}

static void control_characters_in_keys_are_escaped_in_messages(void **state)
{
    pt_config_t c;
    pt_error_t err = {0};

    assert_int_equal(load(&c, "{\"a\\u001b[31mb\": 1}", &err), PT_ECONFIG);
    assert_contains(err.message, "unknown key \"a\\u001b[31mb\"");
    assert_null(strchr(err.message, 0x1b));
    pt_config_free(&c);
    /* A C1 control too: U+009B is a terminal's CSI. */
    assert_int_equal(load(&c, "{\"log_level\": \"a\\u009b2Jb\"}", &err), PT_ECONFIG);
    assert_contains(err.message, "\"a\\u009b2Jb\" is not a log level");
    assert_null(strstr(err.message, "\xc2\x9b"));
    pt_config_free(&c);
}

static void a_failed_reload_leaves_the_config_unchanged(void **state)
{
    static const char *const reloads[] = {
        "{\"data_dir\": \"/new\", \"limitz\": 1}",
        "{\"data_dir\": \"/new\", \"tokens\": [{\"name\": \"x\", \"role\": \"root\"}]}",
        "{\"data_dir\": \"/new\", \"categories\": [\"甲\", 1]}",
        "{\"data_dir\": \"/new\", \"socket_users\": {\"1\": {\"name\": \"n\"}}}",
        "{\"data_dir\": \"/new\", \"deadlines\": {\"reply\": \"1x\"}}",
        "{\"data_dir\": ",
        "",
    };
    const char *first =
        "{\"data_dir\": \"/old\", \"listen\": \"127.0.0.1:1\", \"categories\": [\"甲\"],"
        " \"tokens\": [{\"name\": \"t\", \"role\": \"clerk\", \"sha256\":"
        "   \"0000000000000000000000000000000000000000000000000000000000000000\"}],"
        " \"plugins\": [{\"instance\": \"a\", \"path\": \"a.so\"}], \"limits\": {\"connections\": "
        "7}}";
    pt_config_t c;
    pt_error_t err = {0};

    assert_int_equal(load(&c, first, &err), 0);
    pt_config_finish(&c);
    pt_config_t before = c;

    for (size_t i = 0; i < sizeof(reloads) / sizeof(reloads[0]); i++) {
        int rc = pt_config_load_json(&c, reloads[i], strlen(reloads[i]), &err);
        assert_int_equal(rc, PT_ECONFIG);
        /* The very same strings and arrays, not copies: nothing was freed
         * or replaced. */
        assert_memory_equal(&c, &before, sizeof(c));
        assert_string_equal(c.data_dir, "/old");
        assert_string_equal(c.socket, "/old/ptrack.sock");
        assert_string_equal(c.tokens[0].name, "t");
        assert_string_equal(c.categories[0], "甲");
        assert_int_equal(c.limits.max_connections, 7);
        pt_error_clear(&err);
    }

    assert_int_equal(pt_config_load_file(&c, "/nonexistent/ptrack.json", &err), PT_ECONFIG);
    assert_memory_equal(&c, &before, sizeof(c));
    pt_error_clear(&err);
    pt_config_free(&c);
}

static void a_successful_reload_starts_from_the_defaults(void **state)
{
    pt_config_t c;
    pt_error_t err = {0};

    assert_int_equal(load(&c,
                          "{\"data_dir\": \"/old\", \"categories\": [\"甲\"], "
                          "\"limits\": {\"connections\": 7}}",
                          &err),
                     0);
    pt_config_finish(&c);
    /* A key removed from the file goes back to its default; it does not
     * keep the value of the file before. */
    const char *next = "{\"listen\": \"localhost:0\"}";
    assert_int_equal(pt_config_load_json(&c, next, strlen(next), &err), 0);
    assert_string_equal(c.data_dir, "var");
    assert_null(c.socket);
    assert_null(c.categories);
    assert_int_equal(c.limits.max_connections, 1024);
    assert_string_equal(c.listen, "localhost:0");
    pt_config_free(&c);
}

static void file_errors_name_the_file_and_the_cause(void **state)
{
    char path[64], want[256];
    pt_config_t c;
    pt_error_t err = {0};

    pt_config_init(&c);
    assert_int_equal(pt_config_load_file(&c, "/nonexistent/ptrack.json", &err), PT_ECONFIG);
    snprintf(want, sizeof(want), "config /nonexistent/ptrack.json: cannot open: %s",
             strerror(ENOENT));
    assert_string_equal(err.message, want);
    pt_error_clear(&err);

    assert_int_equal(pt_config_load_file(&c, "/tmp", &err), PT_ECONFIG);
    snprintf(want, sizeof(want), "config /tmp: cannot read: %s", strerror(EISDIR));
    assert_string_equal(err.message, want);
    pt_error_clear(&err);

    /* Invalid JSON: the byte offset of the fault (the `}` at 13). */
    write_temp(path, sizeof(path), "{\"data_dir\": }");
    assert_int_equal(pt_config_load_file(&c, path, &err), PT_ECONFIG);
    snprintf(want, sizeof(want), "config %s: ", path);
    assert_int_equal(strncmp(err.message, want, strlen(want)), 0);
    assert_contains(err.message, "byte 13");
    pt_error_clear(&err);
    unlink(path);

    /* A bad value in a file: the file and the key. */
    write_temp(path, sizeof(path), "{\"deadlines\": {\"reply\": \"90x\"}}\n");
    assert_int_equal(pt_config_load_file(&c, path, &err), PT_ECONFIG);
    snprintf(want, sizeof(want),
             "config %s: deadlines.reply: \"90x\" is not a duration (use <number><unit>, "
             "units ms s m h d)",
             path);
    assert_string_equal(err.message, want);
    pt_error_clear(&err);
    unlink(path);

    write_temp(path, sizeof(path), "{\"limitz\": 1}");
    assert_int_equal(pt_config_load_file(&c, path, &err), PT_ECONFIG);
    snprintf(want, sizeof(want), "config %s: unknown key \"limitz\"", path);
    assert_contains(err.message, want);
    pt_error_clear(&err);
    unlink(path);

    /* A key given twice: the line and column of the second, as of any
     * other fault of the JSON. */
    write_temp(path, sizeof(path),
               "{\n  \"data_dir\": \"/srv/a\",\n  \"limits\": {\n    \"body\": \"1MiB\",\n"
               "    \"header\": \"16KiB\",\n    \"body\": \"2MiB\"\n  }\n}\n");
    assert_int_equal(pt_config_load_file(&c, path, &err), PT_ECONFIG);
    snprintf(want, sizeof(want),
             "config %s: invalid JSON at line 6, column 5 (byte 87): member \"body\" appears "
             "twice in the object at limits",
             path);
    assert_string_equal(err.message, want);
    pt_error_clear(&err);
    unlink(path);
    write_temp(path, sizeof(path),
               "{\n  \"data_dir\": \"/srv/a\",\n  \"log_level\": \"info\",\n  \"data_dir\": "
               "\"/srv/b\"\n}\n");
    assert_int_equal(pt_config_load_file(&c, path, &err), PT_ECONFIG);
    assert_contains(err.message, "invalid JSON at line 4, column 3 (byte 51): member \"data_dir\" "
                                 "appears twice in an object");
    pt_error_clear(&err);
    unlink(path);

    /* And a good file is read whole. */
    write_temp(path, sizeof(path), "{\"data_dir\": \"/srv/提案\"}");
    assert_int_equal(pt_config_load_file(&c, path, &err), 0);
    assert_string_equal(c.data_dir, "/srv/提案");
    unlink(path);
    pt_config_free(&c);
}

static void a_null_error_is_allowed(void **state)
{
    pt_config_t c;
    pt_config_init(&c);
    assert_int_equal(pt_config_load_json(&c, "{\"x\": 1}", 8, NULL), PT_ECONFIG);
    assert_int_equal(pt_config_load_json(&c, "{", 1, NULL), PT_ECONFIG);
    assert_int_equal(pt_config_load_file(&c, "/nonexistent/x", NULL), PT_ECONFIG);
    assert_string_equal(c.data_dir, "var");
    pt_config_free(&c);
}

static void host_names_take_names_and_bracketed_addresses(void **state)
{
    (void)state;
    pt_config_t c;
    pt_error_t err = {0};
    const char *json = "{\"host_names\": [\"ptrack.example.gov.cn\", \"PTRACK-2.local\", "
                       "\"my_host\", \"10.0.0.5\", \"[::1]\", \"[fe80::1]\", "
                       "\"xn--mxtq1m.xn--fiqs8s\"]}";
    if (load(&c, json, &err) != 0)
        fail_msg("%s", err.message);
    assert_int_equal(c.n_host_names, 7);
    assert_string_equal(c.host_names[4], "[::1]");
    pt_config_free(&c);
}

static void loopback_names_are_told_apart(void **state)
{
    (void)state;
    assert_true(pt_listen_is_loopback("localhost:8470"));
    assert_true(pt_listen_is_loopback("LOCALHOST:0"));
    assert_true(pt_listen_is_loopback("[::1]:8470"));
    /* ::1 spelt out is ::1 too. */
    assert_true(pt_listen_is_loopback("[0:0:0:0:0:0:0:1]:8470"));
    assert_true(pt_listen_is_loopback("[::0:1]:8470"));
    assert_false(pt_listen_is_loopback("[::]:8470"));
    assert_false(pt_listen_is_loopback("[::2]:8470"));
    assert_false(pt_listen_is_loopback("[fe80::1]:8470"));
    assert_true(pt_listen_is_loopback("127.0.0.2:8470"));
    assert_false(pt_listen_is_loopback("0.0.0.0:8470"));
    assert_false(pt_listen_is_loopback("localhost.example.com:8470"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_file_gives_every_default),
        cmocka_unit_test(empty_object_gives_every_default),
        cmocka_unit_test(socket_is_derived_from_data_dir),
        cmocka_unit_test(data_dir_flag_after_the_file_moves_the_default_socket),
        cmocka_unit_test(explicit_socket_is_kept),
        cmocka_unit_test(socket_path_may_be_as_long_as_the_kernel_allows),
        cmocka_unit_test(set_str_replaces_and_survives_its_own_value),
        cmocka_unit_test(sample_config_loads_with_every_key),
        cmocka_unit_test(every_value_is_read),
        cmocka_unit_test(listen_accepts_the_forms_the_server_takes),
        cmocka_unit_test(categories_are_kept_as_a_proposals_category),
        cmocka_unit_test(every_bad_value_names_its_key),
        cmocka_unit_test(long_values_are_shortened_on_a_character_boundary),
        cmocka_unit_test(control_characters_in_keys_are_escaped_in_messages),
        cmocka_unit_test(a_failed_reload_leaves_the_config_unchanged),
        cmocka_unit_test(a_successful_reload_starts_from_the_defaults),
        cmocka_unit_test(file_errors_name_the_file_and_the_cause),
        cmocka_unit_test(a_null_error_is_allowed),
        cmocka_unit_test(host_names_take_names_and_bracketed_addresses),
        cmocka_unit_test(loopback_names_are_told_apart),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
