/*
 * test_plugin_crash_lines.c - the lines plugin-crash.c writes when plugin
 * code ends ptrackd (a fatal signal, or exit()) are each written whole,
 * with one write(2): the other threads go on logging while the handler
 * runs, and a line written in pieces had their lines between its pieces,
 * where the operator (and a grep) no longer finds it.
 *
 * Each case runs in a child process whose stderr is one end of a
 * SOCK_SEQPACKET pair: each write(2) of the child arrives as one message,
 * so the parent sees where each write began and ended.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "plugins.h"

#define MAX_WRITES 64

typedef struct {
    char *msg[MAX_WRITES]; /* each write(2) of the child, NUL-terminated */
    size_t len[MAX_WRITES];
    int n;
    int status; /* of waitpid */
} child_t;

/* Runs body(arg) in a child whose stderr is a SOCK_SEQPACKET socket, and
 * gathers its writes until it ends. */
static void run_child(void (*body)(const char *), const char *arg, child_t *c)
{
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(sv[0]);
        struct rlimit none = {0, 0};
        (void)setrlimit(RLIMIT_CORE, &none); /* no core file of the crash */
        /* cmocka catches the fatal signals to report a crashed test: the
         * child's crash must end it, as it ends ptrackd. */
        static const int fatal[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
        for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
            signal(fatal[i], SIG_DFL);
        if (dup2(sv[1], STDERR_FILENO) < 0)
            _exit(90);
        close(sv[1]);
        body(arg);
        _exit(91); /* body ends the process itself */
    }
    close(sv[1]);
    memset(c, 0, sizeof(*c));
    for (;;) {
        char buf[3 * PT_LOG_LINE_MAX];
        ssize_t n = recv(sv[0], buf, sizeof(buf), 0);
        if (n <= 0)
            break;
        assert_true(c->n < MAX_WRITES);
        c->msg[c->n] = malloc((size_t)n + 1);
        assert_non_null(c->msg[c->n]);
        memcpy(c->msg[c->n], buf, (size_t)n);
        c->msg[c->n][n] = '\0';
        c->len[c->n] = (size_t)n;
        c->n++;
    }
    close(sv[0]);
    assert_int_equal(waitpid(pid, &c->status, 0), pid);
}

static void child_free(child_t *c)
{
    for (int i = 0; i < c->n; i++)
        free(c->msg[i]);
}

/* Each write is one whole line: it ends with the only newline it has. */
static void assert_whole_lines(const child_t *c)
{
    for (int i = 0; i < c->n; i++) {
        const char *nl = memchr(c->msg[i], '\n', c->len[i]);
        if (nl == NULL || nl != c->msg[i] + c->len[i] - 1)
            fail_msg("write %d of %d is not one whole line: \"%s\"", i + 1, c->n, c->msg[i]);
    }
}

static char data_dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(data_dir, sizeof(data_dir), "/tmp/pt-crash-lines.XXXXXX");
    assert_non_null(mkdtemp(data_dir));
    /* deliver() of im-crash crashed on event 7 once before. */
    char path[128];
    snprintf(path, sizeof(path), "%s/plugin-crashes", data_dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("im-crash 7\n", f);
    fclose(f);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof(path), "%s/plugin-crashes", data_dir);
    unlink(path);
    rmdir(data_dir);
    return 0;
}

/* A deliver() of instance im-crash (plugin arg) that crashes on event 7. */
static void crash_in_deliver(const char *plugin)
{
    pt_error_t err = {0};
    if (pt_plugin_crash_record_open(data_dir, &err) != PT_OK)
        _exit(92);
    pt_plugin_crash_install();
    pt_plugin_crash_enter("im-crash", plugin, "deliver()");
    pt_plugin_crash_event(7);
    raise(SIGSEGV);
}

static void crash_lines_are_whole(void **state)
{
    (void)state;
    child_t c;
    run_child(crash_in_deliver, "notify_crash", &c);
    assert_true(WIFSIGNALED(c.status));
    assert_int_equal(WTERMSIG(c.status), SIGSEGV);
    assert_whole_lines(&c);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.msg[0],
                        "ptrackd: SIGSEGV in the code of plugin notify_crash (instance im-crash), "
                        "in its deliver() of event 7; ptrackd ends. A bug of that plugin: run its "
                        "call under gdb or valgrind (docs/plugins.md, Testing it)\n");
    assert_string_equal(c.msg[1], "ptrackd: its deliver() has now crashed on that event 2 times: "
                                  "after the restart the event is dropped for that instance\n");
    /* ... and the crash is recorded after them. */
    char path[128], rec[64] = "";
    snprintf(path, sizeof(path), "%s/plugin-crashes", data_dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(rec, 1, sizeof(rec) - 1, f);
    fclose(f);
    rec[n] = '\0';
    assert_string_equal(rec, "im-crash 7\nim-crash 7\n");
    child_free(&c);
}

/* Under systemd's journal (stderr the stream JOURNAL_STREAM names), each
 * line is marked critical: a line without the mark is recorded at the
 * stream's default level, info. */
static void journal_on(void)
{
    struct stat st;
    char stream[64];
    if (fstat(STDERR_FILENO, &st) != 0)
        _exit(93);
    snprintf(stream, sizeof(stream), "%llu:%llu", (unsigned long long)st.st_dev,
             (unsigned long long)st.st_ino);
    setenv("JOURNAL_STREAM", stream, 1);
    if (!pt_log_detect_journal())
        _exit(94);
}

static void crash_in_deliver_journal(const char *plugin)
{
    journal_on();
    crash_in_deliver(plugin);
}

static void crash_lines_under_journal_are_critical(void **state)
{
    (void)state;
    child_t c;
    run_child(crash_in_deliver_journal, "notify_crash", &c);
    assert_true(WIFSIGNALED(c.status));
    assert_whole_lines(&c);
    assert_int_equal(c.n, 2);
    assert_memory_equal(c.msg[0], "<2>ptrackd: SIGSEGV in the code of plugin notify_crash", 54);
    assert_string_equal(c.msg[1], "<2>ptrackd: its deliver() has now crashed on that event 2 "
                                  "times: after the restart the event is dropped for that "
                                  "instance\n");
    child_free(&c);
}

/* A name too long for one line (a plugin's path, say) cuts the line at
 * PT_LOG_LINE_MAX bytes, on a character's boundary, with "...", as pt_log
 * does: still one write. */
static void crash_line_too_long_is_cut(void **state)
{
    (void)state;
    static char plugin[PT_LOG_LINE_MAX + 100];
    size_t o = 0;
    while (o + 3 < sizeof(plugin) - 1) {
        memcpy(plugin + o, "插", 3); /* three bytes each */
        o += 3;
    }
    plugin[o] = '\0';
    child_t c;
    run_child(crash_in_deliver, plugin, &c);
    assert_true(WIFSIGNALED(c.status));
    assert_whole_lines(&c);
    assert_int_equal(c.n, 2);
    assert_true(c.len[0] <= PT_LOG_LINE_MAX);
    assert_true(c.len[0] > PT_LOG_LINE_MAX - 8);
    assert_memory_equal(c.msg[0], "ptrackd: SIGSEGV in the code of plugin 插插", 45);
    assert_memory_equal(c.msg[0] + c.len[0] - 4, "...\n", 4);
    /* What precedes "..." is whole characters of the name. */
    size_t name = c.len[0] - 4 - strlen("ptrackd: SIGSEGV in the code of plugin ");
    assert_int_equal(name % 3, 0);
    assert_string_equal(c.msg[1], "ptrackd: its deliver() has now crashed on that event 2 times: "
                                  "after the restart the event is dropped for that instance\n");
    child_free(&c);
}

/* Plugin code that calls exit(). */
static void exit_in_import(const char *plugin)
{
    pt_plugin_crash_install();
    pt_plugin_crash_enter("oa", plugin, "import()");
    exit(3);
}

static void exit_line_is_whole(void **state)
{
    (void)state;
    child_t c;
    run_child(exit_in_import, "import_oa", &c);
    assert_true(WIFEXITED(c.status));
    assert_int_equal(WEXITSTATUS(c.status), 3);
    assert_whole_lines(&c);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.msg[0],
                        "ptrackd: plugin import_oa (instance oa), in its import(), called exit(); "
                        "ptrackd ends without stopping cleanly. A bug of that plugin: a plugin "
                        "returns an error code, it never exits (docs/plugins.md)\n");
    child_free(&c);
}

static void exit_in_import_journal(const char *plugin)
{
    journal_on();
    exit_in_import(plugin);
}

static void exit_line_under_journal_is_critical(void **state)
{
    (void)state;
    child_t c;
    run_child(exit_in_import_journal, "import_oa", &c);
    assert_true(WIFEXITED(c.status));
    assert_int_equal(c.n, 1);
    assert_memory_equal(c.msg[0], "<2>ptrackd: plugin import_oa (instance oa)", 42);
    child_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(crash_lines_are_whole, setup, teardown),
        cmocka_unit_test_setup_teardown(crash_line_too_long_is_cut, setup, teardown),
        cmocka_unit_test_setup_teardown(exit_line_is_whole, setup, teardown),
        cmocka_unit_test_setup_teardown(crash_lines_under_journal_are_critical, setup, teardown),
        cmocka_unit_test_setup_teardown(exit_line_under_journal_is_critical, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
