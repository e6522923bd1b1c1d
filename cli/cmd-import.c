/*
 * cmd-import.c - `ptrack import FILE`: sends a file to an importer plugin
 * (POST /v1/imports?format=F) and reports what was imported or why not.
 *
 * The file is streamed as the request body with libcurl's read callback,
 * never read whole, so a file of hundreds of megabytes costs the client one
 * buffer. The request carries "Expect: 100-continue": ptrackd checks access
 * and the format before it takes a byte of the body, so a refused import of
 * a large file is refused before it is sent.
 *
 * Ctrl-C, SIGTERM or SIGHUP stops the upload (see pt_transfer_catch_stops):
 * ptrackd sees the client go and cancels the import, and the command says
 * what that leaves in the store, which depends on how far it had come
 * (stop_message).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "json.h"
#include "transfer.h"
#include "width.h"

static const pt_opt_t opts[] = {
    {"format", PT_OPT_VALUE, "F",
     "the file's format: json, jsonl, csv, text, decidim, ... (default: from the file's "
     "extension)"},
    {"map", PT_OPT_LIST, "FIELD=HEADER",
     "read FIELD from the column HEADER, e.g. --map lead_author=提案人"},
    {"encoding", PT_OPT_VALUE, "E",
     "the file's character set, e.g. gbk (default: UTF-8 or detected)"},
    {"partial", PT_OPT_FLAG, NULL,
     "store the good records even when some are rejected (default: all or nothing)"},
    {"arg", PT_OPT_LIST, "KEY=VALUE",
     "another parameter for the importer, e.g. --arg sep=; or --arg locale=zh"},
    {"quiet", PT_OPT_FLAG, NULL, "no progress line on stderr"},
    {0},
};

/* The format a file's name says, or NULL. xlsx is named so that the
 * message can say what to do instead. */
static const char *format_from_name(const char *path)
{
    static const pt_ext_format_t map[] = {
        {".json", "json"}, {".jsonl", "jsonl"}, {".ndjson", "jsonl"},
        {".csv", "csv"},   {".txt", "text"},    {".xlsx", "xlsx"},
    };
    return pt_transfer_format_of(path, map, sizeof(map) / sizeof(map[0]));
}

typedef struct {
    FILE *in;
    int64_t sent, size;
    bool at_end; /* the whole file has been read for sending */
    pt_progress_t progress;
    bool read_failed;
    int read_errno;
    bool shrank; /* the file ended before the size it had when opened */
    /* "FILE: " (shown as typed text is), or "" for stdin: what starts the
     * messages of an import cut short, as a refusal names it, so that a
     * script importing many files logs which one. */
    char *named;
} upload_t;

/* Reads with read(2), not stdio, so that a slow pipe's bytes go out (and
 * the progress line moves) as they come instead of once curl's whole
 * buffer is full. */
static size_t on_read(char *buf, size_t size, size_t nmemb, void *ud)
{
    upload_t *u = ud;
    ssize_t n;
    /* A file of a known size is sent as long as it was when opened, the
     * Content-Length: what it grew by since (a log appended to) would go
     * after the body, where ptrackd reads the next request. */
    size_t want = size * nmemb;
    if (u->size >= 0 && (int64_t)want > u->size - u->sent)
        want = (size_t)(u->size - u->sent);
    if (want == 0) {
        u->at_end = true;
        return 0;
    }
    for (;;) {
        if (pt_transfer_stop_signal())
            return CURL_READFUNC_ABORT;
        n = read(fileno(u->in), buf, want);
        if (n >= 0)
            break;
        /* A stop that came while the read waited (stdin, a pipe)
         * interrupts it: that is the stop, not a broken file. */
        if (errno == EINTR)
            continue;
        u->read_failed = true;
        u->read_errno = errno;
        return CURL_READFUNC_ABORT;
    }
    /* Shorter than announced (written over meanwhile): ptrackd would
     * wait for the rest, which will not come. */
    if (n == 0 && u->size >= 0) {
        u->read_failed = u->shrank = true;
        return CURL_READFUNC_ABORT;
    }
    u->sent += (int64_t)n;
    if (n == 0 || (u->size >= 0 && u->sent >= u->size))
        u->at_end = true;
    return (size_t)n;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    upload_t *u = ud;
    /* Called at least once a second, also while ptrackd stores what it has
     * had and nothing moves: the place where the wait notices a stop. */
    if (pt_transfer_stop_signal())
        return 1;
    pt_progress_update(&u->progress, (int64_t)ulnow, u->size > 0 ? u->size : (int64_t)ultotal,
                       false);
    return 0;
}

/* Says what a stop left in the store. ptrackd cancels an import whose
 * client has gone: an all-or-nothing one is stored only once the importer
 * has read the whole file, so one stopped before its last byte went out
 * stored nothing; stopped after, ptrackd may have stored it before it
 * noticed. A partial one keeps the batches (of 2,000 records) it stored
 * before (docs/api.md, "POST /v1/imports"). */
static void stop_message(const upload_t *u, bool partial, int sig, long status)
{
    const char *why = pt_transfer_stop_name(sig);
    if (status >= 200 && status < 300)
        /* The answer's status line was in: the import was stored, only
         * the counts in its body were not read. */
        fprintf(stderr,
                "ptrack import: %s导入已完成，但未读完结果 (stopped by %s after ptrackd answered "
                "HTTP %ld: the import was stored; ptrack list shows it)\n",
                u->named, why, status);
    else if (partial)
        fprintf(stderr,
                "ptrack import: %s导入已中断，可能已导入一部分 (stopped by %s before ptrackd "
                "answered: with --partial it stores the records in batches of 2,000 as it reads "
                "them, and the batches stored before it saw ptrack go stay stored; ptrack list "
                "shows them, and importing the file again skips the records already stored)\n",
                u->named, why);
    else if (!u->at_end)
        fprintf(stderr,
                "ptrack import: %s导入已中断，未导入任何记录 (stopped by %s before the whole file "
                "was sent: an import is stored whole or not at all, so nothing was imported)\n",
                u->named, why);
    else
        fprintf(stderr,
                "ptrack import: %s导入已中断，不知是否已导入 (stopped by %s after the whole file "
                "was sent, before ptrackd answered: it may have stored the import before it saw "
                "ptrack go; ptrack list shows whether it did)\n",
                u->named, why);
}

/* Says what a connection that failed once the request had gone out left
 * in the store, as stop_message does for a stop: ptrackd that crashed or
 * was killed stored an all-or-nothing import only if it had read the
 * whole file, and had stored it if it had answered 2xx. */
static void lost_message(const upload_t *u, bool partial, long status)
{
    if (status >= 200 && status < 300)
        fprintf(
            stderr,
            "ptrack import: %s导入已完成，但未读完结果 (the connection to ptrackd failed after it "
            "answered HTTP %ld: the import was stored; ptrack list shows it)\n",
            u->named, status);
    else if (partial)
        fprintf(stderr,
                "ptrack import: %s导入已中断，可能已导入一部分 (the connection to ptrackd failed "
                "before it answered: with --partial it stores the records in batches of 2,000 as "
                "it reads them, and the batches stored before stay stored; ptrack list shows "
                "them, and importing the file again skips the records already stored)\n",
                u->named);
    else if (!u->at_end)
        fprintf(stderr,
                "ptrack import: %s导入已中断，未导入任何记录 (the connection to ptrackd failed "
                "before the whole file was sent: an import is stored whole or not at all, so "
                "nothing was imported)\n",
                u->named);
    else
        fprintf(
            stderr,
            "ptrack import: %s导入已中断，不知是否已导入 (the connection to ptrackd failed after "
            "the whole file was sent, before it answered: it may have stored the import; "
            "ptrack list shows whether it did)\n",
            u->named);
}

/* What a file that could not be read to its end left in the store: the
 * upload is cut off, and ptrackd cancels the import; an all-or-nothing one
 * stored nothing, but --partial keeps the batches stored before. */
static const char *read_fail_left(const upload_t *u, bool partial)
{
    if (partial && u->sent > 0)
        return "(with --partial, the batches of 2,000 records ptrackd stored before it saw "
               "ptrack go stay stored; ptrack list shows them, and importing the file again skips "
               "the records already stored)";
    return "(nothing was imported)";
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    pt_buf_add(ud, data, size * nmemb);
    return size * nmemb;
}

/* Builds the query: format, partial, map, encoding and the --arg pairs.
 * Returns PT_EXIT_OK or a usage exit code. */
static int build_query(pt_cli_t *cli, const pt_args_t *args, const char *format, char **q)
{
    pt_client_query_add(q, "format", format);
    if (pt_args_flag(args, "partial"))
        pt_client_query_add(q, "partial", "true");
    size_t n;
    const char **maps = pt_args_list(args, "map", &n);
    if (n > 0) {
        cJSON *map = pt_xcheck(cJSON_CreateObject());
        for (size_t i = 0; i < n; i++) {
            const char *eq = strchr(maps[i], '=');
            if (!eq || eq == maps[i] || eq[1] == '\0') {
                cJSON_Delete(map);
                return pt_cli_usage(cli, "--map needs FIELD=HEADER (e.g. title=案由), not \"%s\"",
                                    maps[i]);
            }
            char *field = pt_xstrndup(maps[i], (size_t)(eq - maps[i]));
            cJSON_DeleteItemFromObjectCaseSensitive(map, field);
            pt_json_add_str(map, field, eq + 1);
            free(field);
        }
        char *text = pt_xcheck(cJSON_PrintUnformatted(map));
        pt_client_query_add(q, "map", text);
        cJSON_free(text);
        cJSON_Delete(map);
    }
    const char *enc = pt_args_value(args, "encoding");
    if (enc)
        pt_client_query_add(q, "encoding", enc);
    return pt_transfer_query_args(cli, args, q);
}

/* Prints passages of the file ptrackd left out (rejected records, ignored
 * passages): "where: reason" (or the reason, when it begins with where),
 * one a line; one whose reason the message
 * printed above already holds (a file the importer could not read) is
 * not printed again. A reason quotes the file ("状态 \"草稿…\" is not a
 * state"), which may hold anything: each line is made safe for the
 * terminal as ptrackd's message is (pt_text_clean), so that a U+202E in
 * a cell does not turn the rest of it around. */
static void print_passages(const cJSON *list, const char *fallback, const char *said, FILE *out)
{
    const cJSON *r;
    pt_buf_t line = {0}, clean = {0};
    cJSON_ArrayForEach(r, list)
    {
        const char *where = pt_json_str(r, "where");
        const char *reason = pt_json_str(r, "reason");
        if (said && reason && strstr(said, reason))
            continue;
        /* A reason that names its place itself ("line 4, column 标题: ...")
         * is printed as it is, not after the same place again. */
        size_t wl = where ? strlen(where) : 0;
        pt_buf_reset(&line);
        pt_buf_reset(&clean);
        if (where && reason && strncmp(reason, where, wl) == 0 &&
            (reason[wl] == ':' || reason[wl] == ','))
            pt_buf_puts(&line, reason);
        else
            pt_buf_printf(&line, "%s: %s", where ? where : "?", reason ? reason : fallback);
        pt_text_clean(&clean, pt_buf_str(&line));
        fprintf(out, "%s\n", pt_buf_str(&clean));
    }
    pt_buf_free(&clean);
    pt_buf_free(&line);
}

/* "… and N more": the passages an answer counted but did not list;
 * `measure` is the Chinese measure word (段 for passages, 条 for records). */
static void print_unlisted(double more, const char *measure, FILE *out)
{
    if (more > 0)
        fprintf(out, "… 另有 %.0f %s未列出 (%.0f more not listed)\n", more, measure, more);
}

/* Prints the passages the importer passed over as not records (an article
 * between proposals), under a line that counts them; the answer lists the
 * first ones and counts them all. j is the answer or its error object. */
static void print_ignored(const cJSON *j, FILE *out)
{
    const cJSON *ignored = pt_json_get(j, "ignored");
    int listed = cJSON_IsArray(ignored) ? cJSON_GetArraySize(ignored) : 0;
    double count = pt_json_num(j, "ignored_count", listed);
    if (count <= 0)
        return;
    fprintf(out, "忽略 %.0f 段非提案内容 (%.0f passage%s ignored, not records):\n", count, count,
            count == 1 ? "" : "s");
    print_passages(ignored, "not a record", NULL, out);
    print_unlisted(count - listed, "段", out);
}

/* Prints the rejected records the answer lists, and how many more it only
 * counted. j is the answer or its error object. */
static void print_rejected(const cJSON *j, FILE *out)
{
    const cJSON *rejected = pt_json_get(j, "rejected");
    int listed = cJSON_IsArray(rejected) ? cJSON_GetArraySize(rejected) : 0;
    print_passages(rejected, "rejected", pt_json_str(j, "message"), out);
    print_unlisted(pt_json_num(j, "rejected_count", listed) - listed, "条", out);
}

/* The count of records a 2xx answer says were left out (--partial). */
static double rejected_count(const cJSON *j)
{
    const cJSON *rejected = pt_json_get(j, "rejected");
    return pt_json_num(j, "rejected_count",
                       cJSON_IsArray(rejected) ? cJSON_GetArraySize(rejected) : 0);
}

/* The runs of ids named in a line, before "and N more". */
#define IDS_NAMED 4

/* Prints the ids of the proposals stored: ", #381–#1580", or the runs
 * of them when other proposals came between a partial import's batches
 * (", #1–#2000, #2002–#4001"), from id_ranges; from first_id and last_id
 * when a daemon gives no id_ranges. */
static void print_ids(const cJSON *j, double imported)
{
    if (imported <= 0)
        return;
    const cJSON *ranges = pt_json_get(j, "id_ranges");
    double first = pt_json_num(j, "first_id", 0), last = pt_json_num(j, "last_id", 0);
    if (!cJSON_IsArray(ranges) || cJSON_GetArraySize(ranges) == 0) {
        if (first > 0 && last > first)
            printf(", #%.0f–#%.0f", first, last);
        else if (first > 0)
            printf(", #%.0f", first);
        return;
    }
    /* id_ranges lists the first 100 runs; id_ranges_count counts them all. */
    int n = (int)pt_json_num(j, "id_ranges_count", cJSON_GetArraySize(ranges)), named = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, ranges)
    {
        if (named == IDS_NAMED)
            break;
        const cJSON *a = cJSON_GetArrayItem(r, 0), *b = cJSON_GetArrayItem(r, 1);
        if (!cJSON_IsNumber(a) || !cJSON_IsNumber(b))
            continue;
        if (b->valuedouble > a->valuedouble)
            printf(", #%.0f–#%.0f", a->valuedouble, b->valuedouble);
        else
            printf(", #%.0f", a->valuedouble);
        named++;
    }
    if (n > named)
        printf(" 另有 %d 段 (and %d more runs of ids)", n - named, n - named);
}

/* Tells what a 2xx answer says: the counts, and what partial left out. */
static void print_result(const cJSON *j)
{
    double imported = pt_json_num(j, "imported", 0);
    double skipped = pt_json_num(j, "skipped", 0);
    double n_rej = rejected_count(j);
    printf("已导入 %.0f 条 (%.0f imported)", imported, imported);
    print_ids(j, imported);
    if (skipped > 0)
        printf("; 跳过重复 %.0f 条 (%.0f duplicates skipped)", skipped, skipped);
    if (n_rej > 0)
        printf("; 未导入 %.0f 条 (%.0f rejected):", n_rej, n_rej);
    printf("\n");
    print_rejected(j, stdout);
    print_ignored(j, stdout);
}

/* The daemon's message names the query parameters of the API ("send
 * partial=true", "encoding=gbk"); a person at the command line gives the
 * options that send them. Rewrites them in body's error message, for the
 * line on stderr; the rest of the answer is left as it came. Returns a new
 * body. Ownership: the caller frees. */
static char *in_cli_words(const char *body, size_t len, size_t *out_len)
{
    static const char *const words[][2] = {
        {"send partial=true", "give --partial"},
        {"partial=true", "--partial"},
        {"send encoding=", "give --encoding "},
        {"?encoding=", "--encoding "},
        {"encoding=", "--encoding "},
        {"map={\"title\": \"<your header>\"}", "--map title=<your header>"},
        {"with map=", "with --map FIELD=HEADER"},
        {"and the request sep=", "and --arg sep="},
    };
    cJSON *j = cJSON_ParseWithLength(body, len);
    cJSON *e = pt_json_get(j, "error");
    const char *msg = pt_json_str(e, "message");
    if (!msg) {
        cJSON_Delete(j);
        *out_len = len;
        return pt_xstrndup(body, len);
    }
    pt_buf_t text = {0};
    pt_buf_puts(&text, msg);
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
        pt_buf_replace(&text, words[w][0], words[w][1]);
    cJSON_ReplaceItemInObjectCaseSensitive(e, "message",
                                           pt_xcheck(cJSON_CreateString(pt_buf_str(&text))));
    pt_buf_free(&text);
    char *out = pt_xcheck(cJSON_PrintUnformatted(j));
    char *copy = pt_xstrdup(out);
    cJSON_free(out);
    cJSON_Delete(j);
    *out_len = strlen(copy);
    return copy;
}

static int run(pt_cli_t *cli, const pt_args_t *args)
{
    const char *path = args->pos[0];
    const char *format = pt_args_value(args, "format");
    char format_buf[64];
    if (format)
        format = pt_transfer_format_name(format, format_buf, sizeof format_buf);
    bool from_stdin = strcmp(path, "-") == 0;
    /* An empty one (a script's --format "$FMT") is none, as for export. */
    if (!format || !*format) {
        format = from_stdin ? NULL : format_from_name(path);
        if (!format)
            return pt_cli_usage(cli,
                                "cannot tell the format of %s from its name; say it with "
                                "--format (json, jsonl, csv, text, ...)",
                                from_stdin ? "stdin" : path);
    }
    if (strcmp(format, "xlsx") == 0)
        return pt_cli_usage(cli, "xlsx files cannot be imported; save the sheet as CSV (UTF-8) "
                                 "and import that");

    upload_t u = {.size = -1};
    if (from_stdin) {
        u.in = stdin;
    } else {
        u.in = fopen(path, "rb");
        if (!u.in) {
            pt_utf8_shown_line(stderr, "ptrack import: cannot read %s: %s", path, strerror(errno));
            return PT_EXIT_USAGE;
        }
        struct stat st;
        bool known = fstat(fileno(u.in), &st) == 0;
        if (known && S_ISREG(st.st_mode))
            u.size = (int64_t)st.st_size;
        /* A directory opens as a file does, and only its first read
         * fails: said after connecting, ptrackd not running would be the
         * message instead of the file. */
        if (known && S_ISDIR(st.st_mode)) {
            pt_utf8_shown_line(stderr, "ptrack import: cannot read %s: %s (nothing was imported)",
                               path, strerror(EISDIR));
            fclose(u.in);
            return PT_EXIT_USAGE;
        }
    }

    char *query = NULL;
    int rc = build_query(cli, args, format, &query);
    if (rc != PT_EXIT_OK) {
        free(query);
        if (!from_stdin)
            fclose(u.in);
        return rc;
    }
    pt_buf_t path_q = {0};
    pt_buf_printf(&path_q, "/v1/imports%s", query);
    free(query);
    if (from_stdin) {
        u.named = pt_xstrdup("");
    } else {
        char *shown = pt_utf8_shown(path);
        u.named = pt_xmalloc(strlen(shown) + 3);
        sprintf(u.named, "%s: ", shown);
        free(shown);
    }

    struct curl_slist *headers = NULL;
    CURL *h = pt_transfer_handle(cli, pt_buf_str(&path_q), &headers);
    pt_buf_free(&path_q);
    headers = pt_xcheck(curl_slist_append(headers, "Content-Type: application/octet-stream"));
    headers = pt_xcheck(curl_slist_append(headers, "Expect: 100-continue"));
    pt_buf_t answer = {0};
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(h, CURLOPT_READDATA, &u);
    /* A known size goes as Content-Length; stdin goes chunked. */
    if (u.size >= 0)
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)u.size);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &answer);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &u);
    pt_progress_init(&u.progress, "导入", isatty(2) && !pt_args_flag(args, "quiet"));

    pt_transfer_catch_stops();
    CURLcode crc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    /* A stop that came once the answer was in stopped nothing, and an
     * error answer that came before it says best what happened. */
    int stopped_by = crc != CURLE_OK && status < 400 ? pt_transfer_stop_signal() : 0;
    if (stopped_by) {
        pt_progress_clear(&u.progress);
    } else {
        pt_progress_update(&u.progress, u.sent, u.size > 0 ? u.size : 0, true);
        pt_progress_done(&u.progress);
    }
    if (stopped_by) {
        /* The line is wiped: the message takes its place. */
        stop_message(&u, pt_args_flag(args, "partial"), stopped_by, status);
        rc = 128 + stopped_by;
    } else if (u.shrank) {
        pt_utf8_shown_line(
            stderr,
            "ptrack import: cannot read %s: it became shorter while it was being sent (%lld "
            "bytes when the import began, it ended after %lld) %s",
            path, (long long)u.size, (long long)u.sent,
            read_fail_left(&u, pt_args_flag(args, "partial")));
        rc = PT_EXIT_USAGE;
    } else if (u.read_failed) {
        pt_utf8_shown_line(stderr, "ptrack import: cannot read %s: %s %s",
                           from_stdin ? "stdin" : path, strerror(u.read_errno),
                           read_fail_left(&u, pt_args_flag(args, "partial")));
        rc = PT_EXIT_USAGE;
    } else if (crc != CURLE_OK && status < 400) {
        /* An error answer that came while the body was still going out
         * (ptrackd refused early and closed) is the better explanation, so
         * the transport failure counts only without one. */
        /* Named, as the line after it and a refusal are. */
        rc = pt_transfer_report(cli, crc, h, errbuf, from_stdin ? NULL : path);
        /* Once the request went out, what it left in the store depends
         * on how far it had come; before, nothing was asked. */
        long request_size = 0;
        curl_easy_getinfo(h, CURLINFO_REQUEST_SIZE, &request_size);
        if (request_size > 0)
            lost_message(&u, pt_args_flag(args, "partial"), status);
    } else if (status < 200 || status >= 300) {
        /* --json prints the daemon's answer as it came; the person reads
         * the message in the client's words on stderr. */
        cJSON *as_sent = cli->json ? cJSON_ParseWithLength(pt_buf_str(&answer), answer.len) : NULL;
        if (cJSON_IsObject(pt_json_get(as_sent, "error"))) {
            pt_json_print(as_sent, stdout);
            cli->json_errors_off = true;
        }
        cJSON_Delete(as_sent);
        size_t said_len;
        char *said = in_cli_words(pt_buf_str(&answer), answer.len, &said_len);
        /* Named, as a script that imports many files logs it. */
        rc = pt_transfer_report_status(cli, status, said, said_len, from_stdin ? NULL : path);
        free(said);
        cJSON *j = cJSON_ParseWithLength(pt_buf_str(&answer), answer.len);
        const cJSON *e = pt_json_get(j, "error");
        /* A partial import that failed midway kept what it had stored. */
        if (cJSON_IsNumber(pt_json_get(e, "imported")))
            fprintf(stderr, "已导入 %.0f 条，跳过重复 %.0f 条 (%.0f imported, %.0f skipped)\n",
                    pt_json_num(e, "imported", 0), pt_json_num(e, "skipped", 0),
                    pt_json_num(e, "imported", 0), pt_json_num(e, "skipped", 0));
        print_rejected(e, stderr);
        print_ignored(e, stderr);
        cJSON_Delete(j);
    } else {
        cJSON *j = cJSON_ParseWithLength(pt_buf_str(&answer), answer.len);
        if (!cJSON_IsObject(j)) {
            /* A success without the counts is no proof that anything was
             * stored: it is not ptrackd's answer. */
            rc = pt_transfer_report_status(cli, status, pt_buf_str(&answer), answer.len,
                                           from_stdin ? NULL : path);
        } else {
            /* Stored: an answer that cannot be written must say so, or
             * the file would be imported again. */
            pt_client_note_change(pt_cli_client(cli));
            if (cli->json)
                pt_json_print(j, stdout);
            else
                print_result(j);
            /* --partial stored the good records and left some out: done,
             * but not whole, which a script must be able to tell. */
            rc = rejected_count(j) > 0 ? PT_EXIT_PARTIAL : PT_EXIT_OK;
        }
        cJSON_Delete(j);
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);
    pt_buf_free(&answer);
    free(u.named);
    if (!from_stdin)
        fclose(u.in);
    return rc;
}

const pt_command_t pt_cmd_import = {
    .name = "import",
    .args = "FILE",
    .summary = "import proposals from a file (json, jsonl, csv, text, ...)",
    .description =
        "Sends FILE (- for stdin) to the importer of its format, streamed, and prints how\n"
        "many proposals were imported. The format comes from the extension (.json json,\n"
        ".jsonl/.ndjson jsonl, .csv csv, .txt text) unless --format says it. An import\n"
        "is all or nothing: if any record is rejected nothing is stored, and each one is\n"
        "listed as \"where: reason\" on stderr (exit 1); --partial stores the others\n"
        "and lists the rejected ones after the count (exit 5 when any was left out).\n"
        "Passages the importer passed over as not proposals (an article between them)\n"
        "are listed after the count; they fail nothing.\n"
        "Re-importing the same records skips them (same number and session, or source).\n"
        "Ctrl-C stops the import and says what that left stored (exit 130).\n"
        "\n"
        "Examples:\n"
        "  ptrack import 建议汇总.json\n"
        "  ptrack import 山西团.csv --encoding gbk --map lead_author=领衔人 --partial\n"
        "  ptrack export --format jsonl --out - | ptrack --socket /srv/new/ptrack.sock \\\n"
        "      import - --format jsonl\n",
    .opts = opts,
    .min_pos = 1,
    .max_pos = 1,
    .run = run,
};
