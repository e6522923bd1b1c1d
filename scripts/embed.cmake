# Turns a text file into a C source that defines `const char NAME[]` holding
# its bytes and a trailing NUL, so that data files can be built in.
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
file(WRITE ${OUT} "/* Generated from ${IN}; do not edit. */\n#include <stddef.h>\nconst char ${NAME}[] = {${body}0x00};\nconst size_t ${NAME}_len = sizeof(${NAME}) - 1;\n")
