/*
 * import_oa.c - an example ptrack importer: reads the "办文单" text export of
 * an office's OA system (format "oa"), which none of the built-in importers
 * reads.
 *
 * It is written to be read and copied. It shows what an importer needs:
 *
 *   - reading the upload in pieces with job_read, one line at a time, so
 *     that a file of any size is read in the memory of one line and one
 *     record (the host's import_emit blocks while it is behind: that is the
 *     back-pressure that keeps the whole import flat);
 *   - building each proposal as a record by path (rec_set, rec_append), with
 *     no JSON library, and handing it over with import_emit;
 *   - rejecting a record it cannot read with import_reject, naming where the
 *     record starts and, in the reason, the very line and what is wrong, so
 *     that the office can fix its file; passing over what is not a record
 *     (the export's heading) with import_ignore;
 *   - failing the whole file (set_error, PTRACK_ERROR) only when it cannot
 *     be read at all: here, when it is empty or not UTF-8;
 *   - source.ref (the OA's 来文编号) on every record, so that sending the
 *     same export twice stores each proposal once;
 *   - the instance's options (create()) and a query parameter of the
 *     request (job_arg), declared in the ops' `args`;
 *   - looking up a state by its Chinese label in the workflow ptrackd runs
 *     (workflow_item), rather than in a table of the plugin's own.
 *
 * The format. One record per block of lines; blank lines separate blocks.
 * A line 【名称】值 starts a field; a line that does not start with 【
 * continues the field above it (the OA wraps long texts), joined with a
 * line break. A UTF-8 byte order mark and CRLF line ends are accepted
 * (Windows tools write both). A block with no 【field】 at all (the
 * export's heading, "办文单导出 共 3 件") is passed over.
 *
 *   【来文编号】OA-2025-0107
 *   【标题】关于加强农村饮水安全保障的建议
 *   【类型】建议
 *   【届次】省十四届人大三次会议
 *   【建议编号】1001
 *   【领衔代表】张建国
 *   【联名代表】李红梅、王志强
 *   【代表团】太原代表团
 *   【分类】农业农村
 *   【主办单位】省水利厅
 *   【协办单位】省财政厅、省卫生健康委
 *   【交办日期】2025-04-01
 *   【办理期限】2025年6月30日
 *   【内容】部分农村地区供水管网老化，
 *   水质检测覆盖不全。
 *   【联系电话】0351-1234567
 *
 * Fields (an empty value counts as not given; each known field at most once):
 *   来文编号            source.ref (required: it is what a re-import is
 *                       recognised by)
 *   标题, 案由          title (required)
 *   类型                kind: 建议 议案 提案 其他
 *   届次                session (else the `session` argument or option)
 *   建议编号, 编号      number
 *   领衔代表, 提出人    lead_author
 *   联名代表, 附议人    co_signers, split on 、，,；; and spaces
 *   代表团              delegation
 *   分类                category
 *   主题词              tags, split as co_signers
 *   内容                background
 *   主办单位            units with role lead (two or more: handled
 *                       separately, 分办, role separate)
 *   协办单位            units with role co
 *   交办日期            assigned_at, the day's start in the `tz` offset
 *   办理期限            due_at, the day's end in the `tz` offset
 *   办理状态            status, by its label (办理中) or name (handling)
 *   重点督办            key_supervision: 是 or 否
 *   督办领导            supervisor
 *   any other           custom.<name>, the name as written (备注.1, 2024)
 *                       (option keep_unknown), else the record is rejected
 *
 * A record with units, dates or a status is a proposal that already went
 * through part of its workflow in the OA system: it is marked so (a
 * `version`, which the host replaces) and stored in its state, "assigned"
 * (已交办) when the block names units but no 办理状态. docs/plugins.md §8
 * says how the host reads such a record.
 *
 * Options (in the instance's `config`):
 *   session       (string)  届次 of records that name none; one that the
 *                 API would refuse (see the argument below) refuses the load
 *   tz            (string, default "+08:00")  the UTC offset the OA's dates
 *                 are in, ±HH:MM
 *   keep_unknown  (bool, default true)  keep fields this file does not know
 *                 in custom; false rejects a record that has one
 * Query parameters (`ptrack import FILE --format oa --arg session=...`):
 *   session       届次 of records that name none, for this upload (it wins
 *                 over the option); checked as the API checks a session
 *                 before a byte of the file is read (check_session): one
 *                 that is empty, blank, not UTF-8 or over 1000 bytes is
 *                 refused with PTRACK_EBADARG, 400 bad_request, the
 *                 request's fault and not the file's
 *
 * Thread: create() and destroy() run on the loop thread; import() on a job
 * thread, one per upload, and several uploads may run at once, so import()
 * keeps everything of its own on its stack and the heap, and the instance
 * state is only read.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ptrack/plugin.h>

/* A name with a '.' (【备注.1】) is kept in custom under the path escape of
 * ABI 1.3 (set_custom). */
#if PTRACK_ABI_MAJOR != 1 || PTRACK_ABI_MINOR < 3
#error "import_oa needs <ptrack/plugin.h> of ABI 1.3 or newer"
#endif

/* Bytes asked of job_read at a time. */
#define READ_CHUNK (64 * 1024)
/* The longest line read; a longer one rejects its record. */
#define LINE_MAX_BYTES (64 * 1024)
/* The longest value of one field, continuation lines included. */
#define VALUE_MAX (1024 * 1024)
/* The longest field name, in bytes (32 Chinese characters). */
#define NAME_MAX_BYTES 96
/* A reason for import_reject. */
#define REASON_MAX 600

/* ---- The instance ------------------------------------------------------ */

typedef struct {
    const ptrack_host_t *host; /* valid until destroy() returns */
    ptrack_instance_t *inst;   /* ditto */
    const char *session;       /* the `session` option, or NULL; borrowed */
    char tz[8];                /* "+08:00", checked */
    int keep_unknown;
} oa_t;

static const ptrack_option_t oa_options[] = {
    {"session", PTRACK_OPT_STRING, 0, NULL, "届次 of records that name none (【届次】)"},
    {"tz", PTRACK_OPT_STRING, 0, "+08:00", "the UTC offset of the OA's dates, ±HH:MM"},
    {"keep_unknown", PTRACK_OPT_BOOL, 0, "true",
     "keep 【fields】 this importer does not know in custom; false rejects their record"},
    PTRACK_OPTION_END,
};

/* ---- Checks of text ----------------------------------------------------- */

/* Whether s[0..n) is UTF-8 text: valid sequences, no NUL. */
static int is_utf8(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t len;
        unsigned cp, min;
        if (c == 0)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            len = 2, cp = c & 0x1F, min = 0x80;
        else if (c >= 0xE0 && c <= 0xEF)
            len = 3, cp = c & 0x0F, min = 0x800;
        else if (c >= 0xF0 && c <= 0xF4)
            len = 4, cp = c & 0x07, min = 0x10000;
        else
            return 0;
        if (n - i < len)
            return 0;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

/* The longest session the API takes as a filter (`GET
 * /v1/proposals?session=`), in bytes. */
#define SESSION_MAX 1000

/* Whether s holds white space alone: ASCII's (line breaks too), the
 * ideographic space U+3000 and the no-break space U+00A0, which the API
 * trims off a session. strncmp stops at the NUL, so that a short rest of s
 * is never read past. */
static int blank(const char *s)
{
    while (*s) {
        if (*s == ' ' || (*s >= '\t' && *s <= '\r'))
            s++;
        else if (strncmp(s, "\xE3\x80\x80", 3) == 0)
            s += 3;
        else if (strncmp(s, "\xC2\xA0", 2) == 0)
            s += 2;
        else
            return 0;
    }
    return 1;
}

/* What is wrong with s as a session, as the API checks a `session`
 * filter: empty, longer than SESSION_MAX bytes, not UTF-8, or blank
 * (spaces, line breaks, U+3000, U+00A0 only); NULL when nothing is. Both
 * the `session` option and the upload's argument are checked so. */
static const char *session_problem(const char *s)
{
    size_t n = strlen(s);
    if (n == 0)
        return "empty: leave it out to take the 届次 of each record (or the option's)";
    if (n > SESSION_MAX)
        return "longer than 1000 bytes";
    if (!is_utf8(s, n))
        return "not UTF-8 text";
    if (blank(s))
        return "blank: give a 届次 such as 省十四届人大三次会议";
    return NULL;
}

/* Whether s is an offset ±HH:MM, HH at most 14 and MM at most 59. */
static int good_offset(const char *s)
{
    if (strlen(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':')
        return 0;
    for (int i = 1; i < 6; i++)
        if (i != 3 && (s[i] < '0' || s[i] > '9'))
            return 0;
    return (s[1] - '0') * 10 + (s[2] - '0') <= 14 && s[4] <= '5';
}

/* Thread: loop. Reads the options and allocates; nothing that can block. */
static int oa_create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    oa_t *oa = calloc(1, sizeof(*oa));
    if (!oa) {
        host->log(inst, PTRACK_LOG_ERROR, "out of memory");
        return PTRACK_ERROR;
    }
    oa->host = host;
    oa->inst = inst;
    /* An option that is not set and has no default answers
     * PTRACK_ENOTFOUND and leaves the value as it was: NULL here. */
    if (host->opt_string(inst, "session", &oa->session) != PTRACK_OK || oa->session[0] == '\0') {
        oa->session = NULL;
    } else if (session_problem(oa->session)) {
        /* A session every import would store but the API would refuse
         * as a filter: refused at the load, as the argument is at the
         * upload. */
        host->log(inst, PTRACK_LOG_ERROR, "option \"session\": %s", session_problem(oa->session));
        free(oa);
        return PTRACK_ERROR;
    }
    const char *tz = "+08:00";
    host->opt_string(inst, "tz", &tz);
    if (!good_offset(tz)) {
        /* The last error create() logs is the reason the load is refused
         * with, so say what to write. */
        host->log(inst, PTRACK_LOG_ERROR, "option \"tz\": \"%s\" is not an offset such as +08:00",
                  tz);
        free(oa);
        return PTRACK_ERROR;
    }
    memcpy(oa->tz, tz, 7);
    oa->keep_unknown = 1;
    host->opt_bool(inst, "keep_unknown", &oa->keep_unknown);
    *state = oa;
    return PTRACK_OK;
}

/* Thread: loop, after every job of the instance has ended. */
static void oa_destroy(void *state)
{
    free(state);
}

/* ---- Reading the upload line by line ------------------------------------
 * job_read gives bytes as they arrive, cut anywhere (mid-line, mid-character).
 * The reader keeps one chunk and one line. */

typedef struct {
    const ptrack_host_t *h;
    ptrack_job_t *job;
    unsigned char buf[READ_CHUNK];
    size_t pos, len; /* the unread bytes are buf[pos..len) */
    int eof;
    char line[LINE_MAX_BYTES + 1];
    size_t line_len;
    int too_long; /* the line was longer than LINE_MAX_BYTES and is cut */
    long no;      /* the number of the line in `line`, from 1 */
} reader_t;

/* Reads the next line into r->line, NUL-terminated, without its "\n" or
 * "\r\n" (and, on line 1, without a UTF-8 byte order mark). Returns 1, 0 at
 * the end of the file, or job_read's PTRACK_ECANCELED. */
static int next_line(reader_t *r)
{
    int got = 0; /* bytes or a line end were seen */
    r->line_len = 0;
    r->too_long = 0;
    for (;;) {
        if (r->pos == r->len) {
            if (r->eof)
                break;
            ptrdiff_t n = r->h->job_read(r->job, r->buf, sizeof(r->buf));
            if (n < 0)
                return (int)n;
            if (n == 0) {
                r->eof = 1;
                break;
            }
            r->pos = 0;
            r->len = (size_t)n;
        }
        const unsigned char *start = r->buf + r->pos;
        const unsigned char *nl = memchr(start, '\n', r->len - r->pos);
        size_t take = nl ? (size_t)(nl - start) : r->len - r->pos;
        size_t room = LINE_MAX_BYTES - r->line_len;
        if (take > room)
            r->too_long = 1;
        memcpy(r->line + r->line_len, start, take < room ? take : room);
        r->line_len += take < room ? take : room;
        r->pos += take;
        got = 1;
        if (nl) {
            r->pos++;
            break;
        }
    }
    if (!got)
        return 0;
    r->no++;
    if (r->line_len > 0 && r->line[r->line_len - 1] == '\r')
        r->line_len--;
    r->line[r->line_len] = '\0';
    if (r->no == 1 && r->line_len >= 3 && memcmp(r->line, "\xEF\xBB\xBF", 3) == 0) {
        memmove(r->line, r->line + 3, r->line_len - 2);
        r->line_len -= 3;
    }
    return 1;
}

/* ---- Text helpers --------------------------------------------------------- */

/* The length of the white space at s: ASCII space and tab, and the
 * ideographic space U+3000 that Chinese input methods type. */
static size_t space_at(const char *s)
{
    if (*s == ' ' || *s == '\t')
        return 1;
    /* strncmp, not memcmp: s may end (its NUL) before three bytes. */
    if (strncmp(s, "\xE3\x80\x80", 3) == 0)
        return 3;
    return 0;
}

/* Trims white space off both ends of s, in place; returns s moved past the
 * leading spaces. */
static char *trim(char *s)
{
    size_t n;
    while ((n = space_at(s)) > 0)
        s += n;
    size_t len = strlen(s);
    for (;;) {
        if (len >= 1 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
            len--;
        else if (len >= 3 && memcmp(s + len - 3, "\xE3\x80\x80", 3) == 0)
            len -= 3;
        else
            break;
    }
    s[len] = '\0';
    return s;
}

/* The length of the list separator at s: 、 ， ； (U+3001, U+FF0C,
 * U+FF1B), ASCII , and ;, or white space. */
static size_t sep_at(const char *s)
{
    if (*s == ',' || *s == ';')
        return 1;
    if (strncmp(s, "\xE3\x80\x81", 3) == 0 || strncmp(s, "\xEF\xBC\x8C", 3) == 0 ||
        strncmp(s, "\xEF\xBC\x9B", 3) == 0)
        return 3;
    return space_at(s);
}

/* The next item of a list at *s (split at the separators), NUL-terminated
 * in place, with *s moved past it; NULL when there is none. */
static char *list_next(char **s)
{
    char *p = *s;
    size_t k;
    while ((k = sep_at(p)) > 0)
        p += k;
    if (!*p)
        return NULL;
    char *item = p;
    while (*p && sep_at(p) == 0)
        p++;
    if (*p) {
        k = sep_at(p);
        *p = '\0';
        p += k;
    }
    *s = p;
    return item;
}

/* How many items list_next will find in s (s is not changed). */
static int list_count(const char *s)
{
    int n = 0;
    while (*s) {
        size_t k = sep_at(s);
        if (k) {
            s += k;
            continue;
        }
        n++;
        while (*s && sep_at(s) == 0)
            s++;
    }
    return n;
}

/* Appends each item of the list v to the array at path. */
static int set_list(const ptrack_host_t *h, ptrack_record_t *rec, const char *path, char *v)
{
    char *item;
    int rc = PTRACK_OK;
    while (rc == PTRACK_OK && (item = list_next(&v)) != NULL)
        rc = h->rec_append(rec, path, item);
    return rc;
}

/* Reads a date: 2025-06-30, 2025/6/30, 2025.6.30 or 2025年6月30日. Returns
 * 1 and sets y, m, d, or 0. */
static int read_date(const char *s, int *y, int *m, int *d)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const char *seps[] = {"-", "/", ".", "年", "月"};
    int v[3] = {0, 0, 0};
    for (int part = 0; part < 3; part++) {
        int digits = 0;
        while (*s >= '0' && *s <= '9' && digits < 4) {
            v[part] = v[part] * 10 + (*s++ - '0');
            digits++;
        }
        if (digits == 0 || (part == 0 && digits != 4) || (part > 0 && digits > 2))
            return 0;
        if (part == 2)
            break;
        size_t k = 0;
        for (size_t i = 0; i < sizeof(seps) / sizeof(seps[0]) && !k; i++)
            if (strncmp(s, seps[i], strlen(seps[i])) == 0)
                k = strlen(seps[i]);
        if (!k)
            return 0;
        s += k;
    }
    if (strcmp(s, "日") == 0 || strcmp(s, "号") == 0)
        s += 3;
    if (*s)
        return 0;
    int leap = (v[0] % 4 == 0 && v[0] % 100 != 0) || v[0] % 400 == 0;
    if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > mdays[v[1] - 1] ||
        (v[1] == 2 && v[2] == 29 && !leap))
        return 0;
    *y = v[0], *m = v[1], *d = v[2];
    return 1;
}

/* ---- One record ----------------------------------------------------------- */

/* The fields this importer knows. */
typedef enum {
    F_REF,
    F_TITLE,
    F_KIND,
    F_SESSION,
    F_NUMBER,
    F_LEAD,
    F_CO_SIGNERS,
    F_DELEGATION,
    F_CATEGORY,
    F_TAGS,
    F_BACKGROUND,
    F_LEAD_UNITS,
    F_CO_UNITS,
    F_ASSIGNED,
    F_DUE,
    F_STATUS,
    F_KEY,
    F_SUPERVISOR,
    F_COUNT
} field_t;

static const struct {
    const char *name;
    field_t field;
} known_fields[] = {
    {"来文编号", F_REF},        {"标题", F_TITLE},        {"案由", F_TITLE},
    {"类型", F_KIND},           {"届次", F_SESSION},      {"建议编号", F_NUMBER},
    {"编号", F_NUMBER},         {"领衔代表", F_LEAD},     {"提出人", F_LEAD},
    {"联名代表", F_CO_SIGNERS}, {"附议人", F_CO_SIGNERS}, {"代表团", F_DELEGATION},
    {"分类", F_CATEGORY},       {"主题词", F_TAGS},       {"内容", F_BACKGROUND},
    {"主办单位", F_LEAD_UNITS}, {"协办单位", F_CO_UNITS}, {"交办日期", F_ASSIGNED},
    {"办理期限", F_DUE},        {"办理状态", F_STATUS},   {"重点督办", F_KEY},
    {"督办领导", F_SUPERVISOR},
};

static const struct {
    const char *zh, *name;
} kinds[] = {{"建议", "suggestion"}, {"议案", "motion"}, {"提案", "proposal"}, {"其他", "other"}};

/* The block being read: one record. Everything an upload needs lives in
 * import()'s block_t and reader_t, none in the instance, so uploads can run
 * side by side. */
typedef struct {
    const oa_t *oa;
    const ptrack_host_t *h;
    ptrack_job_t *job;
    const char *session; /* the upload's default 届次, or NULL */

    ptrack_record_t *rec; /* NULL between blocks */
    long first_line, last_line;
    long prose_line; /* the first line before the first 【field】, or 0 */
    int n_fields;
    long seen[F_COUNT]; /* the line each known field came on, or 0 */
    int n_lead, n_co;   /* units */
    int n_units;

    /* The field whose value is being read (its continuation lines may
     * follow), applied to the record when the next one starts. */
    char name[NAME_MAX_BYTES + 1];
    long name_line;
    char *value;
    size_t value_len, value_cap;

    /* The first problem of the block; the rest of it is then skipped. */
    char reason[REASON_MAX];
} block_t;

/* Marks the block as broken: the reason says what is wrong and, when it is
 * not the record's first line (which the report names), on which line.
 * Only the first problem of a block is kept. Returns PTRACK_OK: a broken
 * record is reported, and the import goes on with the next one. */
static int fail(block_t *b, long line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int fail(block_t *b, long line, const char *fmt, ...)
{
    if (b->reason[0])
        return PTRACK_OK;
    int n = line == b->first_line ? 0 : snprintf(b->reason, sizeof(b->reason), "line %ld: ", line);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->reason + n, sizeof(b->reason) - (size_t)n, fmt, ap);
    va_end(ap);
    return PTRACK_OK;
}

/* Appends text to the pending value. Returns PTRACK_OK or PTRACK_ENOMEM;
 * a value too long fails the block. */
static int value_add(block_t *b, const char *s, size_t n)
{
    if (b->value_len + n > VALUE_MAX)
        return fail(b, b->name_line, "the value of 【%s】 is longer than %d KiB", b->name,
                    VALUE_MAX / 1024);
    if (b->value_len + n + 1 > b->value_cap) {
        size_t cap = b->value_cap ? b->value_cap : 256;
        while (cap < b->value_len + n + 1)
            cap *= 2;
        char *v = realloc(b->value, cap);
        if (!v)
            return PTRACK_ENOMEM;
        b->value = v;
        b->value_cap = cap;
    }
    memcpy(b->value + b->value_len, s, n);
    b->value_len += n;
    b->value[b->value_len] = '\0';
    return PTRACK_OK;
}

/* Sets a date field: the day's start (assigned_at) or end (due_at) in the
 * instance's offset, as RFC 3339, which the host reads and keeps in UTC. */
static int set_date(block_t *b, const char *path, const char *v, int end_of_day)
{
    int y, m, d;
    if (!read_date(v, &y, &m, &d))
        return fail(b, b->name_line,
                    "【%s】\"%s\" is not a date: write 2025-06-30, 2025/6/30 or 2025年6月30日",
                    b->name, v);
    char text[40];
    snprintf(text, sizeof(text), "%04d-%02d-%02dT%s%s", y, m, d,
             end_of_day ? "23:59:59" : "00:00:00", b->oa->tz);
    return b->h->rec_set(b->rec, path, text);
}

/* Adds the units of 主办单位 (lead) or 协办单位 to the record. */
static int add_units(block_t *b, char *v, int lead)
{
    const ptrack_host_t *h = b->h;
    /* One lead unit leads (主办); two or more are handled separately
     * (分办), each answering for itself. */
    int n = list_count(v);
    const char *role = !lead ? "co" : n > 1 ? "separate" : "lead";
    char path[64], *name;
    while ((name = list_next(&v)) != NULL) {
        snprintf(path, sizeof(path), "units.%d.name", b->n_units);
        int rc = h->rec_set(b->rec, path, name);
        snprintf(path, sizeof(path), "units.%d.role", b->n_units);
        if (rc != PTRACK_OK || (rc = h->rec_set(b->rec, path, role)) != PTRACK_OK)
            return rc;
        b->n_units++;
    }
    if (lead)
        b->n_lead = n;
    else
        b->n_co = n;
    return PTRACK_OK;
}

/* Keeps a field this importer does not know in custom.<name>. */
static int set_custom(block_t *b, const char *v)
{
    const ptrack_host_t *h = b->h;
    if (!b->oa->keep_unknown)
        return fail(b, b->name_line, "【%s】 is not a field of the 办文单 (keep_unknown is off)",
                    b->name);
    /* A path splits at '.': a '.' or a backslash inside the name (【备注.1】)
     * is written with a backslash before it, so that the key is the name
     * as the OA wrote it. custom is an object whatever follows it, also a
     * name of digits (【2024】). Both are ABI 1.3, which this file is built
     * for: an older host refuses to load it. */
    char path[sizeof("custom.") + NAME_MAX_BYTES * 2] = "custom.";
    size_t o = strlen(path);
    for (const char *p = b->name; *p; p++) {
        if (*p == '.' || *p == '\\')
            path[o++] = '\\';
        path[o++] = *p;
    }
    path[o] = '\0';
    return h->rec_set(b->rec, path, v);
}

/* Applies the pending field (name and value) to the record. Returns
 * PTRACK_OK (also when the value is wrong: b->reason then says why) or the
 * host's error (PTRACK_ENOMEM). */
static int apply_field(block_t *b)
{
    const ptrack_host_t *h = b->h;
    if (!b->name[0] || b->reason[0] || !b->value)
        return PTRACK_OK;
    char *v = trim(b->value);
    const char *name = b->name;
    if (!*v) /* 【协办单位】 and nothing after it: not given */
        return PTRACK_OK;

    field_t f = F_COUNT;
    for (size_t i = 0; i < sizeof(known_fields) / sizeof(known_fields[0]); i++)
        if (strcmp(name, known_fields[i].name) == 0)
            f = known_fields[i].field;
    if (f == F_COUNT)
        return set_custom(b, v);
    if (b->seen[f])
        return fail(b, b->name_line, "【%s】 again (the record has it on line %ld)", name,
                    b->seen[f]);
    b->seen[f] = b->name_line;

    switch (f) {
    case F_REF:
        return h->rec_set(b->rec, "source.ref", v);
    case F_TITLE:
        return h->rec_set(b->rec, "title", v);
    case F_KIND:
        for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
            if (strcmp(v, kinds[i].zh) == 0 || strcmp(v, kinds[i].name) == 0)
                return h->rec_set(b->rec, "kind", kinds[i].name);
        return fail(b, b->name_line, "【类型】\"%s\" is not one of 建议, 议案, 提案, 其他", v);
    case F_SESSION:
        return h->rec_set(b->rec, "session", v);
    case F_NUMBER:
        return h->rec_set(b->rec, "number", v);
    case F_LEAD:
        return h->rec_set(b->rec, "lead_author", v);
    case F_CO_SIGNERS:
        return set_list(h, b->rec, "co_signers", v);
    case F_DELEGATION:
        return h->rec_set(b->rec, "delegation", v);
    case F_CATEGORY:
        return h->rec_set(b->rec, "category", v);
    case F_TAGS:
        return set_list(h, b->rec, "tags", v);
    case F_BACKGROUND:
        return h->rec_set(b->rec, "background", v);
    case F_LEAD_UNITS:
        return add_units(b, v, 1);
    case F_CO_UNITS:
        return add_units(b, v, 0);
    case F_ASSIGNED:
        return set_date(b, "assigned_at", v, 0);
    case F_DUE:
        return set_date(b, "due_at", v, 1);
    case F_STATUS: {
        /* An office's workflow may name its states otherwise: ask the one
         * ptrackd runs, which finds a state by its name or its labels.
         * workflow_item is ABI 1.2: ask whether the host has it first. */
        ptrack_workflow_item_t it = {.struct_size = sizeof(it)};
        if (!PTRACK_HOST_HAS(h, workflow_item))
            return fail(b, b->name_line, "【办理状态】 is read by ptrackd 1.2 and later only");
        if (h->workflow_item(b->oa->inst, PTRACK_WF_STATE, v, &it) != PTRACK_OK ||
            it.struct_size < offsetof(ptrack_workflow_item_t, name) + sizeof(it.name) || !it.name)
            return fail(b, b->name_line,
                        "【办理状态】\"%s\" is not a state of the workflow ptrackd runs (such as "
                        "已交办, 办理中, 已答复)",
                        v);
        return h->rec_set(b->rec, "status", it.name);
    }
    case F_KEY:
        if (strcmp(v, "是") == 0 || strcmp(v, "否") == 0)
            return h->rec_set_json(b->rec, "key_supervision",
                                   strcmp(v, "是") == 0 ? "true" : "false");
        return fail(b, b->name_line, "【重点督办】\"%s\" is neither 是 nor 否", v);
    case F_SUPERVISOR:
        return h->rec_set(b->rec, "supervisor", v);
    case F_COUNT:
        break;
    }
    return PTRACK_OK;
}

/* Starts a block at line `no`: a new record. */
static int block_start(block_t *b, long no)
{
    b->rec = b->h->rec_new();
    if (!b->rec)
        return PTRACK_ENOMEM;
    b->first_line = b->last_line = no;
    b->prose_line = 0;
    b->n_fields = 0;
    memset(b->seen, 0, sizeof(b->seen));
    b->n_lead = b->n_co = b->n_units = 0;
    b->name[0] = '\0';
    b->value_len = 0;
    b->reason[0] = '\0';
    return PTRACK_OK;
}

/* Reads one line of the block that is not blank. */
static int block_line(block_t *b, const reader_t *r)
{
    b->last_line = r->no;
    if (b->reason[0]) /* broken already: skip to the blank line */
        return PTRACK_OK;
    if (r->too_long)
        return fail(b, r->no, "the line is longer than %d KiB", LINE_MAX_BYTES / 1024);
    const char *s = r->line;
    if (strncmp(s, "【", 3) != 0) {
        if (b->n_fields == 0) {
            /* Text before any field: the export's heading if no field
             * follows in the block (block_end), else an error. */
            if (!b->prose_line)
                b->prose_line = r->no;
            return PTRACK_OK;
        }
        /* The OA wrapped the field above: a line of its own in the value. */
        int rc = value_add(b, "\n", 1);
        return rc == PTRACK_OK ? value_add(b, s, strlen(s)) : rc;
    }
    const char *end = strstr(s + 3, "】");
    if (!end)
        return fail(b, r->no, "【 without 】: a field is written 【名称】值");
    size_t n = (size_t)(end - (s + 3));
    if (n == 0)
        return fail(b, r->no, "【】 names no field");
    if (n > NAME_MAX_BYTES)
        return fail(b, r->no, "a field name longer than %d bytes", NAME_MAX_BYTES);
    /* The field above is whole now. */
    int rc = apply_field(b);
    if (rc != PTRACK_OK)
        return rc;
    memcpy(b->name, s + 3, n);
    b->name[n] = '\0';
    b->name_line = r->no;
    b->value_len = 0;
    b->n_fields++;
    return value_add(b, end + 3, strlen(end + 3));
}

/* Ends the block at a blank line or the end of the file: emits its record,
 * rejects it, or passes over a block that is no record. Returns PTRACK_OK,
 * or what ends the import: import_emit's PTRACK_ECANCELED or PTRACK_ERROR,
 * or PTRACK_ENOMEM. */
static int block_end(block_t *b)
{
    const ptrack_host_t *h = b->h;
    char where[64];
    int rc = PTRACK_OK;
    if (!b->rec)
        return PTRACK_OK;
    snprintf(where, sizeof(where), "line %ld", b->first_line);

    if (b->n_fields == 0) {
        /* No 【field】 at all: a heading or a note of the export, not an
         * error. import_ignore is ABI 1.1: ask whether the host has it. */
        h->rec_free(b->rec);
        b->rec = NULL;
        if (!PTRACK_HOST_HAS(h, import_ignore))
            return PTRACK_OK;
        if (b->first_line != b->last_line)
            snprintf(where, sizeof(where), "lines %ld-%ld", b->first_line, b->last_line);
        return h->import_ignore(b->job, where, "no 【field】 line: not a 办文单 record");
    }
    if (b->prose_line)
        fail(b, b->prose_line, "text before the record's first 【field】");
    if ((rc = apply_field(b)) != PTRACK_OK)
        goto drop;

    /* What the record as a whole must have. */
    if (!b->seen[F_TITLE])
        fail(b, b->first_line, "the record has no 【标题】");
    if (!b->seen[F_REF])
        fail(b, b->first_line,
             "the record has no 【来文编号】 (without it, sending the file again "
             "would store the proposal twice)");
    if (b->n_co && !b->n_lead)
        fail(b, b->seen[F_CO_UNITS], "【协办单位】 without a 【主办单位】");
    if (b->n_co && b->n_lead > 1)
        fail(b, b->seen[F_CO_UNITS],
             "【协办单位】 with %d 主办单位: several 主办单位 are handled separately (分办), "
             "which takes no 协办单位",
             b->n_lead);
    if (b->reason[0]) {
        /* The OA's own number, when the record got that far, helps the
         * office find the record in the OA system to fix it there. */
        const char *ref = h->rec_get(b->rec, "source.ref");
        if (ref)
            snprintf(where, sizeof(where), "line %ld (%.40s)", b->first_line, ref);
        rc = h->import_reject(b->job, where, b->reason);
        goto drop;
    }

    if (!b->seen[F_SESSION] && b->session)
        rc = h->rec_set(b->rec, "session", b->session);
    if (rc == PTRACK_OK && b->n_units) {
        rc = h->rec_set(b->rec, "handling_mode",
                        b->n_lead > 1 ? "separate"
                        : b->n_co     ? "lead_co"
                                      : "single");
        if (rc == PTRACK_OK && !b->seen[F_STATUS])
            rc = h->rec_set(b->rec, "status", "assigned");
    }
    /* A proposal with units, dates or a state of its own went through part
     * of its workflow in the OA system: a `version` tells the host to read
     * it so (and is replaced) rather than as a new proposal. */
    if (rc == PTRACK_OK &&
        (b->n_units || b->seen[F_STATUS] || b->seen[F_ASSIGNED] || b->seen[F_DUE]))
        rc = h->rec_set_json(b->rec, "version", "1");
    if (rc != PTRACK_OK)
        goto drop;

    /* The host validates the record (a category the office does not have,
     * a title too long) and reports what it refuses at `where`. import_emit
     * takes the record, whatever it returns. */
    rc = h->import_emit(b->job, b->rec, where);
    b->rec = NULL;
    return rc;

drop:
    h->rec_free(b->rec);
    b->rec = NULL;
    return rc;
}

/* ---- import() ------------------------------------------------------------- */

/* Whether the `session` argument is one the API takes (session_problem).
 * Otherwise says what is wrong with it through set_error and returns
 * PTRACK_EBADARG, which the host answers 400 bad_request. Spaces around it
 * and full-width digits are the host's to clean, as in a 【届次】 line.
 * Thread: the job's. */
static int check_session(const ptrack_host_t *h, ptrack_job_t *job, const char *s)
{
    const char *why = session_problem(s);
    if (!why)
        return PTRACK_OK;
    h->set_error(job, "session: %s", why);
    return PTRACK_EBADARG;
}

/* Thread: a job thread, one per upload. */
static int oa_import(void *state, ptrack_job_t *job, const char *format)
{
    const oa_t *oa = state;
    const ptrack_host_t *h = oa->host;
    (void)format; /* one format: "oa" */

    /* The arguments first: a bad one is refused before the file is read. */
    const char *arg = h->job_arg(job, "session");
    if (arg && check_session(h, job, arg) != PTRACK_OK)
        return PTRACK_EBADARG;

    /* 64 KiB of chunk and 64 KiB of line: too much for a job thread's
     * stack to be sure of, so on the heap. */
    reader_t *r = calloc(1, sizeof(*r));
    if (!r) {
        h->set_error(job, "out of memory");
        return PTRACK_ENOMEM;
    }
    r->h = h;
    r->job = job;
    block_t b = {.oa = oa, .h = h, .job = job, .session = arg ? arg : oa->session};

    int rc;
    long blocks = 0;
    while ((rc = next_line(r)) > 0) {
        if (!r->too_long && !is_utf8(r->line, r->line_len)) {
            /* Not one record's fault: the whole file is in another
             * encoding (GBK, as older OA systems write). The import ends
             * here: all or nothing, it stores nothing; with partial=true
             * the records stored before this line stay. */
            h->set_error(job,
                         "line %ld is not UTF-8 text: save the export as UTF-8 (iconv -f GBK -t "
                         "UTF-8 export.txt > export-utf8.txt)",
                         r->no);
            rc = PTRACK_ERROR;
            break;
        }
        const char *p = r->line;
        while (space_at(p))
            p += space_at(p);
        if (*p == '\0' && !r->too_long) { /* a blank line ends the block */
            if ((rc = block_end(&b)) != PTRACK_OK)
                break;
            continue;
        }
        if (!b.rec) {
            if ((rc = block_start(&b, r->no)) != PTRACK_OK)
                break;
            blocks++;
        }
        if ((rc = block_line(&b, r)) != PTRACK_OK)
            break;
        /* No job_cancelled() here: job_read, import_emit, import_reject
         * and import_ignore return PTRACK_ECANCELED at once when the job
         * is cancelled, and this loop waits on nothing else. */
    }
    if (rc == 0) /* the end of the file ends the last block */
        rc = block_end(&b);
    if (rc == PTRACK_OK && blocks == 0) {
        h->set_error(job, "the file is empty: send the OA system's 办文单 export");
        rc = PTRACK_ERROR;
    }
    if (rc == PTRACK_ENOMEM)
        h->set_error(job, "out of memory");
    if (b.rec)
        h->rec_free(b.rec);
    free(b.value);
    free(r);
    return rc;
}

static const char *const oa_formats[] = {"oa", NULL};
/* Every query parameter oa_import reads with job_arg; ptrackd refuses any
 * other (a misspelt ?sesion=) before the upload is read. */
static const char *const oa_args[] = {"session", NULL};

static const ptrack_importer_ops_t oa_importer = {
    .struct_size = sizeof(ptrack_importer_ops_t),
    .formats = oa_formats,
    .import = oa_import,
    .args = oa_args,
};

static const ptrack_plugin_t oa_plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "import_oa",
    .version = "1.0.0",
    .description = "imports the 办文单 text export of an OA system (【字段】值 blocks)",
    .kinds = PTRACK_KIND_IMPORTER,
    .options = oa_options,
    .create = oa_create,
    .destroy = oa_destroy,
    .importer = &oa_importer,
};

/* The one exported symbol: ptrackd calls it after dlopen() and keeps the
 * pointer while the plugin is loaded. */
PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &oa_plugin;
}
