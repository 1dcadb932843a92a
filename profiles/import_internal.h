/* What the importers share with the format dispatch (import.c; private to
 * profiles/ and its tests). */
#ifndef PROF_IMPORT_INTERNAL_H
#define PROF_IMPORT_INTERNAL_H

#include "profile.h"

/* Append every system of from to to, emptying from (no checks). */
int prof_set_move_all(prof_set *from, prof_set *to);

/* Today's date in UTC as "YYYY-MM-DD" (buf holds at least 11 bytes). */
void prof_today_utc(char *buf);

#endif
