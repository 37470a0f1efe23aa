/* data.h - Satu Data, the regency's one-data hub: a catalogue of datasets
 * with Frictionless Table Schemas, an indicator registry with one
 * designated producer per indicator, validated all-or-nothing imports kept
 * as versions, conflict detection across agencies and region levels, the
 * producer -> walidata -> pembina flow, and the CKAN Action API.
 *
 * The only public header of src/data/: other services and main.c use this.
 */
#ifndef PENDOPO_DATA_H
#define PENDOPO_DATA_H

#include "module.h"

struct app;

extern const struct module data_module;

/* `pendopo data import RESOURCE FILE.csv` (a progress bar on a terminal)
 * and `pendopo data scan`.  RESOURCE is a resource id.  note is the
 * version's change note.  Returns the process exit code. */
int data_command(struct app *app, int argc, char **argv, const char *note);

#endif
