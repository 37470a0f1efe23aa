/* backup.h - `pendopo backup` and `pendopo restore` (commands of the ops
 * module): a deployment's database and stored files as one folder. */
#ifndef PENDOPO_BACKUP_H
#define PENDOPO_BACKUP_H

struct cli;

int backup_command(struct cli *cli, int argc, char **argv);
int restore_command(struct cli *cli, int argc, char **argv);

#endif
