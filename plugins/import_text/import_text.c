/*
 * import_text.c - the "text" importer: proposals from documents in the
 * layout newspapers and delegation bulletins use.
 *
 *     关于加快太行革命老区振兴发展的建议
 *     山西团代表提出建议——
 *     背景：太行革命老区……
 *     建议：一是……；二是……；三是……。
 *     （据《山西日报》）
 *
 * The delegation line may also stand above the title: a newspaper's kicker
 * whose dash leads into the headline, which is then the title whatever its
 * form, and a bulletin's line that names the delegation alone:
 *
 *     山西团代表提出建议——            广东代表团
 *     加快推进太行山旅游公路建设      关于支持粤港澳大湾区职业教育协同发展的建议
 *
 * The document goes through three stages, each holding little:
 *
 *   lines       text_input.c reads the upload (UTF-8, or GBK through iconv)
 *               and text_norm.c makes each line regular and drops page
 *               furniture (page headers, editors, captions, ads);
 *   paragraphs  lines are joined while a sentence runs on: a line that does
 *               not end a sentence continues into the next, also across a
 *               page break (a blank line after furniture or a form feed),
 *               but not into a numbered ask, a heading or a source note;
 *   proposals   a state machine reads the paragraphs. A title line (关于…
 *               or …建议/议案/提案) makes a candidate; a delegation line, a
 *               背景 or 建议 heading or inline asks within CONFIRM_WINDOW
 *               paragraphs make it a proposal. A delegation line that
 *               can stand above a title (one naming the delegation, or
 *               ending in a dash) outside a proposal or after its asks is
 *               held for one paragraph: above a title, or the headline its
 *               dash leads into, it opens that proposal and makes it one,
 *               as a delegation line after the title does, though a
 *               delegation named right after the title wins (the line above
 *               signed the proposal before); above anything else it is read
 *               where it stands (skipped, or the proposal's text; a
 *               kicker, dashed, is the next article's and skipped, also
 *               right below a last ask with no full stop). A
 *               proposal ends at its source note (（据《山西日报》）,
 *               据新华社, a dateline （新华社太原3月8日电） or a reporter's
 *               credit （记者 刘某某）), at the next title, or at a
 *               standalone headline (a short line, no full stop, a blank
 *               line after it, or before it once the asks are read: the
 *               next article). A proposal that ends with no ask and never
 *               reached a 建议 section is a news report under a headline
 *               that reads like a title: it is skipped, not emitted.
 *
 * An office's own documents give a proposal's number and session, on
 * lines of their own above the title or among the form lines of its
 * header (tm_ident_line):
 *
 *     第十四届全国人民代表大会第二次会议
 *     第3105号建议                    关于加快推进城乡供水一体化的建议
 *     关于加快推进城乡供水一体化的建议  编号：3105
 *     领衔代表：孙某某                 届次：十四届二次
 *
 * Such a line is a paragraph of its own (ident_para), unless it goes on a
 * sentence the line before left open. In a proposal's header it is that
 * proposal's; elsewhere a session is of each proposal after it, and a
 * number is held for one paragraph, like a delegation line above a title:
 * the title below it takes it, anything else reads it as text, as it was.
 * A run of such numbers that counts from 1 (第1号 / 第2号 / 第3号) is a
 * list, read as text, its last no number of the title below it.
 * A number may also follow the title in brackets, 关于…的建议（第0088号）,
 * or stand so on the line below it, a line of the header.
 * A form's 编号 that is a date or no number, and a standing committee's
 * meeting (十四届全国人大常委会第十次会议), which is no session of a
 * congress, give nothing: each is a line of its own, listed with the
 * skipped passages.
 *
 * Only one candidate article is held at a time, and its size is capped
 * (PROPOSAL_MAX), so memory is flat however long the document.
 *
 * Text that is not a proposal (other articles, a candidate that never got
 * its structure) is not an error: it is skipped, and each skipped passage
 * is reported with its line range and why (import_ignore, in the import's
 * answer) and logged, so that an import of a whole newspaper page succeeds
 * with the proposals on it and says what it passed over. Page furniture is
 * counted in the final log line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ptrack/plugin.h>

#include "plugin-state.h"
#include "text_input.h"
#include "text_markers.h"
#include "text_norm.h"
#include "text_ustr.h"
#include "utf8.h"

/* Paragraphs after a title in which its structure must show. */
#define CONFIRM_WINDOW 4
/* A paragraph is cut here rather than grow without bound (a document with
 * no punctuation at all). */
#define PARA_MAX (64 * 1024)
/* Characters of one proposal; more means its end was not recognised. */
#define PROPOSAL_MAX (256 * 1024)
#define MAX_ASKS 60
/* Skipped passages logged one by one; the rest are only counted. */
#define SKIP_LOG_MAX 100

typedef enum { P_TEXT, P_TITLE, P_DELEGATION, P_SECTION, P_SOURCE, P_NUMBERED, P_IDENT } pkind_t;
typedef enum { S_OUTSIDE, S_CANDIDATE, S_IN } pstate_t;
typedef enum { SEC_HEAD, SEC_BACKGROUND, SEC_RECS } section_t;

/* One import's state. */
typedef struct {
    const ptrack_host_t *h;
    ptrack_instance_t *inst;
    ptrack_job_t *job;
    int rc; /* the first failure; PTRACK_OK while going on */

    ustr_t line;    /* the current line, normalised */
    ustr_t scratch; /* a line joined to the paragraph, to be judged */

    /* The paragraph being assembled. */
    ustr_t para;
    int para_open;
    pkind_t para_kind;
    int para_closed; /* it takes no more lines (a title, a heading alone) */
    int para_kicked; /* the headline a kicker's dash leads into: a title whatever its form */
    long para_first, para_last;
    int after_blank; /* a blank line stood before the paragraph's first line */
    int blank_seen;  /* blank lines since the paragraph's last line */
    int page_break;  /* furniture or a form feed since the paragraph's last line */
    int ad_block;    /* inside classified ads, up to the next blank line */

    /* The candidate or proposal. */
    pstate_t state;
    section_t section;
    ustr_t title, delegation, lead, background, source;
    ustr_t number, session; /* its 编号 and 届次, as the document gives them */
    ustr_t co_signers;      /* names, each followed by a line feed */
    int co_from_byline;     /* co_signers holds the names of a byline only */
    ustr_t asks[MAX_ASKS];
    size_t n_asks;
    int numbered; /* the asks were numbered, so unnumbered text continues the last */
    int cand_paras;
    long title_line, prop_last;
    long art_first;       /* the article's first line: its title's or the kicker's above it */
    int delegation_above; /* the delegation is a line's above the title: one after it wins */
    long prev_last;       /* prop_last before the paragraph being processed */
    int seen_title;
    ustr_t doc_source;  /* a source note before the first title: the whole document's */
    ustr_t doc_session; /* a session line outside a proposal's header: each proposal's after it */

    /* A line with a proposal's number (and perhaps its session) outside a
     * proposal's header, held until the next paragraph shows whether it
     * stands above a title, whose proposal it then numbers (ident_para). */
    ustr_t held_number, held_session, held_line;
    int ident_held, ident_blank;
    long ident_first, ident_last;
    /* The last of a run of number lines 第1号, 第2号, … that no title took
     * since the last title (a list, not numbers of proposals); 0: none. */
    long list_no;

    /* A delegation line held until the next paragraph shows whether it
     * stands above a title (delegation_hold). */
    ustr_t above;
    int above_held, above_blank;
    int above_dash; /* it ends in a dash that leads into the headline below */
    long above_first, above_last;

    /* The passage being skipped. */
    long skip_from, skip_to;
    char skip_reason[240];

    long n_proposals, n_skipped, n_furniture;
} tx_t;

/* ---- Skipped passages --------------------------------------------------- */

/* Tells the client and the log of a passage skipped, from line from. */
static void skip_report(tx_t *t, const char *where, const char *reason, long from)
{
    /* The client is told of each passage in the import's answer (a host
     * of ABI 1.1 lists them under "ignored"); an older host only has the
     * log. */
    if (PTRACK_HOST_HAS(t->h, import_ignore) &&
        t->h->import_ignore(t->job, where, reason) == PTRACK_ECANCELED && t->rc == PTRACK_OK)
        t->rc = PTRACK_ECANCELED;
    /* A whole newspaper has thousands of other articles: the first ones
     * show what was skipped and why, the final line counts them all. The
     * log names the passage as the answer does. */
    if (t->n_skipped < SKIP_LOG_MAX)
        t->h->log(t->inst, PTRACK_LOG_INFO, "skipped %s: %s", where, reason);
    else if (t->n_skipped == SKIP_LOG_MAX)
        t->h->log(t->inst, PTRACK_LOG_INFO,
                  "more skipped passages from line %ld on are counted, not listed", from);
    t->n_skipped++;
}

static void skip_close(tx_t *t)
{
    if (!t->skip_from)
        return;
    char where[64], reason[sizeof(t->skip_reason) + 32];
    if (t->skip_from == t->skip_to)
        snprintf(where, sizeof(where), "line %ld", t->skip_from);
    else
        snprintf(where, sizeof(where), "lines %ld-%ld", t->skip_from, t->skip_to);
    snprintf(reason, sizeof(reason), "not a proposal%s%s%s", t->skip_reason[0] ? " (" : "",
             t->skip_reason, t->skip_reason[0] ? ")" : "");
    skip_report(t, where, reason, t->skip_from);
    t->skip_from = 0;
}

static void skip_extend(tx_t *t, long from, long to, const char *reason)
{
    if (!t->skip_from) {
        t->skip_from = from;
        snprintf(t->skip_reason, sizeof(t->skip_reason), "%s", reason);
    }
    t->skip_to = to;
}

/* ---- The proposal ------------------------------------------------------- */

static void proposal_reset(tx_t *t)
{
    t->title.len = t->delegation.len = t->lead.len = t->background.len = t->source.len = 0;
    t->number.len = t->session.len = 0;
    t->co_signers.len = 0;
    t->co_from_byline = 0;
    t->delegation_above = 0;
    for (size_t i = 0; i < t->n_asks; i++)
        t->asks[i].len = 0;
    t->n_asks = 0;
    t->numbered = 0;
    t->cand_paras = 0;
    t->section = SEC_HEAD;
    t->state = S_OUTSIDE;
}

static size_t proposal_size(const tx_t *t)
{
    size_t n = t->title.len + t->background.len;
    for (size_t i = 0; i < t->n_asks; i++)
        n += t->asks[i].len;
    return n;
}

static int oom(const tx_t *t)
{
    int bad = t->line.oom || t->scratch.oom || t->para.oom || t->title.oom || t->delegation.oom ||
              t->lead.oom || t->background.oom || t->source.oom || t->doc_source.oom ||
              t->co_signers.oom || t->above.oom || t->number.oom || t->session.oom ||
              t->doc_session.oom || t->held_number.oom || t->held_session.oom || t->held_line.oom;
    for (size_t i = 0; i < t->n_asks; i++)
        bad |= t->asks[i].oom;
    return bad;
}

/* Sets path to the UTF-8 text of u, when u is not empty. */
static int set_text(tx_t *t, ptrack_record_t *rec, const char *path, const ustr_t *u)
{
    if (u->len == 0)
        return PTRACK_OK;
    char *s = u_utf8(u->p, u->len);
    if (!s)
        return PTRACK_ENOMEM;
    int rc = t->h->rec_set(rec, path, s);
    free(s);
    return rc;
}

/* FNV-1a over the code points of s, on from h. */
static uint32_t hash_text(uint32_t h, const ustr_t *s)
{
    for (size_t i = 0; i < s->len; i++) {
        h ^= s->p[i];
        h *= 16777619u;
    }
    return (h ^ '\n') * 16777619u;
}

/* A short digest of what the proposal says (its lead author, background and
 * asks, as read): the same text read again gives the same digest, another
 * proposal under the same title another. */
static uint32_t proposal_digest(const tx_t *t)
{
    uint32_t h = hash_text(2166136261u, &t->lead);
    h = hash_text(h, &t->background);
    for (size_t i = 0; i < t->n_asks; i++)
        h = hash_text(h, &t->asks[i]);
    return h;
}

/* Hands the proposal to the host and starts afresh. */
static void proposal_emit(tx_t *t)
{
    const ptrack_host_t *h = t->h;
    ptrack_record_t *rec = h->rec_new();
    int rc = rec ? PTRACK_OK : PTRACK_ENOMEM;
    int tk = tm_title_kind(t->title.p, t->title.len);
    const char *kind = tk == TM_MOTION ? "motion" : tk == TM_PROPOSAL ? "proposal" : "suggestion";
    if (rc == PTRACK_OK)
        rc = set_text(t, rec, "title", &t->title);
    if (rc == PTRACK_OK)
        rc = h->rec_set(rec, "kind", kind);
    if (rc == PTRACK_OK)
        rc = set_text(t, rec, "number", &t->number);
    if (rc == PTRACK_OK)
        rc = set_text(t, rec, "session", &t->session);
    if (rc == PTRACK_OK)
        rc = set_text(t, rec, "delegation", &t->delegation);
    if (rc == PTRACK_OK)
        rc = set_text(t, rec, "lead_author", &t->lead);
    for (size_t a = 0, b = 0; rc == PTRACK_OK && b < t->co_signers.len; b++) {
        if (t->co_signers.p[b] != '\n')
            continue;
        char *s = u_utf8(t->co_signers.p + a, b - a);
        rc = s ? h->rec_append(rec, "co_signers", s) : PTRACK_ENOMEM;
        free(s);
        a = b + 1;
    }
    if (rc == PTRACK_OK)
        rc = set_text(t, rec, "background", &t->background);
    for (size_t i = 0; rc == PTRACK_OK && i < t->n_asks; i++) {
        if (t->asks[i].len == 0)
            continue;
        char *s = u_utf8(t->asks[i].p, t->asks[i].len);
        rc = s ? h->rec_append(rec, "recommendations", s) : PTRACK_ENOMEM;
        free(s);
    }
    if (rc == PTRACK_OK)
        rc = h->rec_set(rec, "source.format", "text");
    /* The reference names the source, the title and a digest of the text,
     * not a position in the document: a proposal imported again from the
     * same paper is found (the host skips a known source.ref); two issues
     * of one paper, which both have a first proposal, do not take each
     * other's place; and two delegates' proposals under one title (or one
     * delegation's title again next year) are two proposals. Without a
     * source note, the delegation and the lead author name it instead:
     * "山西代表团 王建国 / 关于…的建议 #1a2b3c4d", a form no note gives. */
    const ustr_t *src = t->source.len ? &t->source : &t->doc_source;
    if (rc == PTRACK_OK) {
        ustr_t ref = {0};
        if (src->len) {
            ustr_append(&ref, src->p, src->len);
            ustr_append_utf8(&ref, ": ", 2);
        } else if (t->delegation.len || t->lead.len) {
            ustr_append(&ref, t->delegation.p, t->delegation.len);
            if (t->delegation.len && t->lead.len)
                ustr_append_utf8(&ref, " ", 1);
            ustr_append(&ref, t->lead.p, t->lead.len);
            ustr_append_utf8(&ref, " / ", 3);
        }
        ustr_append(&ref, t->title.p, t->title.len);
        char digest[16];
        int n = snprintf(digest, sizeof(digest), " #%08x", (unsigned)proposal_digest(t));
        ustr_append_utf8(&ref, digest, (size_t)n);
        rc = ref.oom ? PTRACK_ENOMEM : set_text(t, rec, "source.ref", &ref);
        ustr_free(&ref);
    }
    if (rc != PTRACK_OK) {
        if (rec)
            h->rec_free(rec);
        t->rc = rc;
        return;
    }
    char where[32];
    snprintf(where, sizeof(where), "line %ld", t->title_line);
    rc = h->import_emit(t->job, rec, where);
    if (rc == PTRACK_ECANCELED || rc == PTRACK_ENOMEM)
        t->rc = rc;
    t->n_proposals++;
    proposal_reset(t);
}

/* Ends the proposal whose last line is to: emitted, or, when it holds no
 * ask and never reached a 建议 section (a news report under a headline that
 * reads like a title), skipped as what it is. */
static void proposal_end(tx_t *t, long to)
{
    if (t->n_asks > 0 || t->section == SEC_RECS) {
        proposal_emit(t);
        return;
    }
    char reason[200], *title = u_utf8(t->title.p, t->title.len < 40 ? t->title.len : 40);
    pt_utf8_format(reason, sizeof(reason),
                   "\"%s\" has no asks: no 建议 heading or introduction and no numbered asks",
                   title ? title : "?");
    free(title);
    skip_extend(t, t->art_first, to, reason);
    proposal_reset(t);
}

static void candidate_start(tx_t *t, const uint32_t *s, size_t n, long line)
{
    skip_close(t);
    proposal_reset(t);
    /* 全国人大代表王某某：建议…: the title is what follows the colon, the
     * author what stands before it. */
    size_t at = tm_headline(s, n);
    if (at > 0)
        tm_lead_author(s, at, &t->lead);
    /* 关于…的建议（第0088号）: the number is the proposal's, the title
     * what stands before it. */
    size_t end = at + tm_title_number(s + at, n - at, &t->number);
    ustr_set(&t->title, s + at, end - at);
    /* A number held above the title is this proposal's, unless the title
     * gives one; a session named above it is also of the proposals after
     * it. */
    if (t->ident_held) {
        t->ident_held = 0;
        if (t->number.len == 0)
            ustr_set(&t->number, t->held_number.p, t->held_number.len);
        if (t->held_session.len)
            ustr_set(&t->doc_session, t->held_session.p, t->held_session.len);
    }
    t->list_no = 0;
    ustr_set(&t->session, t->doc_session.p, t->doc_session.len);
    t->title_line = t->prop_last = t->art_first = line;
    t->state = S_CANDIDATE;
    t->seen_title = 1;
}

/* The candidate never showed a proposal's structure: its lines join the
 * skipped passage. */
static void candidate_skip(tx_t *t)
{
    char reason[200], *title = u_utf8(t->title.p, t->title.len < 40 ? t->title.len : 40);
    pt_utf8_format(reason, sizeof(reason),
                   "\"%s\" is not followed by a delegation, 背景 or 建议 line within %d paragraphs",
                   title ? title : "?", CONFIRM_WINDOW);
    free(title);
    skip_extend(t, t->art_first, t->prop_last, reason);
    proposal_reset(t);
}

static void background_add(tx_t *t, const uint32_t *s, size_t n)
{
    size_t a = 0, b = n;
    u_trim(s, &a, &b);
    if (a == b)
        return;
    if (t->background.len)
        ustr_push(&t->background, '\n');
    ustr_append(&t->background, s + a, b - a);
}

static void ask_add(tx_t *t, const uint32_t *s, size_t n)
{
    size_t a = 0, b = n;
    u_trim(s, &a, &b);
    b = tm_ask_end(s, a, b);
    if (a == b)
        return;
    if (t->n_asks == MAX_ASKS) {
        /* More asks than any proposal has: keep the text, in the last. */
        ustr_push(&t->asks[MAX_ASKS - 1], '\n');
        ustr_append(&t->asks[MAX_ASKS - 1], s + a, b - a);
        return;
    }
    ustr_set(&t->asks[t->n_asks++], s + a, b - a);
}

/* Where the inline series of the given form whose first marker ends at
 * after stops: before the sentence that leads into the next series (…三是
 * 后继乏人。为此，代表建议：一是…), or at n. The next series is one of the
 * same form, or of another form that a 建议 clause introduces; another
 * form without one is numbering inside an ask. */
static size_t series_end(const uint32_t *s, size_t n, int form, size_t after, tm_scan_t *sc)
{
    size_t l;
    int f;
    long again = tm_inline(s, n, after, form, 1, &l);
    /* Numbered lists inside the asks are looked past; a hundred of them
     * is more than any proposal has, and the search stops there. */
    int lists = 0;
    for (long at = tm_series_scan(s, n, after, sc, &f, &l);
         at >= 0 && (again < 0 || at < again) && lists++ < 100;
         at = tm_series_scan(s, n, (size_t)at + l, sc, &f, &l)) {
        size_t a = (size_t)at;
        while (a > after && !u_in(s[a - 1], "。！？"))
            a--;
        if (f != form && a > after &&
            (u_find(s, (size_t)at, a, "建议") >= 0 || u_find(s, (size_t)at, a, "呼吁") >= 0)) {
            again = at;
            break;
        }
    }
    if (again < 0)
        return n;
    size_t e = (size_t)again;
    while (e > after && !u_in(s[e - 1], "。！？"))
        e--;
    return e > after ? e : (size_t)again;
}

/* Whether the inline series after the text s[0..n) is a list of asks: in
 * the 建议 section, or after a sentence that speaks of 建议, it is; in the
 * 背景 section, or after a sentence that names problems (存在的问题：一是…),
 * it is background. */
static int series_is_asks(const tx_t *t, const uint32_t *s, size_t n)
{
    if (t->section == SEC_RECS)
        return 1;
    size_t a = n;
    while (a > 0 && !u_in(s[a - 1], "。！？"))
        a--;
    /* A series that begins a sentence of its own lists what the sentence
     * before announced: 但仍存在一些问题。一是… are problems. */
    size_t b = n;
    if (a == n && a > 0) {
        b = a - 1;
        a = b;
        while (a > 0 && !u_in(s[a - 1], "。！？"))
            a--;
    }
    if (u_find(s, b, a, "建议") >= 0 || u_find(s, b, a, "呼吁") >= 0)
        return 1;
    return t->section == SEC_HEAD && !tm_names_problems(s + a, b - a);
}

/* The asks of the inline series 一是…二是… (or （一）…（二）…, 1.…2.…) in
 * s[0..n), whose first marker is s[at..at + len). */
static void series_add(tx_t *t, const uint32_t *s, size_t n, int form, size_t at, size_t len)
{
    for (int k = 2; k <= TM_INLINE_MAX + 1; k++) {
        size_t nl;
        /* tm_inline finds no marker past its form's last: the last ask
         * runs to the end. */
        long next = tm_inline(s, n, at + len, form, k, &nl);
        size_t end = next >= 0 ? (size_t)next : n;
        ask_add(t, s + at + len, end - at - len);
        if (next < 0)
            break;
        at = (size_t)next;
        len = nl;
    }
    t->section = SEC_RECS;
    t->numbered = 1;
}

/* Takes the inline series (一是…二是…) of s in turn: a list of asks, or
 * of problems that stays in the background. Returns how much of s they
 * took, with the text before each; 0 when s holds no series. */
static size_t series_take(tx_t *t, const uint32_t *s, size_t n)
{
    size_t pos = 0, l1;
    long i1;
    int form;
    tm_scan_t sc;
    tm_scan_init(&sc);
    while ((i1 = tm_series_scan(s, n, pos, &sc, &form, &l1)) >= 0) {
        size_t at = (size_t)i1, end = series_end(s, n, form, at + l1, &sc);
        if (series_is_asks(t, s + pos, at - pos)) {
            /* What stands before the first is background, but for the
             * clause that announces the asks. */
            background_add(t, s + pos, tm_intro_cut(s + pos, at - pos));
            series_add(t, s, end, form, at, l1);
        } else {
            background_add(t, s + pos, end - pos);
        }
        pos = end;
    }
    return pos;
}

/* Text of the proposal that is not a heading or a numbered ask. */
static void text_add(tx_t *t, const uint32_t *s, size_t n)
{
    size_t taken = series_take(t, s, n);
    if (taken > 0) {
        s += taken;
        n -= taken;
        if (n == 0)
            return;
    }
    if (t->section == SEC_RECS) {
        if (t->n_asks == 0 && tm_intro(s, n))
            return; /* 具体建议如下： */
        if (tm_closing(s, n))
            return; /* 以上建议，供有关部门参考。 */
        int k;
        size_t lead = tm_inline_lead(s, n, &k);
        if (lead > 0) {
            /* 二是…。 as a paragraph of its own: an ask, numbered as the
             * inline ones are, without its number. */
            ask_add(t, s + lead, n - lead);
            t->numbered = 1;
            return;
        }
        if (t->numbered && t->n_asks > 0) {
            /* A paragraph more of the last numbered ask. */
            size_t a = 0, b = n;
            u_trim(s, &a, &b);
            b = tm_ask_end(s, a, b);
            ustr_push(&t->asks[t->n_asks - 1], '\n');
            ustr_append(&t->asks[t->n_asks - 1], s + a, b - a);
            return;
        }
        ask_add(t, s, n);
        return;
    }
    if (tm_intro(s, n)) {
        background_add(t, s, tm_intro_cut(s, n));
        t->section = SEC_RECS;
        return;
    }
    background_add(t, s, n);
    /* 当前存在以下问题：, then (一)…(二)…: the numbered list is background. */
    if (n > 0 && u_in(s[n - 1], "：:") && tm_names_problems(s, n))
        t->section = SEC_BACKGROUND;
}

/* A short line standing alone, without a full stop: the headline of the
 * next article. One that speaks of 建议 or 问题 is rather a subhead of the
 * proposal (web copy puts blank lines around everything). */
static int headline(const uint32_t *s, size_t n, int ended_by_blank)
{
    size_t l;
    int f, k;
    /* 二是健全管护机制, a paragraph of its own without a full stop, is the
     * next ask, no headline. */
    return ended_by_blank && n <= 40 && !tm_terminated(s, n) && tm_series(s, n, 0, &f, &l) < 0 &&
           tm_inline_lead(s, n, &k) == 0 && !tm_intro(s, n) && u_find(s, n, 0, "建议") < 0 &&
           u_find(s, n, 0, "问题") < 0;
}

static void delegation_take(tx_t *t, const uint32_t *s, size_t n)
{
    /* A delegation named after the title is the proposal's, also when a
     * line above the title named another: that line was the previous
     * proposal's signature (…三是…。 / 山西代表团 / 关于… / 河北代表团). */
    t->scratch.len = 0;
    if (t->delegation_above && tm_delegation(s, n, &t->scratch)) {
        ustr_set(&t->delegation, t->scratch.p, t->scratch.len);
        t->delegation_above = 0;
    } else if (t->delegation.len == 0) {
        tm_delegation(s, n, &t->delegation);
    }
    /* The names after the lead author's (张某某、李某某等10名代表) are
     * co-signers, unless a 联名代表： line named them already. */
    if (t->lead.len == 0 && tm_lead_author(s, n, &t->lead) && t->co_signers.len == 0)
        t->co_from_byline = tm_named_co_signers(s, n, t->lead.p, t->lead.len, &t->co_signers);
}

/* A paragraph of a confirmed proposal. */
static void in_para(tx_t *t, pkind_t kind, const uint32_t *s, size_t n, long first, long last,
                    int ended_by_blank)
{
    size_t c;
    switch (kind) {
    case P_TITLE:
        proposal_end(t, t->prev_last);
        candidate_start(t, s, n, first);
        return;
    case P_SOURCE: /* handled by para_done */
    case P_IDENT:  /* and by ident_para */
        return;
    case P_DELEGATION: {
        /* 联名代表：… names the co-signers, not the lead author, also at
         * the proposal's end. */
        size_t before = t->co_signers.len;
        if (tm_co_signers(s, n, &t->co_signers)) {
            if (t->co_from_byline && t->co_signers.len > before && !t->co_signers.oom) {
                /* The whole list names again those the byline named. */
                memmove(t->co_signers.p, t->co_signers.p + before,
                        (t->co_signers.len - before) * sizeof(*t->co_signers.p));
                t->co_signers.len -= before;
                t->co_from_byline = 0;
            }
            return;
        }
        if (t->section == SEC_HEAD) {
            delegation_take(t, s, n);
            return;
        }
        text_add(t, s, n);
        return;
    }
    case P_SECTION: {
        int sec = tm_section(s, n, &c);
        t->section = sec == TM_RECS ? SEC_RECS : SEC_BACKGROUND;
        if (c < n)
            text_add(t, s + c, n - c);
        return;
    }
    case P_NUMBERED: {
        int f;
        c = tm_numbering(s, n);
        if (t->section == SEC_BACKGROUND) {
            background_add(t, s, n);
            return;
        }
        t->section = SEC_RECS;
        if (tm_series(s, n, 0, &f, &c) == 0) {
            /* （一）…；（二）…；（三）… in one paragraph */
            text_add(t, s, n);
            return;
        }
        c = tm_numbering(s, n);
        t->numbered = 1;
        ask_add(t, s + c, n - c);
        return;
    }
    case P_TEXT:
        if (headline(s, n, ended_by_blank) &&
            (t->section == SEC_RECS || t->n_asks > 0 || t->background.len > 0)) {
            proposal_end(t, t->prev_last);
            skip_extend(t, first, last, "an article after a proposal, without a proposal title");
            return;
        }
        text_add(t, s, n);
        return;
    }
    (void)last;
}

/* What a paragraph means where it stands. */
static void para_state(tx_t *t, pkind_t kind, const uint32_t *s, size_t n, long first, long last,
                       int ended_by_blank)
{
    size_t l;
    int f;
    switch (t->state) {
    case S_OUTSIDE:
        if (kind == P_TITLE)
            candidate_start(t, s, n, first);
        else if (kind != P_SOURCE)
            skip_extend(t, first, last, "no proposal title before it");
        return;
    case S_CANDIDATE:
        if (kind == P_TITLE) {
            candidate_skip(t);
            candidate_start(t, s, n, first);
            return;
        }
        if (kind == P_SOURCE)
            return; /* para_done ends the candidate */
        t->prop_last = last;
        if (kind == P_DELEGATION || kind == P_SECTION ||
            ((kind == P_TEXT || kind == P_NUMBERED) &&
             (u_find(s, n, 0, "代表团") >= 0 || u_find(s, n, 0, "团代表") >= 0 ||
              tm_inline(s, n, 0, TM_F_SHI, 1, &l) >= 0 || tm_series(s, n, 0, &f, &l) >= 0 ||
              tm_intro(s, n)))) {
            t->state = S_IN;
            /* The lead author is taken from delegation lines only: a name
             * before 代表 in running text is anyone's. */
            if ((kind == P_TEXT || kind == P_NUMBERED) && t->delegation.len == 0)
                tm_delegation(s, n, &t->delegation);
            in_para(t, kind, s, n, first, last, ended_by_blank);
            return;
        }
        if (++t->cand_paras > CONFIRM_WINDOW) {
            candidate_skip(t);
            skip_extend(t, first, last, "");
            return;
        }
        background_add(t, s, n);
        return;
    case S_IN:
        t->prev_last = t->prop_last;
        t->prop_last = last;
        /* Only a delegation line right after the title wins over the one
         * above it: one further down (a line of the background) does not. */
        if (kind != P_DELEGATION)
            t->delegation_above = 0;
        in_para(t, kind, s, n, first, last, ended_by_blank);
        if (t->state == S_IN && proposal_size(t) > PROPOSAL_MAX) {
            char where[32], reason[160];
            snprintf(where, sizeof(where), "line %ld", t->title_line);
            snprintf(reason, sizeof(reason),
                     "the proposal runs on past line %ld and over %d K characters: its source "
                     "note or the next title is probably missing",
                     last, PROPOSAL_MAX / 1024);
            if (t->h->import_reject(t->job, where, reason) == PTRACK_ECANCELED)
                t->rc = PTRACK_ECANCELED;
            proposal_reset(t);
        }
        return;
    }
}

/* A source note ends the article it closes. */
static void source_seen(tx_t *t, const ustr_t *name, long first, long last)
{
    switch (t->state) {
    case S_IN:
        ustr_set(&t->source, name->p, name->len);
        t->prop_last = last;
        proposal_end(t, last);
        return;
    case S_CANDIDATE:
        t->prop_last = last;
        candidate_skip(t);
        return;
    case S_OUTSIDE:
        /* A note before any text is the whole document's (来源：…简报第5期
         * at its top); one after skipped text closes that text. */
        if (!t->seen_title && !t->skip_from)
            ustr_set(&t->doc_source, name->p, name->len);
        else
            skip_extend(t, first, last, "no proposal title before it");
        return;
    }
}

/* Whether a sentence mark (。，；：…) is in s: a title's second line, a
 * headline or a kicker has none. */
static int has_sentence_marks(const uint32_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (u_in(s[i], "。！？；，：:;,"))
            return 1;
    return 0;
}

/* Whether a delegation line may stand above its proposal's title: a
 * newspaper's kicker whose dash leads into the headline (山西团代表提出
 * 建议——, also naming a person: 全国人大代表王某某提出建议——), or a
 * bulletin's line that names the delegation (广东代表团). Either is a line
 * without a sentence in it; *dash says whether it ends in a dash. A line
 * that names a person only and no dash (王某某代表, 领衔代表：王某某) is
 * read after a title only: above one, it may as well sign the proposal
 * before. */
static int delegation_line_above(const uint32_t *s, size_t n, int *dash)
{
    size_t b = n;
    while (b > 0 && u_in(s[b - 1], "—―─- "))
        b--;
    *dash = b < n && u_in(s[b], "—―─-");
    if (b == 0 || has_sentence_marks(s, b))
        return 0;
    ustr_t name = {0};
    int named = tm_delegation(s, b, &name);
    ustr_free(&name);
    return named || *dash;
}

/* Holds a delegation line that stands outside a proposal, or after a
 * proposal's asks, until the next paragraph: above a title it is the next
 * proposal's (delegation_above_title); above anything else it is what it
 * was (delegation_release). Returns 1 when it was held. */
static int delegation_hold(tx_t *t, const uint32_t *s, size_t n, long first, long last,
                           int ended_by_blank)
{
    int dash;
    if (t->state == S_CANDIDATE || (t->state == S_IN && t->section == SEC_HEAD && t->n_asks == 0) ||
        !delegation_line_above(s, n, &dash))
        return 0;
    ustr_set(&t->above, s, n);
    t->above_held = 1;
    t->above_dash = dash;
    t->above_blank = ended_by_blank;
    t->above_first = first;
    t->above_last = last;
    return 1;
}

/* The held delegation line stands above no title: it is read where it
 * stands, as it was before it was held (skipped outside a proposal, text
 * of the proposal inside one). */
static void delegation_release(tx_t *t)
{
    if (!t->above_held)
        return;
    t->above_held = 0;
    /* A kicker (its dash leads into a headline) after a proposal's asks
     * begins the next article, whatever follows it: the proposal ends above
     * it, and it is skipped, where it was taken for the last ask's end
     * (…二是共建实训基地。 / 河北团代表提出建议—— at a page's foot). */
    if (t->above_dash && t->state == S_IN && t->n_asks > 0)
        proposal_end(t, t->prop_last);
    para_state(t, P_DELEGATION, t->above.p, t->above.len, t->above_first, t->above_last,
               t->above_blank);
}

/* The held delegation line stands above the title s[0..n): it opens the
 * proposal, which it confirms as a delegation line after the title does;
 * the proposal before ends above it. */
static void delegation_above_title(tx_t *t, const uint32_t *s, size_t n, long first, long last)
{
    t->above_held = 0;
    if (t->state == S_IN)
        proposal_end(t, t->prop_last);
    candidate_start(t, s, n, first);
    t->art_first = t->above_first;
    t->prop_last = last;
    t->state = S_IN;
    delegation_take(t, t->above.p, t->above.len);
    t->delegation_above = t->delegation.len > 0;
}

/* The held number line stands above no title: it is read where it stands,
 * as it was before it was held (skipped outside a proposal, text of the
 * proposal inside one). */
static void ident_release(tx_t *t)
{
    if (!t->ident_held)
        return;
    t->ident_held = 0;
    para_state(t, P_TEXT, t->held_line.p, t->held_line.len, t->ident_first, t->ident_last,
               t->ident_blank);
}

/* Releases the held lines that no title followed, in their order. */
static void held_release(tx_t *t)
{
    if (t->ident_held && t->above_held && t->above_first < t->ident_first)
        delegation_release(t);
    ident_release(t);
    delegation_release(t);
}

static int ustr_eq(const ustr_t *a, const ustr_t *b)
{
    return a->len == b->len && (a->len == 0 || !memcmp(a->p, b->p, a->len * sizeof(*a->p)));
}

/* A line of the form that gives nothing (tm_ident_line): a 编号 that
 * is a date or no number, a standing committee's meeting. Neither text of
 * the proposal nor its number or session: it is listed with the passages
 * skipped, saying why, in its place among them. */
static void ident_unread(tx_t *t, int got, const uint32_t *s, size_t n, long line)
{
    static const char *const why[][2] = {
        [TM_ID_DATE] = {"a number", "a date, not a proposal's number"},
        [TM_ID_NOT_NUMBER] = {"a number", "not a proposal's number"},
        [TM_ID_STANDING] = {"a session",
                            "a meeting of a standing committee, not a session of a congress"},
    };
    if (got <= TM_ID_READ || got > TM_ID_STANDING)
        return;
    char where[32], reason[240], *text = u_utf8(s, n);
    skip_close(t);
    snprintf(where, sizeof(where), "line %ld", line);
    pt_utf8_format(reason, sizeof(reason), "not read as %s: \"%s\" is %s", why[got][0],
                   text ? text : "?", why[got][1]);
    free(text);
    skip_report(t, where, reason, line);
}

/* Whether the number line num, which no title has taken yet, goes on a
 * list of such lines (第1号, 第2号, 第3号: the numbers of asks or of the
 * items of an attachment) since the last title: the first is 1, each one
 * more than the one before. It is remembered as the list's last. */
static int number_listed(tx_t *t, const ustr_t *num)
{
    long v = 0;
    for (size_t i = 0; i < num->len && v >= 0; i++)
        v = u_is_digit(num->p[i]) && v < 100000000 ? v * 10 + (long)(num->p[i] - '0') : -1;
    int listed = t->list_no > 0 && v == t->list_no + 1;
    t->list_no = v == 1 || listed ? v : 0;
    return listed;
}

/* A line that gives a number or a session and nothing else
 * (tm_ident_line). In the header of the proposal being read (after its
 * title, before its background and asks: 编号：3105 beside 领衔代表：…) it
 * is that proposal's, unless it gives a number other than one read
 * already. Elsewhere a session is the document's, of each proposal that
 * begins after it, and a number is held for the title below it: a number
 * belongs to one proposal, and one that no title follows is read as it
 * was before (ident_release). */
static void ident_para(tx_t *t, const uint32_t *s, size_t n, long first, long last,
                       int ended_by_blank)
{
    ustr_t num = {0}, sess = {0};
    int got = tm_ident_line(s, n, &num, &sess);
    int header = (t->state == S_CANDIDATE ||
                  (t->state == S_IN && t->section == SEC_HEAD && t->n_asks == 0)) &&
                 t->background.len == 0;
    if (got != TM_ID_READ) {
        /* After a standing committee's meeting, no session is known: not
         * the one named above it. */
        ident_unread(t, got, s, n, first);
        if (header && got == TM_ID_STANDING)
            t->session.len = 0;
        else if (got == TM_ID_STANDING)
            t->doc_session.len = 0;
        if (header)
            t->prop_last = last;
    } else if (header && (num.len == 0 || t->number.len == 0 || ustr_eq(&num, &t->number))) {
        if (num.len)
            ustr_set(&t->number, num.p, num.len);
        if (sess.len)
            ustr_set(&t->session, sess.p, sess.len);
        t->prop_last = last;
    } else if (num.len == 0) {
        ustr_set(&t->doc_session, sess.p, sess.len);
    } else if (sess.len == 0 && number_listed(t, &num)) {
        /* 第2号 after 第1号, which no title took: a list, whose numbers
         * are text, as they were, and the last of them no title's. */
        held_release(t);
        para_state(t, P_TEXT, s, n, first, last, ended_by_blank);
    } else {
        ident_release(t);
        ustr_set(&t->held_number, num.p, num.len);
        ustr_set(&t->held_session, sess.p, sess.len);
        ustr_set(&t->held_line, s, n);
        t->ident_held = 1;
        t->ident_blank = ended_by_blank;
        t->ident_first = first;
        t->ident_last = last;
    }
    if (num.oom || sess.oom)
        t->rc = PTRACK_ENOMEM;
    ustr_free(&num);
    ustr_free(&sess);
}

static void para_process(tx_t *t, pkind_t kind, const uint32_t *s, size_t n, long first, long last,
                         int ended_by_blank)
{
    if (kind == P_IDENT) {
        ident_para(t, s, n, first, last, ended_by_blank);
        return;
    }
    if (t->ident_held && !t->ident_blank && !t->above_held && kind == P_TEXT) {
        /* Text right below the number line, no title: the two are one
         * paragraph, as they were before the line was held (第3110号 /
         * 附件：办理情况统计表). */
        t->ident_held = 0;
        ustr_append(&t->held_line, s, n);
        para_state(t, P_TEXT, t->held_line.p, t->held_line.len, t->ident_first, last,
                   ended_by_blank);
        return;
    }
    if (t->above_held || t->ident_held) {
        if (kind == P_TITLE) {
            if (t->above_held)
                delegation_above_title(t, s, n, first, last);
            else
                para_state(t, kind, s, n, first, last, ended_by_blank);
            return;
        }
        /* 第3105号建议 / 广东代表团 / 关于…: both stand above the title. */
        if (kind == P_DELEGATION && !t->above_held &&
            delegation_hold(t, s, n, first, last, ended_by_blank))
            return;
        held_release(t);
    }
    if (kind == P_DELEGATION && delegation_hold(t, s, n, first, last, ended_by_blank))
        return;
    para_state(t, kind, s, n, first, last, ended_by_blank);
}

static pkind_t classify(const uint32_t *s, size_t n, int *closed)
{
    size_t c;
    ustr_t name = {0};
    *closed = 0;
    if (tm_section(s, n, &c) != TM_NONE) {
        *closed = c >= n;
        return P_SECTION;
    }
    int src = tm_source(s, n, &c, &name) && c == 0;
    ustr_free(&name);
    if (src) {
        *closed = 1;
        return P_SOURCE;
    }
    if (tm_numbering(s, n) > 0)
        return P_NUMBERED;
    if (tm_title(s, n)) {
        /* A title that starts with 关于 but has not reached its 建议 yet
         * may go on on the next line. */
        *closed = !u_match(s, n, 0, "关于") || tm_title_kind(s, n) != TM_NONE;
        return P_TITLE;
    }
    if (tm_delegation_line(s, n)) {
        *closed = 1;
        return P_DELEGATION;
    }
    return P_TEXT;
}

/* Ends the open paragraph and processes it. */
static void para_done(tx_t *t, int ended_by_blank)
{
    if (!t->para_open)
        return;
    t->para_open = 0;
    uint32_t *s = t->para.p;
    size_t n = t->para.len;
    ustr_t name = {0};
    size_t start;
    if (t->para_kind == P_TITLE && !t->para_kicked && !tm_title(s, n))
        t->para_kind = P_TEXT; /* a wrapped 关于 line that turned into a sentence */
    if (t->para_kind == P_IDENT) {
        para_process(t, P_IDENT, s, n, t->para_first, t->para_last, ended_by_blank);
        t->para.len = 0;
        return;
    }
    if (tm_source(s, n, &start, &name)) {
        /* A note at the end of the paragraph, or the paragraph itself. */
        size_t a = 0, b = start;
        u_trim(s, &a, &b);
        if (b > a)
            para_process(t, t->para_kind == P_SOURCE ? P_TEXT : t->para_kind, s + a, b - a,
                         t->para_first, t->para_last, ended_by_blank);
        held_release(t);
        source_seen(t, &name, t->para_first, t->para_last);
    } else {
        para_process(t, t->para_kind, s, n, t->para_first, t->para_last, ended_by_blank);
    }
    if (name.oom)
        t->rc = PTRACK_ENOMEM;
    ustr_free(&name);
    t->para.len = 0;
}

/* Joins line to the paragraph: Latin words cut by a hyphen are mended,
 * Latin words on two lines get a space, Chinese text nothing. */
static void para_join(tx_t *t, const uint32_t *s, size_t n)
{
    ustr_t *p = &t->para;
    uint32_t last = p->len ? p->p[p->len - 1] : 0;
    uint32_t before = p->len > 1 ? p->p[p->len - 2] : 0;
    uint32_t next = n ? s[0] : 0;
#define LATIN(c) (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z'))
    if (last == '-' && LATIN(before) && LATIN(next))
        p->len--;
    else if (last < 0x80 && next < 0x80 && last != ' ' && last && next && !u_is_wide(last) &&
             !u_is_wide(next))
        ustr_push(p, ' ');
#undef LATIN
    ustr_append(p, s, n);
}

/* Whether the open paragraph is the headline of an article that follows a
 * proposal's asks with no source note between them: a short line without
 * punctuation after a blank line. Its text may follow on the next line
 * without a blank (春季招聘会明日开幕 / 记者从…获悉，…), so the headline
 * takes no more lines. */
static int headline_open(const tx_t *t)
{
    int k;
    return t->state == S_IN && t->n_asks > 0 && t->para_kind == P_TEXT && t->after_blank &&
           t->para.len <= 30 && !has_sentence_marks(t->para.p, t->para.len) &&
           tm_inline_lead(t->para.p, t->para.len, &k) == 0;
}

/* Whether line u is a kicker (a delegation line whose dash leads into a
 * headline) below a proposal's asks: those read, or the open paragraph's
 * (a numbered ask, the 建议 heading with its series). It begins the next
 * article, or nothing (the document's last line), and starts a paragraph
 * of its own even when the last ask has no full stop, where it was read
 * as the rest of that ask's sentence (…二是共建实训基地 / 河北团代表提出
 * 建议——), and so was all of the next article. */
static int kicker_below_asks(const tx_t *t, const ustr_t *u)
{
    int dash;
    size_t c;
    if (t->state != S_IN || !delegation_line_above(u->p, u->len, &dash) || !dash)
        return 0;
    return t->n_asks > 0 || t->section == SEC_RECS || t->para_kind == P_NUMBERED ||
           (t->para_kind == P_SECTION && tm_section(t->para.p, t->para.len, &c) == TM_RECS);
}

/* Whether line u goes on an inline series that a narrow column cut after
 * a semicolon: 建议：一是…； / 二是…；三是 / …. */
static int series_goes_on(const tx_t *t, const ustr_t *u)
{
    int k;
    return t->para.len > 0 && u_in(t->para.p[t->para.len - 1], "；，") &&
           tm_inline_lead(u->p, u->len, &k) > 0 && k >= 2;
}

/* Whether a title line starts a paragraph of its own even after a line
 * that did not end a sentence: a line above a 关于… title or a headline is
 * a kicker or a document number (守护母亲河 建设幸福河, 第0456号), not
 * the start of the title's sentence. */
static int title_alone(const uint32_t *s, size_t n)
{
    return u_match(s, n, 0, "关于") || tm_headline(s, n) > 0;
}

/* Whether line u is a headline whose author stands alone on the open
 * paragraph's one line above it, as a kicker over a headline's main line
 * (全国人大代表王某某： / 建议加快推进县域医共体建设): the two lines are
 * the headline written on one line (tm_headline). */
static int headline_below_author(tx_t *t, const ustr_t *u)
{
    /* Inside a proposal, the line above must stand alone, after a blank
     * line: a sentence of a background that a narrow column wrapped after
     * its colon (张某某代表表示： / 建议进一步加大投入…) is no headline. */
    if (t->state == S_IN && !t->after_blank)
        return 0;
    if (!t->para_open || t->blank_seen || t->para_first != t->para_last || t->para.len == 0 ||
        t->para.len > 21 || !u_in(t->para.p[t->para.len - 1], "：:"))
        return 0;
    ustr_t *h = &t->scratch;
    ustr_set(h, t->para.p, t->para.len);
    ustr_append(h, u->p, u->len);
    return !h->oom && tm_headline(h->p, h->len) > 0 && tm_title(h->p, h->len);
}

/* One physical line of the document. */
static void line_in(tx_t *t, const char *raw, size_t len, long no)
{
    ustr_t *u = &t->line;
    u->len = 0;
    ustr_append_utf8(u, raw, len);
    int page_break = 0;
    tn_normalise(u, &page_break);
    if (page_break)
        t->page_break = 1;
    /* A line that begins （上接第1版） continues a sentence from another
     * page: a page break before it, across which a sentence cut by it
     * (…水资源（下转第4版） / blank / （上接第1版）短缺…) goes on, as
     * across a page's furniture on lines of its own. */
    int continued;
    tn_kind_t k = tn_furniture(u, &continued);
    if (continued)
        t->page_break = 1;
    /* A line that reads as an ad's but comes right after a line whose
     * sentence runs on is that sentence's (群众拨打 / 0351-12345678等号码
     * 常常占线，…): dropped, the sentence would lose its end without a
     * word. */
    if (k == TN_AD_LINE)
        k = t->para_open && !t->blank_seen && !t->ad_block && !tm_terminated(t->para.p, t->para.len)
                ? TN_TEXT
                : TN_FURNITURE;
    if (k == TN_FURNITURE || k == TN_AD_HEADER || (t->ad_block && k == TN_TEXT)) {
        t->n_furniture++;
        t->page_break = 1;
        if (k == TN_AD_HEADER)
            t->ad_block = 1;
        return;
    }
    if (k == TN_BLANK) {
        t->ad_block = 0;
        t->blank_seen = 1;
        return;
    }
    if (headline_below_author(t, u)) {
        ustr_append(&t->para, u->p, u->len);
        t->para_kind = P_TITLE;
        t->para_closed = 1;
        t->para_last = no;
        t->page_break = 0;
        return;
    }
    int closed;
    pkind_t kind = classify(u->p, u->len, &closed);
    /* 2、3号线 right after a line that left its sentence open goes on
     * that sentence (1．加快推进地铁 / 2、3号线延伸段建设…); after one
     * that ended it, 2、 numbers an ask (…； / 2、3年内建成…). */
    if (kind == P_NUMBERED && t->para_open && (!t->blank_seen || t->page_break) &&
        !tm_terminated(t->para.p, t->para.len) && tm_number_list(u->p, u->len))
        kind = P_TEXT;
    /* A line of a number or a session alone (第3105号建议, 编号：3105) is a
     * paragraph of its own, unless it goes on a sentence that the line
     * before left open (根据省政府 / 第12号 / 令的规定…). */
    if (!(t->para_open && !t->para_closed && (!t->blank_seen || t->page_break) &&
          !tm_terminated(t->para.p, t->para.len))) {
        ustr_t num = {0}, sess = {0};
        if (tm_ident_line(u->p, u->len, &num, &sess)) {
            kind = P_IDENT;
            closed = 1;
        }
        ustr_free(&num);
        ustr_free(&sess);
    }
    int join = 0, alone = t->para_open && headline_open(t);
    if (t->para_open && !alone && t->para.len + u->len < PARA_MAX) {
        if (t->para_kind == P_TITLE && !t->para_closed)
            /* 关于加快太行革命老区振兴 / 发展的建议 */
            join = !t->blank_seen && u->len <= 40 && !has_sentence_marks(u->p, u->len) &&
                   kind != P_SECTION && kind != P_NUMBERED && kind != P_SOURCE && kind != P_IDENT;
        else
            join = !t->para_closed &&
                   (!tm_terminated(t->para.p, t->para.len) || series_goes_on(t, u)) &&
                   (!t->blank_seen || t->page_break) &&
                   (kind == P_TEXT || (kind == P_TITLE && !title_alone(u->p, u->len)) ||
                    (kind == P_DELEGATION && !kicker_below_asks(t, u)));
    }
    if (join) {
        para_join(t, u->p, u->len);
        if (t->para_kind == P_TITLE)
            t->para_closed = tm_title_kind(t->para.p, t->para.len) != TM_NONE;
    } else {
        para_done(t, t->blank_seen || alone);
        /* The line a kicker's dash leads into right below it is the
         * headline, a title whatever its form (山西团代表提出建议—— /
         * 加快推进太行山旅游公路建设), when it is no sentence. */
        int kicked = t->above_held && t->above_dash && !t->blank_seen && kind == P_TEXT &&
                     u->len <= 40 && !has_sentence_marks(u->p, u->len);
        if (kicked) {
            kind = P_TITLE;
            closed = 1;
        }
        t->para_kicked = kicked;
        t->after_blank = t->blank_seen || t->para_last == 0;
        ustr_set(&t->para, u->p, u->len);
        t->para_open = 1;
        t->para_kind = kind;
        t->para_closed = closed;
        t->para_first = no;
    }
    t->para_last = no;
    t->blank_seen = 0;
    t->page_break = 0;
}

static void document_end(tx_t *t)
{
    para_done(t, 1);
    held_release(t);
    if (t->state == S_IN)
        proposal_end(t, t->prop_last);
    else if (t->state == S_CANDIDATE)
        candidate_skip(t);
    skip_close(t);
}

static void tx_free(tx_t *t)
{
    ustr_free(&t->line);
    ustr_free(&t->scratch);
    ustr_free(&t->para);
    ustr_free(&t->title);
    ustr_free(&t->delegation);
    ustr_free(&t->lead);
    ustr_free(&t->background);
    ustr_free(&t->source);
    ustr_free(&t->doc_source);
    ustr_free(&t->number);
    ustr_free(&t->session);
    ustr_free(&t->doc_session);
    ustr_free(&t->held_number);
    ustr_free(&t->held_session);
    ustr_free(&t->held_line);
    ustr_free(&t->co_signers);
    ustr_free(&t->above);
    for (size_t i = 0; i < MAX_ASKS; i++)
        ustr_free(&t->asks[i]);
}

static int text_import(void *state, ptrack_job_t *job, const char *format)
{
    (void)format;
    const pt_plugin_state_t *ps = state;
    const ptrack_host_t *h = ps->host;
    text_input_t *in = malloc(sizeof(*in));
    tx_t *t = calloc(1, sizeof(*t));
    if (!in || !t) {
        free(in);
        free(t);
        return PTRACK_ENOMEM;
    }
    t->h = h;
    t->inst = ps->inst;
    t->job = job;
    int rc = text_input_open(in, h, job, h->job_arg(job, "encoding"));
    if (rc != PTRACK_OK) {
        /* An encoding this system does not know: the request's fault. */
        if (rc == PTRACK_EBADARG)
            h->set_error(job, "%s", in->error);
        free(in);
        free(t);
        return rc;
    }
    const char *line;
    size_t len;
    int blank = 1; /* no line so far holds more than blanks */
    while (t->rc == PTRACK_OK && (rc = text_input_next(in, &line, &len)) > 0) {
        blank = blank && pt_utf8_blank(line, len);
        line_in(t, line, len, in->line_no);
        if (oom(t))
            t->rc = PTRACK_ENOMEM;
        if ((in->line_no & 1023) == 0 && h->job_cancelled(job))
            t->rc = PTRACK_ECANCELED;
    }
    if (t->rc == PTRACK_OK && rc == 0 && blank) {
        /* Nothing to read is no document, as an empty file is no sheet
         * to the csv importer: refused, not an import of nothing. */
        h->set_error(job, "the file is empty: send the text of a document with proposals "
                          "(a newspaper page, a delegation's bulletin)");
        t->rc = PTRACK_ERROR;
    } else if (t->rc == PTRACK_OK && rc == 0) {
        document_end(t);
        if (t->rc == PTRACK_OK && oom(t))
            t->rc = PTRACK_ENOMEM;
        h->log(t->inst, PTRACK_LOG_INFO,
               "text import done: proposals %ld, passages skipped %ld, lines of page "
               "furniture removed %ld",
               t->n_proposals, t->n_skipped, t->n_furniture);
    } else if (t->rc == PTRACK_OK) {
        t->rc = rc;
        if (rc == PTRACK_EINVAL) {
            h->set_error(job, "%s", in->error);
            t->rc = PTRACK_ERROR;
        }
    }
    if (t->rc == PTRACK_ENOMEM)
        h->set_error(job, "out of memory reading the document");
    rc = t->rc;
    text_input_close(in);
    free(in);
    tx_free(t);
    free(t);
    return rc;
}

static const char *const text_formats[] = {"text", NULL};

/* The query parameters read with job_arg. */
static const char *const text_args[] = {"encoding", NULL};

static const ptrack_importer_ops_t text_importer = {
    .struct_size = sizeof(ptrack_importer_ops_t),
    .formats = text_formats,
    .import = text_import,
    .args = text_args,
};

static const ptrack_plugin_t text_plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "import_text",
    .version = "1.0",
    .description = "imports proposals from newspaper and delegation bulletin text (format text; "
                   "?encoding=gbk for GBK)",
    .kinds = PTRACK_KIND_IMPORTER,
    .create = pt_plugin_state_create,
    .destroy = pt_plugin_state_destroy,
    .importer = &text_importer,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &text_plugin;
}
