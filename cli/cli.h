/* cli: declarations shared by the command files: one handler per
 * subcommand (cmd_<name>.c) and the output formatter (output.c). Only cli/
 * prints or exits. */
#ifndef BLOGMAP_CLI_H
#define BLOGMAP_CLI_H

#include <stdio.h>

#include "blogmap/query.h"
#include "blogmap/topics.h"

#define BLOGMAP_VERSION "0.1.0"
#define EXIT_USAGE 2

int cmd_crawl(int argc, char **argv);
int cmd_posts(int argc, char **argv);
int cmd_edges(int argc, char **argv);
int cmd_orphans(int argc, char **argv);
int cmd_broken(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_topics(int argc, char **argv);
int cmd_classify(int argc, char **argv);
int cmd_map(int argc, char **argv);
int cmd_backlinks(int argc, char **argv);
int cmd_outlinks(int argc, char **argv);
int cmd_hubs(int argc, char **argv);
int cmd_path(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_suggest(int argc, char **argv);
int cmd_mentions(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_report(int argc, char **argv);

enum output_format { OUTPUT_AUTO, OUTPUT_TABLE, OUTPUT_TSV, OUTPUT_CSV, OUTPUT_JSON };

/* Parse "table|tsv|csv|json"; returns -1 when unknown. */
int output_parse_format(const char *s);

/* Run a query and print its rows to OUT in FORMAT (AUTO: table on a
 * terminal, else TSV). Returns a store error code. */
int output_query(struct store *s, enum query_name which, int format, FILE *out);

/* The general form: PRODUCE(ARG, FN, CTX) hands its rows (header first) to
 * FN, which prints them to OUT in FORMAT; returns what PRODUCE returns. */
typedef int (*output_producer)(void *arg, query_row_fn fn, void *ctx);
int output_run(int format, FILE *out, output_producer produce, void *arg);

/* "error: ..." on stderr, git's manner. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* S as a whole number in [LO, HI] for option OPT, in *OUT; prints the
 * error and returns -1 when it is not one. */
int cli_count_arg(const char *s, const char *opt, long lo, long hi, long *out);

/* Open a database read-only for a query command; prints the error. */
struct store *cli_open_db(const char *path);

/* The topics to use: PATH, else topics.conf beside DB, else the built-in
 * set. Prints the error and returns NULL on failure. */
struct topics *cli_load_topics(const char *db, const char *path);

/* A plain-text draft from PATH ("-": standard input), at most 4 MiB, NUL
 * bytes made spaces (malloc'd); prints the error and returns NULL. */
char *cli_read_draft(const char *path);

/* TEXT's first non-blank line, at most 300 bytes (malloc'd): a draft's title. */
char *cli_first_line(const char *text);

/* Open an existing database for writing and classify its posts with T if
 * the stored themes are stale. Prints the error and returns NULL on failure. */
struct store *cli_open_classified(const char *db, const struct topics *t);

#endif
