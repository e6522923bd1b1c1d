/*
 * person-name.h - what looks like the name of a Chinese person, for the
 * importers and the client that read several names out of one piece of
 * text: a spreadsheet cell of co-signers written "张三 李四　王五", which
 * is split on its blanks only when every piece is such a name, so that
 * "John Smith" or "张　三" (a two-character name padded to line up with
 * three-character ones) stays one name.
 */
#ifndef PT_PERSON_NAME_H
#define PT_PERSON_NAME_H

#include <stdbool.h>
#include <stddef.h>

/* The longest name with a middle dot taken as a person's, in characters:
 * transliterated names (阿卜杜热合曼·阿卜杜克热木) run long. */
#define PT_PERSON_NAME_DOTTED_MAX 20

/* Whether s[0..n) (UTF-8) looks like the name of a Chinese person: two to
 * four Chinese characters (王芳, 欧阳某某, 王〇〇, 𰻞明: those of every CJK
 * extension and an office's 造字 in the private use area count, and a
 * variation selector after one is part of it), or Chinese characters joined by
 * middle dots, · (U+00B7) or ・ (U+30FB), one between each two parts, as
 * transliterated names are written (阿卜杜拉·买买提), up to
 * PT_PERSON_NAME_DOTTED_MAX characters. Anything else, white space
 * included, is not: Latin letters, digits, punctuation. Thread: any. */
bool pt_person_name_zh(const char *s, size_t n);

#endif /* PT_PERSON_NAME_H */
