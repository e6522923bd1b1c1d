/*
 * decidim_json.h - a streaming reader of Decidim's JSON export: an array
 * of proposal objects, read one element at a time and flattened into a row
 * of (path, text) pairs with the keys joined by '/', as the CSV export
 * names its columns: {"title": {"en": "x"}} gives "title/en" = "x",
 * {"taxonomies": [{"id": 3}]} gives "taxonomies/0/id" = "3". Numbers and
 * booleans are kept as their JSON text; null is left out. A key may be of
 * any length, as long as the path of keys it ends fits in path (1023
 * bytes); a longer one is a syntax error.
 *
 * Only one element is held at a time, so memory is flat however many
 * proposals the file has. A syntax error ends the reading (the rest of the
 * file cannot be trusted); an element that is not an object, or is larger
 * than ROW_MAX, is returned with `error` set and the reading goes on.
 */
#ifndef IMPORT_DECIDIM_JSON_H
#define IMPORT_DECIDIM_JSON_H

#include "decidim_input.h"

typedef struct {
    din_t *in;
    drow_t row;
    char path[1024];
    size_t plen;
    long rec_line; /* the line the element starts on */
    long n;        /* elements read */
    int done;
    char error[200];
} djson_t;

/* Reads the opening '['. Returns PTRACK_OK, PTRACK_EINVAL (error says
 * why) or a failed read's code. */
int djson_open(djson_t *j, din_t *in);
/* The next element: 1 (error set when it is not a usable object), 0 after
 * the closing ']', PTRACK_EINVAL on a syntax error (error says where), or
 * a failed read's code or PTRACK_ENOMEM. Thread: the job's. */
int djson_next(djson_t *j);
void djson_free(djson_t *j);

#endif
