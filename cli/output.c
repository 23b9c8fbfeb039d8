/* output: print query rows as an aligned table (terminal), TSV with a
 * header line, RFC 4180 CSV or a JSON array of objects. TSV fields have tabs
 * and newlines replaced by spaces so every row stays one line; JSON strings
 * are escaped per RFC 8259 and numbers left as numbers. The table form
 * buffers rows to size columns; the others stream. */
#include "cli.h"

#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TABLE_MAX_WIDTH 60

struct sink {
    int format;
    FILE *out;
    long rows;
    int opened;         /* json: the '[' is out */
    char **cells;       /* table: every cell, row-major, header first */
    size_t n_cells, cap_cells;
    int ncols;
};

void cli_error(const char *fmt, ...)
{
    va_list ap;
    fputs("error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int output_parse_format(const char *s)
{
    static const char *const names[] = {"auto", "table", "tsv", "csv", "json"};
    for (int i = 0; i < 5; i++)
        if (!strcmp(s, names[i]))
            return i;
    return -1;
}

static void put_tsv(FILE *out, const char *v)
{
    for (; v && *v; v++)
        fputc(*v == '\t' || *v == '\n' || *v == '\r' ? ' ' : *v, out);
}

static void put_csv(FILE *out, const char *v)
{
    if (!v)
        return;
    if (!strpbrk(v, ",\"\r\n")) {
        fputs(v, out);
        return;
    }
    fputc('"', out);
    for (; *v; v++) {
        if (*v == '"')
            fputc('"', out);
        fputc(*v, out);
    }
    fputc('"', out);
}

static int is_number(const char *v)
{
    if (!v || !*v || (v[0] == '0' && v[1]))
        return 0;
    for (const char *p = v + (*v == '-'); *p; p++)
        if (!isdigit((unsigned char)*p))
            return 0;
    return v[*v == '-'] != '\0';
}

static void put_json(FILE *out, const char *v)
{
    if (!v) {
        fputs("null", out);
        return;
    }
    if (is_number(v)) {
        fputs(v, out);
        return;
    }
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static void keep_cell(struct sink *k, const char *v)
{
    if (k->n_cells == k->cap_cells) {
        k->cap_cells = k->cap_cells ? 2 * k->cap_cells : 256;
        k->cells = realloc(k->cells, k->cap_cells * sizeof(*k->cells));
        if (!k->cells)
            abort();
    }
    char *c = strdup(v ? v : "");
    if (!c)
        abort();
    for (char *p = c; *p; p++)
        if (*p == '\t' || *p == '\n' || *p == '\r')
            *p = ' ';
    k->cells[k->n_cells++] = c;
}

static int on_row(void *ctx, int n, const char *const *names, const char *const *values)
{
    struct sink *k = ctx;
    const char *const *v = values ? values : names;
    k->ncols = n;
    if (k->format == OUTPUT_TABLE) {
        for (int i = 0; i < n; i++)
            keep_cell(k, v[i]);
        return 0;
    }
    if (k->format == OUTPUT_JSON) {
        if (!values) {
            fputc('[', k->out);     /* only once there are rows to come */
            k->opened = 1;
            return 0;
        }
        fputs(k->rows++ ? ",\n  {" : "\n  {", k->out);
        for (int i = 0; i < n; i++) {
            fputs(i ? ", " : "", k->out);
            put_json(k->out, names[i]);
            fputs(": ", k->out);
            put_json(k->out, values[i]);
        }
        fputc('}', k->out);
        return 0;
    }
    for (int i = 0; i < n; i++) {
        if (i)
            fputc(k->format == OUTPUT_CSV ? ',' : '\t', k->out);
        (k->format == OUTPUT_CSV ? put_csv : put_tsv)(k->out, v[i]);
    }
    fputc('\n', k->out);
    return 0;
}

/* Display width of a UTF-8 string (code points; good enough for a table). */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xc0) != 0x80;
    return w;
}

static void put_cell(FILE *out, const char *s, size_t w)
{
    size_t used = 0;
    for (; *s && used < w; s++) {
        fputc(*s, out);
        if (((unsigned char)s[1] & 0xc0) != 0x80)
            used++;
    }
    for (; used < w; used++)
        fputc(' ', out);
}

static void print_table(struct sink *k)
{
    size_t w[64] = {0};
    int n = k->ncols < 64 ? k->ncols : 64;
    for (size_t i = 0; i < k->n_cells; i++) {
        size_t c = i % (size_t)k->ncols, cw = width(k->cells[i]);
        if ((int)c < n && cw > w[c])
            w[c] = cw > TABLE_MAX_WIDTH ? TABLE_MAX_WIDTH : cw;
    }
    for (size_t i = 0; i < k->n_cells; i++) {
        size_t c = i % (size_t)k->ncols;
        if ((int)c < n)
            put_cell(k->out, k->cells[i], (int)c == n - 1 ? width(k->cells[i]) : w[c]);
        fputs((int)c == k->ncols - 1 ? "\n" : "  ", k->out);
        free(k->cells[i]);
    }
    free(k->cells);
}

int output_run(int format, FILE *out, output_producer produce, void *arg)
{
    struct sink k = {.format = format, .out = out};
    if (format == OUTPUT_AUTO)
        k.format = isatty(fileno(out)) ? OUTPUT_TABLE : OUTPUT_TSV;
    int rc = produce(arg, on_row, &k);
    if (k.format == OUTPUT_JSON && k.opened)
        fputs(k.rows ? "\n]\n" : "]\n", out);
    if (k.format == OUTPUT_TABLE)
        print_table(&k);
    return rc;
}

struct query_arg {
    struct store *s;
    enum query_name which;
};

static int produce_query(void *arg, query_row_fn fn, void *ctx)
{
    struct query_arg *q = arg;
    return query_run(q->s, q->which, fn, ctx);
}

int output_query(struct store *s, enum query_name which, int format, FILE *out)
{
    struct query_arg q = {.s = s, .which = which};
    return output_run(format, out, produce_query, &q);
}

int cli_count_arg(const char *s, const char *opt, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) {
        cli_error("invalid value '%s' for %s (%ld to %ld)", s, opt, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

struct store *cli_open_db(const char *path)
{
    struct store *s = NULL;
    char *msg = NULL;
    int rc = store_open(path, STORE_READ, &s, &msg);
    if (rc) {
        cli_error("cannot open '%s': %s", path, msg ? msg : store_strerror(rc));
        free(msg);
        return NULL;
    }
    return s;
}
