/*
 * test_config_log.c - the log: its line format, the level filter, that
 * lines from many threads never mix, and that the warning about root's
 * role in socket_users is said once for what a file newly says.
 *
 * Each test points stderr at a temporary file, logs, and then reads back
 * what pt_log() wrote there. Reading it back also gives stderr back, so that
 * cmocka's messages about a failed assertion (which go to stderr) are seen
 * rather than written into the capture.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "json-strict.h"
#include "log.h"
#include "timefmt.h"

#define LINE_RE "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z "

typedef struct {
    char path[64];
    int saved_stderr;
} capture_t;

static int capture_start(void **state)
{
    capture_t *cap = calloc(1, sizeof(*cap));
    assert_non_null(cap);
    snprintf(cap->path, sizeof(cap->path), "/tmp/pt-test-log-XXXXXX");
    int fd = mkstemp(cap->path);
    assert_true(fd >= 0);
    /* O_APPEND, as a service manager's log file would be opened: every
     * write lands whole at the end, whichever thread makes it. */
    assert_int_equal(fcntl(fd, F_SETFL, O_APPEND), 0);
    cap->saved_stderr = dup(STDERR_FILENO);
    assert_true(cap->saved_stderr >= 0);
    assert_true(dup2(fd, STDERR_FILENO) >= 0);
    close(fd);
    pt_log_set_level(PT_LOG_DEBUG);
    *state = cap;
    return 0;
}

static void restore_stderr(capture_t *cap)
{
    if (cap->saved_stderr >= 0) {
        dup2(cap->saved_stderr, STDERR_FILENO);
        close(cap->saved_stderr);
        cap->saved_stderr = -1;
    }
}

static int capture_stop(void **state)
{
    capture_t *cap = *state;
    restore_stderr(cap);
    unlink(cap->path);
    free(cap);
    pt_log_set_level(PT_LOG_INFO);
    return 0;
}

/* Ends the capture and returns what was written. Ownership: the caller
 * frees. */
static char *captured(void **state, size_t *len)
{
    capture_t *cap = *state;
    restore_stderr(cap);
    FILE *f = fopen(cap->path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    if (len != NULL)
        *len = (size_t)n;
    return buf;
}

static void assert_matches(const char *text, const char *re)
{
    regex_t rx;
    assert_int_equal(regcomp(&rx, re, REG_EXTENDED | REG_NOSUB), 0);
    int rc = regexec(&rx, text, 0, NULL, 0);
    regfree(&rx);
    if (rc != 0)
        fail_msg("\"%s\" does not match /%s/", text, re);
}

static void a_line_has_utc_time_level_and_message(void **state)
{
    time_t before = time(NULL);
    pt_info("提案 %d 已交办给%s", 7, "市住建局");
    time_t after = time(NULL);

    char *out = captured(state, NULL);
    assert_matches(out, LINE_RE "INFO  提案 7 已交办给市住建局\n$");

    /* The stamp is UTC and now: parsed back, it falls between the two
     * readings of the clock around the call. */
    char stamp[32];
    memcpy(stamp, out, 24);
    stamp[24] = '\0';
    int64_t ms;
    assert_int_equal(pt_time_parse(stamp, &ms), 0);
    assert_true(ms >= (int64_t)before * 1000);
    assert_true(ms < ((int64_t)after + 1) * 1000);
    free(out);
}

static void each_level_has_its_tag_aligned(void **state)
{
    pt_debug("d");
    pt_info("i");
    pt_warn("w");
    pt_error("e");
    char *out = captured(state, NULL);
    assert_matches(out, LINE_RE "DEBUG d\n"
                                "[^\n]{24} INFO  i\n"
                                "[^\n]{24} WARN  w\n"
                                "[^\n]{24} ERROR e\n$");
    free(out);
}

static void lines_below_the_level_are_dropped(void **state)
{
    pt_log_set_level(PT_LOG_WARN);
    pt_debug("不该出现 debug");
    pt_info("不该出现 info");
    pt_warn("出现 warn");
    /* A value outside the enum leaves the level as it was. */
    pt_log_set_level((pt_log_level_t)99);
    pt_info("仍然不该出现");
    pt_error("出现 error");
    char *out = captured(state, NULL);
    assert_null(strstr(out, "不该出现"));
    assert_non_null(strstr(out, "WARN  出现 warn\n"));
    assert_non_null(strstr(out, "ERROR 出现 error\n"));
    free(out);
}

static void a_message_stays_on_one_line(void **state)
{
    pt_warn("path %s", "/v1/proposals\n2026-01-01T00:00:00.000Z ERROR forged\r\x1b[2J");
    size_t len;
    char *out = captured(state, &len);
    /* Exactly one newline, at the end: a forged second entry cannot be
     * smuggled in, control characters become spaces, the rest is kept. */
    assert_ptr_equal(strchr(out, '\n'), out + len - 1);
    assert_null(strchr(out, '\r'));
    assert_null(strchr(out, 0x1b));
    assert_non_null(strstr(out, "path /v1/proposals 2026-01-01T00:00:00.000Z ERROR forged  [2J\n"));
    free(out);
}

static void a_c1_control_is_blanked_too(void **state)
{
    /* U+0085 (NEL) breaks a line for some readers, U+009B (CSI) starts a
     * terminal's escape sequence: in UTF-8, C2 85 and C2 9B. Each becomes
     * one space; the Chinese around them, whose bytes are no controls, is
     * kept. */
    pt_info("root made token \"%s\" (role viewer)", "a\xc2\x85"
                                                    "b\xc2\x9b"
                                                    "2J议\xc2\xa0"
                                                    "c");
    size_t len;
    char *out = captured(state, &len);
    assert_ptr_equal(strchr(out, '\n'), out + len - 1);
    assert_null(strstr(out, "\xc2\x85"));
    assert_null(strstr(out, "\xc2\x9b"));
    /* U+00A0 (C2 A0) is no control and is kept. */
    assert_non_null(strstr(out, "root made token \"a b 2J议\xc2\xa0"
                                "c\" (role viewer)\n"));
    assert_true(pt_utf8_valid(out, len));
    free(out);
}

static void the_line_and_paragraph_separators_are_blanked(void **state)
{
    /* U+2028 and U+2029 (E2 80 A8, E2 80 A9) end a line for viewers that
     * follow Unicode's line breaking; U+2026 (E2 80 A6, the ellipsis)
     * beside them is kept. */
    pt_info("unit \"%s\" named", "甲\xe2\x80\xa8"
                                 "乙\xe2\x80\xa9"
                                 "丙\xe2\x80\xa6");
    size_t len;
    char *out = captured(state, &len);
    assert_ptr_equal(strchr(out, '\n'), out + len - 1);
    assert_null(strstr(out, "\xe2\x80\xa8"));
    assert_null(strstr(out, "\xe2\x80\xa9"));
    assert_non_null(strstr(out, "unit \"甲 乙 丙\xe2\x80\xa6\" named\n"));
    assert_true(pt_utf8_valid(out, len));
    free(out);
}

static void a_long_message_is_cut_on_a_character_boundary(void **state)
{
    /* 3000 three-byte characters: far over one line's 4096 bytes. */
    size_t n = 3000 * 3;
    char *msg = malloc(n + 1);
    assert_non_null(msg);
    for (size_t i = 0; i < n; i += 3)
        memcpy(msg + i, "议", 3);
    msg[n] = '\0';
    pt_info("%s", msg);
    pt_info("next");
    free(msg);

    size_t len;
    char *out = captured(state, &len);
    char *nl = strchr(out, '\n');
    assert_non_null(nl);
    size_t first = (size_t)(nl - out) + 1;
    assert_true(first <= 4096);
    assert_true(first > 4000);
    assert_true(pt_utf8_valid(out, len));
    assert_memory_equal(nl - 3, "...", 3);
    assert_matches(nl + 1, LINE_RE "INFO  next\n$");
    free(out);
}

static void logging_keeps_errno(void **state)
{
    errno = ENOENT;
    pt_error("打开失败");
    int after = errno;
    char *out = captured(state, NULL);
    assert_int_equal(after, ENOENT);
    assert_non_null(strstr(out, "ERROR 打开失败\n"));
    free(out);
}

#define THREADS 8
#define LINES 400

static void *log_many(void *arg)
{
    int id = (int)(intptr_t)arg;
    for (int i = 0; i < LINES; i++)
        pt_info("线程 %d 第 %d 行 %s", id, i,
                "人大代表建议、批评和意见的办理情况，由承办单位在交办之日起三个月内答复代表");
    return NULL;
}

static void lines_from_many_threads_never_mix(void **state)
{
    pthread_t t[THREADS];
    int started = 0;
    for (int i = 0; i < THREADS; i++)
        started += pthread_create(&t[i], NULL, log_many, (void *)(intptr_t)i) == 0;
    for (int i = 0; i < started; i++)
        pthread_join(t[i], NULL);

    char *out = captured(state, NULL);
    assert_int_equal(started, THREADS);
    regex_t rx;
    assert_int_equal(regcomp(&rx,
                             LINE_RE "INFO  线程 [0-9]+ 第 [0-9]+ 行 人大代表建议、批评和意见的办理"
                                     "情况，由承办单位在交办之日起三个月内答复代表$",
                             REG_EXTENDED | REG_NOSUB),
                     0);
    int lines = 0;
    int seen[THREADS] = {0};
    for (char *save = NULL, *line = strtok_r(out, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        if (regexec(&rx, line, 0, NULL, 0) != 0)
            fail_msg("a mixed line: %s", line);
        int id = atoi(strstr(line, "线程 ") + strlen("线程 "));
        assert_true(id >= 0 && id < THREADS);
        seen[id]++;
        lines++;
    }
    regfree(&rx);
    assert_int_equal(lines, THREADS * LINES);
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(seen[i], LINES);
    free(out);
}

/* The number of times s holds needle. */
static int occurrences(const char *s, const char *needle)
{
    int n = 0;
    for (const char *at = strstr(s, needle); at; at = strstr(at + 1, needle))
        n++;
    return n;
}

/* A configuration whose socket_users has only root's entry, with this
 * role and name (NULL: an entry without a name, as a config made in code
 * may hold). */
static void root_config(pt_config_t *c, pt_socket_user_t *u, pt_role_t role, char *name)
{
    pt_config_init(c);
    *u = (pt_socket_user_t){.uid = 0, .name = name, .role = role};
    c->socket_users = u;
    c->n_socket_users = 1;
}

/* Frees what pt_config_init made; the entry is the caller's. */
static void root_config_free(pt_config_t *c)
{
    c->socket_users = NULL;
    c->n_socket_users = 0;
    pt_config_free(c);
}

static void root_role_is_said_only_when_new(void **state)
{
    pt_config_t first, again, named, other;
    pt_socket_user_t u1, u2, u3, u4;
    root_config(&first, &u1, PT_ROLE_CLERK, NULL);
    root_config(&again, &u2, PT_ROLE_CLERK, NULL);
    root_config(&named, &u3, PT_ROLE_CLERK, "王秘书");
    root_config(&other, &u4, PT_ROLE_VIEWER, "王秘书");

    pt_config_warn_root_role(&first, NULL, "a.json");   /* a start: said */
    pt_config_warn_root_role(&again, &first, "a.json"); /* the same, no name: not */
    pt_config_warn_root_role(&again, &again, "a.json");
    pt_config_warn_root_role(&named, &again, "a.json"); /* a name now: said */
    pt_config_warn_root_role(&named, &named, "a.json"); /* the same: not */
    pt_config_warn_root_role(&again, &named, "a.json"); /* the name gone: said */
    pt_config_warn_root_role(&other, &named, "a.json"); /* another role: said */
    char *out = captured(state, NULL);
    assert_int_equal(occurrences(out, "root is always admin on the socket"), 4);
    assert_int_equal(occurrences(out, "the role clerk is not used"), 3);
    assert_int_equal(occurrences(out, "the role viewer is not used"), 1);
    free(out);
    root_config_free(&first);
    root_config_free(&again);
    root_config_free(&named);
    root_config_free(&other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_line_has_utc_time_level_and_message, capture_start,
                                        capture_stop),
        cmocka_unit_test_setup_teardown(each_level_has_its_tag_aligned, capture_start,
                                        capture_stop),
        cmocka_unit_test_setup_teardown(lines_below_the_level_are_dropped, capture_start,
                                        capture_stop),
        cmocka_unit_test_setup_teardown(a_message_stays_on_one_line, capture_start, capture_stop),
        cmocka_unit_test_setup_teardown(the_line_and_paragraph_separators_are_blanked,
                                        capture_start, capture_stop),
        cmocka_unit_test_setup_teardown(a_c1_control_is_blanked_too, capture_start, capture_stop),
        cmocka_unit_test_setup_teardown(a_long_message_is_cut_on_a_character_boundary,
                                        capture_start, capture_stop),
        cmocka_unit_test_setup_teardown(logging_keeps_errno, capture_start, capture_stop),
        cmocka_unit_test_setup_teardown(lines_from_many_threads_never_mix, capture_start,
                                        capture_stop),
        cmocka_unit_test_setup_teardown(root_role_is_said_only_when_new, capture_start,
                                        capture_stop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
