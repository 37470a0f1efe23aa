/* letters_int.h - what the letters files share among themselves and
 * nobody else needs: the route and command tables the module declares. */
#ifndef PENDOPO_LETTERS_INT_H
#define PENDOPO_LETTERS_INT_H

#include "module.h"

extern const struct route letters_routes[];
extern const struct command letters_commands[];

#endif
