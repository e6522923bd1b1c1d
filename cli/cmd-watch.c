/*
 * cmd-watch.c - `ptrack watch`: follow the change feed as it happens.
 *
 * The feed is GET /v1/events?after=SEQ&wait=30, a long poll: ptrackd answers
 * as soon as there is an event after SEQ, or with no items after 30 seconds,
 * and watch asks again from the last seq it has seen. Because seq is durable
 * and increasing, a watch that loses its connection (ptrackd restarting) can
 * pick up exactly where it stopped, which it does, with a growing pause
 * between attempts. Ctrl-C (SIGINT) or SIGTERM ends it cleanly with exit 0.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "json.h"
#include "labels.h"
#include "times.h"
#include "width.h"

#define WAIT_SECONDS 30
/* An event of a proposal takes two lines, so that each fits LINE_WIDTH:
 * the time, seq, type, id and title, and below, under the type (at this
 * indent), the state, the action and who did it. The title takes the rest
 * of the first line. */
#define SECOND_LINE_INDENT 29
/* "状态变更 status_changed", the widest type with its label. */
#define TYPE_WIDTH 23
/* A state change of the default workflow is at most 16 columns
 * (已答复→重新办理), an action with its code 18 (重新交办 reassign); a
 * longer one of an office's workflow shifts the rest of its line. */
#define STATE_WIDTH 16
#define ACTION_WIDTH 18
/* The fewest columns the title is cut to (8 Chinese characters): the
 * columns before it take 62 of the line, which left it nothing but its …
 * on a narrow terminal; at 80 columns it has 18. */
#define TITLE_MIN 16
#define MAX_BACKOFF 30

static const pt_opt_t opts[] = {
    {"after", PT_OPT_VALUE, "SEQ",
     "start after this event seq (0: from the first event; default: from now)"},
    {0},
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* "status_changed" rather than "proposal.status_changed": every type has
 * the same prefix, and the line is short on room. */
static const char *short_type(const char *type)
{
    const char *dot = type ? strchr(type, '.') : NULL;
    return dot ? dot + 1 : type ? type : "?";
}

/* Appends col to line, then spaces up to width columns and two more (at
 * least the two when col is wider), and empties col. */
static void pad_column(pt_buf_t *line, pt_buf_t *col, size_t width)
{
    size_t w = pt_text_width(pt_buf_str(col));
    pt_buf_puts(line, pt_buf_str(col));
    pt_text_pad(line, (w < width ? width - w : 0) + 2);
    pt_buf_reset(col);
}

static void print_event(pt_cli_t *cli, const cJSON *ev)
{
    const cJSON *p = pt_json_get(ev, "proposal");
    const char *type = pt_json_str(ev, "type");
    const char *from = pt_json_str(ev, "from");
    const char *to = pt_json_str(ev, "to");
    const char *title = pt_json_str(p, "title");
    char at[40];
    pt_buf_t line = {0}, clean = {0};
    size_t w;

    pt_buf_printf(&line, "%s  %6.0f  ",
                  pt_time_show(pt_json_str(ev, "at"), PT_TIME_SECOND, at, sizeof at),
                  pt_json_num(ev, "seq", 0));
    /* "状态变更 status_changed", as the rest of the client writes a code
     * after its label; padded by display width to line up. */
    pt_buf_t kind = {0};
    pt_buf_printf(&kind, "%s %s", type ? pt_label_event(type) : "?", short_type(type));
    size_t kw = pt_text_width(pt_buf_str(&kind));
    pt_buf_puts(&line, pt_buf_str(&kind));
    pt_text_pad(&line, kw < TYPE_WIDTH ? TYPE_WIDTH - kw : 0);
    pt_buf_puts(&line, "  ");
    pt_buf_free(&kind);
    if (!cJSON_IsObject(p)) {
        /* An event of no proposal: what it says instead of a proposal. */
        const cJSON *data = pt_json_get(ev, "data");
        if (type && strcmp(type, "store.restored") == 0)
            pt_buf_printf(&line, "第 %.0f 至第 %.0f 号动态不在恢复后的数据中",
                          pt_json_num(data, "last_kept", 0) + 1,
                          pt_json_num(data, "last_given", 0));
        else if (type && strcmp(type, "digest.daily") == 0)
            pt_buf_printf(&line, "%s  逾期 %.0f 件，7日内到期 %.0f 件",
                          pt_json_str(data, "date") ? pt_json_str(data, "date") : "",
                          pt_json_num(data, "overdue_count", 0),
                          pt_json_num(data, "due_this_week_count", 0));
        printf("%s\n", pt_buf_str(&line));
        pt_buf_free(&line);
        return;
    }
    pt_buf_printf(&line, "#%-5.0f  ", pt_json_num(p, "id", 0));
    /* The title ends the line: cut to what is left of it, but not below
     * TITLE_MIN. */
    w = pt_text_width(pt_buf_str(&line));
    size_t width = pt_out_width();
    pt_text_clean(&clean, title ? title : "");
    pt_text_truncate(&line, pt_buf_str(&clean), w + TITLE_MIN <= width ? width - w : TITLE_MIN);
    pt_buf_putc(&line, '\n');
    size_t second = line.len;
    /* The state (or its change), what was done, and who did it, each in a
     * column of a fixed width, so that the actor lines up too; lines are
     * printed as events come, so the columns have fixed widths instead of
     * measured ones. */
    pt_text_pad(&line, SECOND_LINE_INDENT);
    pt_buf_t col = {0};
    if (from && to && strcmp(from, to) != 0) {
        pt_buf_printf(&col, "%s→%s", pt_label_state(cli, from), pt_label_state(cli, to));
    } else {
        const char *status = to ? to : pt_json_str(p, "status");
        if (status)
            pt_buf_puts(&col, pt_label_state(cli, status));
    }
    pad_column(&line, &col, STATE_WIDTH);
    /* Which action it was: an action that keeps the state (sign when
     * signed already, opinion, extend, supervise) would otherwise show
     * nothing but the state; and a proposal created may be an import's.
     * A reminder says the deadline instead. */
    const char *action = pt_json_str(ev, "action");
    if (type && (strcmp(type, "proposal.due_soon") == 0 || strcmp(type, "proposal.overdue") == 0)) {
        char due[40];
        pt_buf_printf(&col, "期限 %s",
                      pt_time_show(pt_json_str(p, "due_at"), PT_TIME_DATE, due, sizeof due));
    } else if (action && type &&
               (strcmp(type, "proposal.status_changed") == 0 || strcmp(action, "import") == 0)) {
        const char *zh = pt_label_action(cli, action);
        if (strcmp(zh, action) != 0)
            pt_buf_printf(&col, "%s %s", zh, action);
        else
            pt_buf_puts(&col, action);
    }
    pad_column(&line, &col, ACTION_WIDTH);
    /* Who: the name of the token or of the socket's user (a unit's
     * token says which unit signed or replied, which the event does not
     * say otherwise); ptrackd for its reminders. */
    const char *actor = pt_json_str(ev, "actor");
    if (actor) {
        /* The actor ends the line where it fits what is left of it. A
         * token's name may have 64 characters, 128 columns in Chinese, and
         * it is what token revoke takes: it is never cut. One wider than
         * what is left (a terminal of 80 columns leaves 13, a pipe 33)
         * goes whole on a line of its own below, under the state, or at
         * the margin where it is wider than that leaves; one wider than
         * the line even there wraps, between characters where it must. */
        pt_buf_reset(&clean);
        pt_text_clean(&clean, actor);
        w = pt_text_width(line.s + second);
        size_t aw = pt_text_width(pt_buf_str(&clean));
        if (w + aw <= width) {
            pt_buf_puts(&line, pt_buf_str(&clean));
        } else {
            while (line.len > second && line.s[line.len - 1] == ' ')
                line.s[--line.len] = '\0';
            pt_buf_putc(&line, '\n');
            if (SECOND_LINE_INDENT + aw <= width) {
                pt_text_pad(&line, SECOND_LINE_INDENT);
                pt_buf_puts(&line, pt_buf_str(&clean));
            } else {
                pt_text_wrap(&line, pt_buf_str(&clean), 2, width);
            }
        }
    }
    pt_buf_free(&col);
    while (line.len > 0 && (line.s[line.len - 1] == ' ' || line.s[line.len - 1] == '\n'))
        line.s[--line.len] = '\0';
    printf("%s\n", pt_buf_str(&line));
    pt_buf_free(&line);
    pt_buf_free(&clean);
}

/* What poll_once returns when the events could not be written out (a full
 * disk under watch >> events.log): not the exchange's fault, and not worth
 * another try. */
#define OUTPUT_FAILED (-1)
/* The answer is no page of the feed after the seq asked for (an event
 * whose seq is not after it, items that are not a list): said on stderr
 * already. Asking again would bring the same events again, for ever. */
#define BAD_FEED (-2)

/* Whether every item of a page asked for after `after` is an event after
 * it; if not, says why on stderr. */
static bool feed_page_ok(const cJSON *items, long long after)
{
    const char *why = NULL;
    char num[64];
    const cJSON *ev;
    const cJSON *list = items;
    if (items && !cJSON_IsArray(items)) {
        why = "its items are not a list";
        list = NULL;
    }
    cJSON_ArrayForEach(ev, list)
    {
        const cJSON *seq = pt_json_get(ev, "seq");
        if (!cJSON_IsNumber(seq)) {
            why = "an event has no number seq";
            break;
        }
        if (seq->valuedouble <= (double)after) {
            snprintf(num, sizeof num, "an event's seq, %.0f, is not after it", seq->valuedouble);
            why = num;
            break;
        }
    }
    if (why)
        fprintf(stderr,
                "ptrack: the answer to the events after seq %lld is no page of the feed: %s "
                "(is it ptrackd?)\n",
                after, why);
    return !why;
}

/* One poll. Returns the exit code of the exchange, or OUTPUT_FAILED; on
 * success the events are printed and *after moves past them. When *back
 * is true (ptrackd was away), a success first says that it is back and
 * where the feed goes on, before the events it brings, and clears *back. */
static int poll_once(pt_cli_t *cli, long long *after, int wait, long long limit, bool print,
                     bool *back, pt_response_t *resp, bool *more)
{
    char path[128];
    if (limit > 0)
        snprintf(path, sizeof path, "/v1/events?after=%lld&limit=%lld&wait=%d", *after, limit,
                 wait);
    else
        snprintf(path, sizeof path, "/v1/events?after=%lld&wait=%d", *after, wait);
    pt_request_opts_t o = {.timeout_s = wait + 30};
    *more = false;
    if (pt_client_request(pt_cli_client(cli), "GET", path, NULL, &o, resp) != 0)
        return PT_EXIT_CONNECT;
    if (resp->status < 200 || resp->status >= 300)
        return resp->status < 500 ? PT_EXIT_REFUSED : PT_EXIT_SERVER;
    if (!pt_cli_answer_ok(resp))
        return PT_EXIT_SERVER; /* not ptrackd's JSON: reported, then tried again */
    if (back && *back) {
        fprintf(stderr, "ptrack: connected to ptrackd again; continuing after seq %lld\n", *after);
        *back = false;
    }

    const cJSON *items = pt_json_get(resp->json, "items");
    if (!feed_page_ok(items, *after))
        return BAD_FEED;
    const cJSON *ev;
    long long last_item = -1;
    cJSON_ArrayForEach(ev, items)
    {
        long long seq = (long long)pt_json_num(ev, "seq", 0);
        if (print) {
            if (cli->json)
                pt_json_print_line(ev, stdout);
            else
                print_event(cli, ev);
        }
        if (seq > last_item)
            last_item = seq;
    }
    /* A pipe (watch | grep) must see each event now. Events that did not
     * reach the output are lost to its reader if watch goes on past them. */
    if (print && (fflush(stdout) != 0 || ferror(stdout)))
        return OUTPUT_FAILED;
    long long last_seq = (long long)pt_json_num(resp->json, "last_seq", -1);
    if (last_item >= 0) {
        /* Continue after what was actually received: last_seq may run ahead
         * of a page cut short by limit. */
        *after = last_item;
        *more = true;
    } else if (last_seq > *after) {
        *after = last_seq;
    }
    return PT_EXIT_OK;
}

/* Moves *after to the newest event without printing anything, so that watch
 * shows what happens from now on. GET /v1/health tells the feed's head as
 * last_seq; a daemon that does not is paged through instead (in the feed,
 * last_seq is the last seq of the page, not the head). */
static int skip_to_now(pt_cli_t *cli, long long *after)
{
    pt_response_t resp;
    if (pt_client_request(pt_cli_client(cli), "GET", "/v1/health", NULL, NULL, &resp) == 0 &&
        cJSON_IsNumber(pt_json_get(resp.json, "last_seq"))) {
        *after = (long long)pt_json_num(resp.json, "last_seq", 0);
        pt_response_free(&resp);
        return PT_EXIT_OK;
    }
    pt_response_free(&resp);
    for (;;) {
        bool more;
        long long before = *after;
        int rc = poll_once(cli, after, 0, 500, false, NULL, &resp, &more);
        if (rc != PT_EXIT_OK) {
            rc = rc == BAD_FEED ? PT_EXIT_SERVER : pt_cli_report(cli, &resp, NULL);
            pt_response_free(&resp);
            return rc;
        }
        pt_response_free(&resp);
        if (!more || *after == before || stop)
            return PT_EXIT_OK;
    }
}

/* Whether --after names a seq the feed has reached. No event past the
 * newest has been given out (a restored store numbers its events after
 * every seq given before), so such a seq is mistyped or of another
 * daemon, and watch would print nothing, whatever happens, until the feed
 * came to it, and then skip every event up to it. Refused as a usage
 * error, naming the newest seq. A daemon whose health does not tell its
 * head, or that cannot be asked, is left to the feed to answer. */
static int check_after(pt_cli_t *cli, long long after, const char *typed)
{
    pt_response_t resp;
    int rc = PT_EXIT_OK;
    if (pt_client_request(pt_cli_client(cli), "GET", "/v1/health", NULL, NULL, &resp) == 0 &&
        cJSON_IsNumber(pt_json_get(resp.json, "last_seq"))) {
        long long head = (long long)pt_json_num(resp.json, "last_seq", 0);
        if (after > head)
            rc = pt_cli_usage(cli,
                              "--after %s is past the newest event, seq %lld: no event has that "
                              "seq yet, and watch would print nothing until one had; give a seq "
                              "from 0 to %lld (ptrack health shows the newest), or leave --after "
                              "out to start from now",
                              typed, head, head);
    }
    pt_response_free(&resp);
    return rc;
}

/* Set when stdout's reader has gone and SIGPIPE would not end watch: run
 * then ends as a write that failed with EPIPE would. */
static volatile sig_atomic_t reader_gone;

/* Whether SIGPIPE is ignored or blocked, as whatever started watch may
 * leave it (a systemd service ignores it by default): a write to a pipe
 * with no reader then fails with EPIPE instead of ending the process. */
static bool sigpipe_held(void)
{
    struct sigaction sa;
    sigset_t mask;
    if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
        return true;
    return sigprocmask(SIG_BLOCK, NULL, &mask) == 0 && sigismember(&mask, SIGPIPE) == 1;
}

/* Ends watch as the write of its next event would, by SIGPIPE, when stdout
 * is a pipe or a socket whose reader has gone (ptrack watch | head -1,
 * | grep -m1, a socket's peer that closed it): else it would wait on, in
 * long polls that write nothing, until another event came, and the
 * pipeline would not end until then, or never. A pipe with no reader left
 * polls POLLERR; a stream socket whose peer closed it, POLLHUP. A peer
 * that only shut down its own writing (as journald does on a service's
 * stdout) still reads, and no POLLHUP is polled then: watch goes on.
 * Where SIGPIPE is ignored or blocked that write would fail with EPIPE,
 * and watch say so and end with exit 4: it stops, and run says so. */
static void end_if_reader_gone(void)
{
    static int pipe_out = -1;
    if (pipe_out < 0) {
        struct stat st;
        pipe_out = fstat(STDOUT_FILENO, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
    }
    struct pollfd p = {.fd = STDOUT_FILENO, .events = 0};
    if (pipe_out && poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP))) {
        if (sigpipe_held()) {
            reader_gone = 1;
            stop = 1;
            return;
        }
        signal(SIGPIPE, SIG_DFL);
        raise(SIGPIPE);
    }
}

/* Sleeps up to `seconds`, waking early when asked to stop. */
static void pause_for(int seconds)
{
    for (int i = 0; i < seconds * 10 && !stop; i++) {
        end_if_reader_gone();
        usleep(100 * 1000);
    }
}

/* Follows the feed until stopped; *after is the last seq seen. */
static int follow(pt_cli_t *cli, const pt_args_t *args, long long *after)
{
    const char *a = pt_args_value(args, "after");
    int rc = PT_EXIT_OK, backoff = 1;
    bool connected = true, back = false;

    /* Folded, as every number a person types (０ is 0). */
    if (a && pt_args_int(pt_input_fold(cli, a), after) != 0)
        return pt_cli_usage(cli, "--after takes an event seq (a number), not \"%s\"", a);

    pt_cli_catch_stop_signals(on_signal, false);
    pt_client_set_abort_flag(pt_cli_client(cli), &stop);
    pt_client_set_idle(pt_cli_client(cli), end_if_reader_gone);

    if (!a && (rc = skip_to_now(cli, after)) != PT_EXIT_OK)
        return stop ? PT_EXIT_OK : rc;
    if (a && (rc = check_after(cli, *after, a)) != PT_EXIT_OK)
        return rc;
    /* The state labels are fetched once now rather than in the middle of
     * the first event's line. */
    if (!cli->json)
        pt_cli_workflow(cli);

    while (!stop) {
        pt_response_t resp;
        bool more;
        back = !connected;
        long long before = *after;
        rc = poll_once(cli, after, WAIT_SECONDS, 0, true, &back, &resp, &more);
        if (rc == OUTPUT_FAILED) {
            /* Stop, so that whatever runs watch sees the failure and can
             * go on from the last seq known written. */
            fprintf(stderr,
                    "ptrack: writing the output: %s; the events after seq %lld were not "
                    "all written (ptrack watch --after %lld goes on from there)\n",
                    strerror(errno), before, before);
            pt_response_free(&resp);
            return PT_EXIT_SERVER;
        }
        if (rc == BAD_FEED) {
            pt_response_free(&resp);
            return PT_EXIT_SERVER;
        }
        if (rc == PT_EXIT_OK) {
            connected = true;
            backoff = 1;
        } else if (stop && resp.transport == PT_TRANSPORT_ABORTED) {
            rc = PT_EXIT_OK;
        } else if (rc == PT_EXIT_REFUSED || resp.transport == PT_TRANSPORT_BAD_URL) {
            /* A refusal (a bad seq, no permission) or an address that is
             * not one will not change by asking again. */
            rc = pt_cli_report(cli, &resp, NULL);
            pt_response_free(&resp);
            return rc;
        } else {
            /* The daemon went away or failed: say so once per outage, then
             * keep trying, since seq lets watch resume without a gap. */
            if (connected)
                pt_cli_report(cli, &resp, NULL);
            if (connected)
                fprintf(stderr, "ptrack: will keep trying; Ctrl-C stops\n");
            connected = false;
            pause_for(backoff);
            backoff = backoff * 2 > MAX_BACKOFF ? MAX_BACKOFF : backoff * 2;
            rc = PT_EXIT_OK;
        }
        pt_response_free(&resp);
    }
    return rc;
}

static int run(pt_cli_t *cli, const pt_args_t *args)
{
    /* stdout is one event a line: a refusal goes to stderr only. */
    cli->json_errors_off = true;
    long long after = 0;
    int rc = follow(cli, args, &after);
    if (reader_gone) {
        /* As a write of the next event would have failed, SIGPIPE being
         * ignored: said, exit 4, and where to go on from. Every event up to
         * after was written. */
        fprintf(stderr,
                "ptrack: writing the output: %s (its reader has gone); the events up to seq "
                "%lld were written (ptrack watch --after %lld goes on from there)\n",
                strerror(EPIPE), after, after);
        return PT_EXIT_SERVER;
    }
    return rc;
}

const pt_command_t pt_cmd_watch = {
    .name = "watch",
    .summary = "follow changes as they happen, event by event (Ctrl-C stops)",
    .description =
        "Follows GET /v1/events with long polls and prints two lines per event, each\n"
        "within 100 columns or a narrower terminal's width (the title keeps 16): time,\n"
        "seq, type with its label (新增 created, 修改 updated, 状态变更 status_changed,\n"
        "删除 deleted, 即将到期 due_soon, 已逾期 overdue), proposal id and title;\n"
        "below, the state (change) and, for a status change, the action (签收 sign,\n"
        "延期 extend, ...); due_soon and overdue add the due date; then who did it\n"
        "(the name of the token or of the socket's user; whole on a line of its own\n"
        "where the line leaves it fewer than 16 columns). The events of no proposal\n"
        "take one line and say what they are about instead: 每日摘要 daily (the\n"
        "day's counts) and 数据恢复 restored (the store was restored from a backup;\n"
        "the seqs it lost).\n"
        "With --json, one event object per\n"
        "line (JSON Lines), flushed at once so it can be piped. Without --after it\n"
        "starts from now; --after SEQ replays every event after SEQ first (--after 0:\n"
        "all of them; a SEQ past the newest event, which ptrack health shows, is a\n"
        "usage error). If ptrackd goes away, watch says so once and resumes after the\n"
        "last seq it printed when ptrackd is back. Ctrl-C or SIGTERM ends it, exit 0.\n"
        "A closed reader ends it too, within a second or so, without waiting for an\n"
        "event to write: a pipe whose reader has gone (watch | head -1) or a socket\n"
        "whose peer has closed it, as the write of the next event would (by SIGPIPE;\n"
        "where SIGPIPE is ignored or blocked, exit 4, naming the seq to go on from).\n",
    .opts = opts,
    .run = run,
};
