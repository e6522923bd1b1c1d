/*
 * decidim_html.c - HTML to plain text (see decidim_html.h).
 */
#include "decidim_html.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static size_t put_utf8(char *o, unsigned long cp)
{
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* The code point of the entity at s ("&amp;", "&#26032;", "&#x65B0;"),
 * with *len its length; 0 when it is no entity (the '&' stays as it is). */
static unsigned long entity(const char *s, size_t *len)
{
    static const struct {
        const char *name;
        unsigned long cp;
    } names[] = {
        {"amp", '&'},       {"lt", '<'},       {"gt", '>'},       {"quot", '"'},
        {"apos", '\''},     {"nbsp", ' '},     {"ndash", 0x2013}, {"mdash", 0x2014},
        {"hellip", 0x2026}, {"laquo", 0xAB},   {"raquo", 0xBB},   {"ldquo", 0x201C},
        {"rdquo", 0x201D},  {"lsquo", 0x2018}, {"rsquo", 0x2019}, {"middot", 0xB7},
        {"euro", 0x20AC},   {"copy", 0xA9},    {"reg", 0xAE},     {"deg", 0xB0},
    };
    const char *semi = strchr(s, ';');
    if (!semi || semi - s > 10 || semi - s < 3)
        return 0;
    size_t n = (size_t)(semi - s) + 1;
    if (s[1] == '#') {
        char *end;
        unsigned long cp =
            (s[2] == 'x' || s[2] == 'X') ? strtoul(s + 3, &end, 16) : strtoul(s + 2, &end, 10);
        if (end != semi)
            return 0;
        *len = n;
        return cp ? cp : 0xFFFD;
    }
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strlen(names[i].name) == n - 2 && strncmp(s + 1, names[i].name, n - 2) == 0) {
            *len = n;
            return names[i].cp;
        }
    return 0;
}

/* Tags after which the text goes on on a new line. */
static int block_tag(const char *name, size_t n)
{
    static const char *const blocks[] = {"p",  "br",         "div", "li", "ul",    "ol",
                                         "h1", "h2",         "h3",  "h4", "h5",    "h6",
                                         "tr", "blockquote", "pre", "hr", "table", NULL};
    for (size_t i = 0; blocks[i]; i++)
        if (strlen(blocks[i]) == n && strncasecmp(name, blocks[i], n) == 0)
            return 1;
    return 0;
}

char *dhtml_text(const char *html)
{
    size_t len = strlen(html);
    /* Decoding never makes text longer: an entity is at least as long as
     * its UTF-8, a tag becomes at most one newline. */
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    const char *gt = strchr(html, '>');
    for (size_t i = 0; i < len;) {
        char c = html[i];
        /* A '<' with no '>' after it, or another '<' before that, starts
         * no tag ("prices a<b and more", "a<b and more</p>"): it is text.
         * The next '>' is looked for once per '>'. */
        if (c == '<' && gt && gt < html + i)
            gt = strchr(html + i, '>');
        const char *end = c == '<' ? gt : NULL;
        if (end && memchr(html + i + 1, '<', (size_t)(end - html - i - 1)))
            end = NULL;
        if (end && i + 1 < len &&
            ((html[i + 1] >= 'a' && html[i + 1] <= 'z') ||
             (html[i + 1] >= 'A' && html[i + 1] <= 'Z') || html[i + 1] == '/' ||
             html[i + 1] == '!')) {
            const char *name = html + i + 1 + (html[i + 1] == '/');
            size_t nn = 0;
            while (name + nn < end &&
                   ((name[nn] >= 'a' && name[nn] <= 'z') || (name[nn] >= 'A' && name[nn] <= 'Z') ||
                    (name[nn] >= '0' && name[nn] <= '9')))
                nn++;
            if (block_tag(name, nn))
                out[o++] = '\n';
            i = (size_t)(end - html) + 1;
            continue;
        }
        if (c == '&') {
            size_t n = 0;
            unsigned long cp = entity(html + i, &n);
            if (cp) {
                o += put_utf8(out + o, cp == 0xA0 ? ' ' : cp);
                i += n;
                continue;
            }
        }
        /* A lone CR is a line break, as an LF is (a file with CR-only line
         * ends); the CR of a CRLF is none. */
        if (c == '\r')
            c = html[i + 1] == '\n' ? ' ' : '\n';
        out[o++] = c == '\t' ? ' ' : c;
        i++;
    }
    out[o] = '\0';
    /* Tidy: spaces collapsed and trimmed on each line, blank lines dropped
     * (a paragraph is one line of the result). */
    size_t w = 0;
    int at_line_start = 1, space = 0;
    for (size_t r = 0; r < o; r++) {
        char c = out[r];
        if (c == '\n') {
            if (!at_line_start)
                out[w++] = '\n';
            at_line_start = 1;
            space = 0;
        } else if (c == ' ') {
            space = !at_line_start;
        } else {
            if (space)
                out[w++] = ' ';
            space = 0;
            at_line_start = 0;
            out[w++] = c;
        }
    }
    while (w > 0 && out[w - 1] == '\n')
        w--;
    out[w] = '\0';
    return out;
}
