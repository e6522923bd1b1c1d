/*
 * decidim_html.h - Decidim's rich text (proposal bodies and answers are
 * HTML from its editor) as plain text: tags dropped, block ends as line
 * breaks, entities decoded, white space tidied.
 */
#ifndef IMPORT_DECIDIM_HTML_H
#define IMPORT_DECIDIM_HTML_H

/* The plain text of html. Ownership: the caller frees; NULL when memory
 * runs out. Text without tags comes back as it was, but for entities and
 * white space; a '<' that starts no tag (no '>' before the next '<' or
 * the end) is text. */
char *dhtml_text(const char *html);

#endif
