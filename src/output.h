/* output.h: colour and small printing helpers for the output code */
#ifndef TWTUNE_OUTPUT_H
#define TWTUNE_OUTPUT_H

#include <stdio.h>

enum color { C_RESET, C_BOLD, C_DIM, C_RED, C_YELLOW, C_GREEN, C_CYAN };

/* The escape sequence for c when colour is on, else "". */
const char *color(enum color c);

/* Flushes stdout and reports a failed write (full disk, closed pipe):
 * returns EXIT_SYSTEM after one line on stderr, else rc unchanged. */
int finish_stdout(int rc);

#endif
