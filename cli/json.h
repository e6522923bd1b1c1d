/*
 * json.h - small helpers for reading and building cJSON values.
 *
 * Reading helpers return NULL or a default when a member is missing or of
 * another type, because the client shows whatever the server sends and must
 * not crash on a field an older or newer daemon leaves out. Building helpers
 * exit on out-of-memory like pt_xmalloc (buf.h), so a request body is never
 * sent with a member silently missing.
 */
#ifndef PT_CLI_JSON_H
#define PT_CLI_JSON_H

#include <stdbool.h>
#include <stdio.h>
#include <cjson/cJSON.h>

/* obj[key] when it is a string, else NULL. */
const char *pt_json_str(const cJSON *obj, const char *key);
/* obj[key] when it is a number, else def. */
double pt_json_num(const cJSON *obj, const char *key, double def);
/* obj[key] when it is a boolean, else def. */
bool pt_json_bool(const cJSON *obj, const char *key, bool def);
/* obj[key] of any type, or NULL. */
cJSON *pt_json_get(const cJSON *obj, const char *key);

/* Adds item under key (replacing nothing); exits on out-of-memory. */
void pt_json_add(cJSON *obj, const char *key, cJSON *item);
void pt_json_add_str(cJSON *obj, const char *key, const char *s);
/* Appends item to an array; exits on out-of-memory. */
void pt_json_push(cJSON *arr, cJSON *item);

/* Prints v indented, with a final newline, to out. */
void pt_json_print(const cJSON *v, FILE *out);
/* Prints v on one line, with a final newline (watch --json). */
void pt_json_print_line(const cJSON *v, FILE *out);

/* Joins the strings of an array with sep into a new string ("" for none).
 * Ownership: the caller frees. */
char *pt_json_join(const cJSON *arr, const char *sep);
/* The strings of arr, in order, others passed over, and their number in
 * *n. Ownership: the caller frees the array (NULL when there are none),
 * whose strings are arr's own. */
const char **pt_json_strings(const cJSON *arr, size_t *n);

#endif
