/* fetch: concurrent HTTP GETs over libcurl's multi interface (keep-alive,
 * gzip, timeouts, body caps counted on decoded bytes), or reads from a local
 * mirror directory. Redirects are not followed here: a 3xx is returned with
 * its absolute Location so the caller can vet each hop. The fetcher owns its
 * transfers; a struct fetch_result is lent to the callback only for the
 * duration of the call. */
#ifndef BLOGMAP_FETCH_H
#define BLOGMAP_FETCH_H

#include <stddef.h>

enum fetch_error {
    FETCH_OK = 0,
    FETCH_ENOMEM = -1,
    FETCH_ETOOBIG = -2,     /* body larger than max_body (decoded bytes) */
    FETCH_ETIMEOUT = -3,    /* connect, stall or total timeout */
    FETCH_ECONNECT = -4,    /* refused, unreachable, DNS failure */
    FETCH_ERECV = -5,       /* reset, bad framing, truncated body */
    FETCH_EPROTO = -6,      /* not HTTP, bad encoding, TLS failure */
    FETCH_EBLOCKED = -7,    /* address refused (private network) */
    FETCH_EINIT = -8,       /* libcurl could not be set up */
    FETCH_EOTHER = -9
};

struct fetch_opts {
    const char *user_agent;     /* sent as User-Agent; required */
    const char *mirror_dir;     /* non-NULL: read DIR/path instead of the network */
    long connect_timeout_ms;    /* default 10000 */
    long timeout_ms;            /* whole transfer, default 60000 */
    long stall_seconds;         /* abort below 1 byte/s for this long, default 15 */
    size_t max_body;            /* decoded bytes, default 8 MiB */
    int max_connections;        /* total open connections, default 8 */
    int allow_private;          /* 1: also connect to loopback and private-network
                                 * addresses (refused by default: FETCH_EBLOCKED) */
    const char *resolve;        /* "HOST:PORT:ADDR": HOST's address pinned, as curl's
                                 * --resolve; NULL: DNS */
    int keep_prefix;            /* 1: a body past max_body is cut there and returned
                                 * as FETCH_OK (robots.txt: the first 500 KiB count),
                                 * whatever Content-Length declares */
};

struct fetch_result {
    long tag;                   /* as given to fetch_add */
    const char *url;            /* as requested */
    long status;                /* HTTP status, 0 when no response */
    int error;                  /* FETCH_OK or a negative enum fetch_error */
    const char *errmsg;         /* detail for error, else NULL */
    const char *location;       /* absolute redirect target on 3xx, else NULL */
    const char *content_type;   /* may be NULL */
    const char *etag;           /* may be NULL */
    const char *last_modified;  /* may be NULL */
    const char *body;           /* NUL-terminated; body_len excludes the NUL */
    size_t body_len;
    long retry_after;           /* seconds from Retry-After, -1 when absent */
    double seconds;             /* time the transfer took */
    int nofollow;               /* X-Robots-Tag: nofollow (or none) */
};

typedef void (*fetch_done_fn)(const struct fetch_result *res, void *ctx);

struct fetcher;

/* Create a fetcher. Returns FETCH_OK and stores it in *OUT, or an error. */
int fetch_new(const struct fetch_opts *opts, struct fetcher **out);
void fetch_free(struct fetcher *f);

/* Queue a GET of URL (absolute http or https). IF_NONE_MATCH and
 * IF_MODIFIED_SINCE may be NULL. */
int fetch_add(struct fetcher *f, const char *url, long tag,
              const char *if_none_match, const char *if_modified_since);

/* Transfers queued or running. */
int fetch_pending(const struct fetcher *f);

/* Run transfers for at most TIMEOUT_MS and call DONE for each that ended.
 * Returns the number completed (>= 0) or a negative enum fetch_error. */
int fetch_poll(struct fetcher *f, int timeout_ms, fetch_done_fn done, void *ctx);

/* 1 when AUTHORITY ("host[:port]") names a loopback or private-network
 * address literally (127.0.0.1, [::1], 10.1.2.3, localhost): a crawl the
 * user pointed at such an address may connect to it. A name is not looked
 * up: what it resolves to is checked on each connection instead. */
int fetch_authority_is_private(const char *authority);

/* Make a fetch_poll() that is waiting, or the next one, return at once.
 * The one call that is safe from another thread. */
void fetch_wakeup(struct fetcher *f);

const char *fetch_strerror(int code);

/* Process-wide libcurl set-up and tear-down; call once from main(). */
int fetch_global_init(void);
void fetch_global_cleanup(void);

#endif
