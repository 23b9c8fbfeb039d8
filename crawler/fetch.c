/* fetch: HTTP GETs over libcurl's multi interface, or reads from a mirror.
 *
 * One CURLM drives every transfer so connections are kept alive and reused;
 * a TLS server that offers HTTP/2 gets the transfers as streams of one
 * connection (libcurl's ALPN and multiplexing, set explicitly here).
 * Redirects are never followed by libcurl (7.88 follows without limit by
 * default): a 3xx comes back with its absolute Location and the crawler
 * decides, hop by hop, whether it is in scope and allowed by robots.txt. The
 * body is capped in the write callback on decoded bytes, because 7.88 does not
 * apply CURLOPT_MAXFILESIZE to running or decompressed transfers (matrix H09,
 * H10); only gzip and deflate are accepted. Headers are capped too (H12).
 * In mirror mode the same API reads DIR/path from disk, so a saved copy of a
 * blog is crawled exactly as the live one would be. */
#include "blogmap/fetch.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#define FETCH_MAX_HEADER_BYTES (64 * 1024)

struct buf {
    char *data;
    size_t len, cap, max;
    int overflow;
};

struct xfer {
    CURL *easy;
    long tag;
    char *url;
    struct curl_slist *headers;
    struct buf body;
    size_t header_bytes;
    int header_overflow;
    char *etag, *last_modified;
    int nofollow;               /* X-Robots-Tag said nofollow or none */
    int blocked;                /* a connection to a private address was refused */
    int allow_private;
    char errbuf[CURL_ERROR_SIZE];
    struct xfer *next;              /* mirror queue / live list */
};

struct fetcher {
    struct fetch_opts opts;
    struct curl_slist *resolve;     /* opts.resolve as libcurl takes it */
    char *user_agent, *mirror_dir;
    CURLM *multi;
    struct xfer *live;              /* running transfers */
    struct xfer *mirror_head, *mirror_tail;
    int pending;
};

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (!p)
        abort();
    return p;
}

static char *xstrdup(const char *s)
{
    char *p = s ? strdup(s) : NULL;
    if (s && !p)
        abort();
    return p;
}

/* Append to a capped buffer; keeps a NUL after the data. Returns 0 or -1
 * when the cap would be passed (the buffer keeps what fitted). */
static int buf_append(struct buf *b, const char *data, size_t n)
{
    if (b->len + n > b->max) {
        b->overflow = 1;
        return -1;
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 16384;
        while (cap < b->len + n + 1)
            cap *= 2;
        if (cap > b->max + 1)
            cap = b->max + 1;       /* never twice the cap: 8 MiB, not 16 */
        char *p = realloc(b->data, cap);
        if (!p)
            abort();
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

static void xfer_free(struct xfer *x)
{
    if (!x)
        return;
    if (x->easy)
        curl_easy_cleanup(x->easy);
    curl_slist_free_all(x->headers);
    free(x->url);
    free(x->body.data);
    free(x->etag);
    free(x->last_modified);
    free(x);
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userp)
{
    struct xfer *x = userp;
    size_t n = size * nmemb;
    if (buf_append(&x->body, ptr, n) < 0)
        return CURL_WRITEFUNC_ERROR;
    return n;
}

/* Copy a header's value, trimmed, when NAME matches. */
static char *header_value(const char *line, size_t n, const char *name)
{
    size_t k = strlen(name);
    if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
        return NULL;
    const char *v = line + k + 1, *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    char *out = malloc((size_t)(end - v) + 1);
    if (!out)
        abort();
    memcpy(out, v, (size_t)(end - v));
    out[end - v] = '\0';
    return out;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *userp)
{
    struct xfer *x = userp;
    size_t n = size * nmemb;
    char *v;
    x->header_bytes += n;
    if (x->header_bytes > FETCH_MAX_HEADER_BYTES) {
        x->header_overflow = 1;
        return 0;
    }
    if (n >= 5 && strncmp(ptr, "HTTP/", 5) == 0) {
        /* a new response (after 1xx): forget the previous one's headers */
        free(x->etag);
        free(x->last_modified);
        x->etag = x->last_modified = NULL;
        x->nofollow = 0;
    } else if ((v = header_value(ptr, n, "X-Robots-Tag"))) {
        /* "nofollow", "none", or "agent: nofollow" (any agent: we keep to all) */
        x->nofollow |= strcasestr(v, "nofollow") != NULL || strcasestr(v, "none") != NULL;
        free(v);
    } else if ((v = header_value(ptr, n, "ETag"))) {
        free(x->etag);
        x->etag = v;
    } else if ((v = header_value(ptr, n, "Last-Modified"))) {
        free(x->last_modified);
        x->last_modified = v;
    }
    return n;
}

int fetch_global_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? FETCH_OK : FETCH_EINIT;
}

void fetch_global_cleanup(void)
{
    curl_global_cleanup();
}

static void opts_defaults(struct fetch_opts *o)
{
    if (o->connect_timeout_ms <= 0)
        o->connect_timeout_ms = 10000;
    if (o->timeout_ms <= 0)
        o->timeout_ms = 60000;
    if (o->stall_seconds <= 0)
        o->stall_seconds = 15;
    if (o->max_body == 0)
        o->max_body = 8u << 20;
    if (o->max_connections <= 0)
        o->max_connections = 8;
}

int fetch_new(const struct fetch_opts *opts, struct fetcher **out)
{
    struct fetcher *f = xcalloc(1, sizeof(*f));
    f->opts = *opts;
    opts_defaults(&f->opts);
    f->user_agent = xstrdup(opts->user_agent ? opts->user_agent : "blogmap");
    f->mirror_dir = xstrdup(opts->mirror_dir);
    f->opts.user_agent = f->user_agent;
    f->opts.mirror_dir = f->mirror_dir;
    if (opts->resolve && !(f->resolve = curl_slist_append(NULL, opts->resolve))) {
        fetch_free(f);
        return FETCH_EINIT;
    }
    if (!f->mirror_dir) {
        f->multi = curl_multi_init();
        if (!f->multi ||
            curl_multi_setopt(f->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                              (long)f->opts.max_connections) != CURLM_OK ||
            curl_multi_setopt(f->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX) != CURLM_OK) {
            fetch_free(f);
            return FETCH_EINIT;
        }
    }
    *out = f;
    return FETCH_OK;
}

void fetch_free(struct fetcher *f)
{
    if (!f)
        return;
    for (struct xfer *x = f->live, *nx; x; x = nx) {
        nx = x->next;
        curl_multi_remove_handle(f->multi, x->easy);
        xfer_free(x);
    }
    for (struct xfer *x = f->mirror_head, *nx; x; x = nx) {
        nx = x->next;
        xfer_free(x);
    }
    if (f->multi)
        curl_multi_cleanup(f->multi);
    curl_slist_free_all(f->resolve);
    free(f->user_agent);
    free(f->mirror_dir);
    free(f);
}

static struct curl_slist *conditional_headers(const char *inm, const char *ims)
{
    struct curl_slist *list = NULL, *t;
    char line[1024];
    if (inm && *inm && strlen(inm) < 900) {
        snprintf(line, sizeof(line), "If-None-Match: %s", inm);
        if (!(t = curl_slist_append(list, line)))
            abort();
        list = t;
    }
    if (ims && *ims && strlen(ims) < 900) {
        snprintf(line, sizeof(line), "If-Modified-Since: %s", ims);
        if (!(t = curl_slist_append(list, line)))
            abort();
        list = t;
    }
    return list;
}

/* 1 for an address a crawl of the public web must not reach (matrix H16):
 * loopback, RFC 1918 and CGNAT ranges, link-local, "this network",
 * multicast and reserved; IPv6 loopback, unspecified, unique-local,
 * link-local, multicast, and IPv4-mapped forms of the above. */
static int private_v4(const unsigned char *a)
{
    return a[0] == 127 || a[0] == 10 || a[0] == 0 || (a[0] == 172 && (a[1] & 0xf0) == 16) ||
           (a[0] == 192 && a[1] == 168) || (a[0] == 169 && a[1] == 254) ||
           (a[0] == 100 && (a[1] & 0xc0) == 64) || a[0] >= 224;
}

static int private_address(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return private_v4((const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr);
    if (sa->sa_family != AF_INET6)
        return 1;
    const unsigned char *a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static const unsigned char zero[15] = {0};
    if (!memcmp(a, mapped, 12))
        return private_v4(a + 12);
    if (!memcmp(a, zero, 15) && (a[15] == 0 || a[15] == 1))
        return 1;                                   /* :: and ::1 */
    return (a[0] & 0xfe) == 0xfc || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) || a[0] == 0xff;
}

/* libcurl asks for each new connection's socket here, with the address it is
 * about to connect to (after DNS, so a name that resolves to 127.0.0.1 is
 * caught too). */
static curl_socket_t open_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *addr)
{
    struct xfer *x = clientp;
    (void)purpose;
    if (!x->allow_private && private_address(&addr->addr)) {
        x->blocked = 1;
        return CURL_SOCKET_BAD;
    }
    return socket(addr->family, addr->socktype, addr->protocol);
}

/* Set every option of one transfer; any failure is reported as FETCH_EINIT. */
static int easy_setup(struct fetcher *f, struct xfer *x)
{
    CURL *e = x->easy;
    const struct fetch_opts *o = &f->opts;
    int bad = 0;
    bad |= curl_easy_setopt(e, CURLOPT_URL, x->url) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "gzip, deflate") != CURLE_OK;
    /* HTTP/2 where a TLS server offers it (ALPN), its streams sharing one
     * connection; HTTP/1.1 with keep-alive otherwise */
    bad |= curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_USERAGENT, o->user_agent) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, o->timeout_ms) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, o->stall_seconds) != CURLE_OK;
    if (!o->keep_prefix)        /* refuse a declared size at once (H21) */
        bad |= curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_body) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
    if (f->resolve)
        bad |= curl_easy_setopt(e, CURLOPT_RESOLVE, f->resolve) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, open_socket) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, x) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_WRITEDATA, x) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_HEADERDATA, x) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_PRIVATE, x) != CURLE_OK;
    if (x->headers)
        bad |= curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->headers) != CURLE_OK;
    return bad ? FETCH_EINIT : FETCH_OK;
}

int fetch_add(struct fetcher *f, const char *url, long tag,
              const char *if_none_match, const char *if_modified_since)
{
    struct xfer *x = xcalloc(1, sizeof(*x));
    x->tag = tag;
    x->url = xstrdup(url);
    x->body.max = f->opts.max_body;
    x->allow_private = f->opts.allow_private;
    if (f->mirror_dir) {
        if (f->mirror_tail)
            f->mirror_tail->next = x;
        else
            f->mirror_head = x;
        f->mirror_tail = x;
        f->pending++;
        return FETCH_OK;
    }
    x->headers = conditional_headers(if_none_match, if_modified_since);
    x->easy = curl_easy_init();
    if (!x->easy || easy_setup(f, x) != FETCH_OK ||
        curl_multi_add_handle(f->multi, x->easy) != CURLM_OK) {
        xfer_free(x);
        return FETCH_EINIT;
    }
    x->next = f->live;
    f->live = x;
    f->pending++;
    return FETCH_OK;
}

int fetch_pending(const struct fetcher *f)
{
    return f->pending;
}

int fetch_authority_is_private(const char *authority)
{
    char host[256];
    const char *end;
    if (!authority)
        return 0;
    if (authority[0] == '[') {
        authority++;
        end = strchr(authority, ']');
    } else {
        end = strrchr(authority, ':');
    }
    size_t n = end ? (size_t)(end - authority) : strlen(authority);
    if (n == 0 || n >= sizeof(host))
        return 0;
    memcpy(host, authority, n);
    host[n] = '\0';
    if (!strcasecmp(host, "localhost"))
        return 1;
    struct sockaddr_in v4 = {.sin_family = AF_INET};
    struct sockaddr_in6 v6 = {.sin6_family = AF_INET6};
    if (inet_pton(AF_INET, host, &v4.sin_addr) == 1)
        return private_address((const struct sockaddr *)&v4);
    if (inet_pton(AF_INET6, host, &v6.sin6_addr) == 1)
        return private_address((const struct sockaddr *)&v6);
    return 0;
}

static int map_curl_error(CURLcode rc, const struct xfer *x, int keep_prefix)
{
    if (x->blocked)
        return FETCH_EBLOCKED;
    if (x->body.overflow && keep_prefix)
        return FETCH_OK;        /* the prefix is what was asked for */
    if (x->body.overflow || rc == CURLE_FILESIZE_EXCEEDED)
        return FETCH_ETOOBIG;
    switch (rc) {
    case CURLE_OK: return FETCH_OK;
    case CURLE_OPERATION_TIMEDOUT: return FETCH_ETIMEOUT;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return FETCH_ECONNECT;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING: return FETCH_ERECV;
    case CURLE_OUT_OF_MEMORY: return FETCH_ENOMEM;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR: return FETCH_EPROTO;
    default: return FETCH_EOTHER;
    }
}

static void unlink_live(struct fetcher *f, struct xfer *x)
{
    for (struct xfer **pp = &f->live; *pp; pp = &(*pp)->next) {
        if (*pp == x) {
            *pp = x->next;
            return;
        }
    }
}

static void finish_live(struct xfer *x, CURLcode rc, int keep_prefix,
                        fetch_done_fn done, void *ctx)
{
    struct fetch_result r = {0};
    char *ctype = NULL, *loc = NULL;
    double secs = 0;
    curl_off_t retry = -1;
    r.tag = x->tag;
    r.url = x->url;
    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &r.status);
    curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ctype);
    curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_URL, &loc);
    curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME, &secs);
    if (curl_easy_getinfo(x->easy, CURLINFO_RETRY_AFTER, &retry) != CURLE_OK)
        retry = -1;
    r.error = x->header_overflow ? FETCH_EPROTO : map_curl_error(rc, x, keep_prefix);
    if (r.error != FETCH_OK)
        r.errmsg = x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc);
    r.content_type = ctype;
    r.location = (r.status >= 300 && r.status < 400) ? loc : NULL;
    r.etag = x->etag;
    r.nofollow = x->nofollow;
    r.last_modified = x->last_modified;
    r.body = x->body.data ? x->body.data : "";
    r.body_len = x->body.len;
    /* libcurl says 0 when there is no Retry-After (and a "0" asks for nothing) */
    r.retry_after = retry <= 0 ? -1 : (long)(retry > 86400 ? 86400 : retry);
    r.seconds = secs;
    done(&r, ctx);
}

/* Map a URL's path to a file under the mirror: DIR/path, directories as
 * index.html; "?query" is tried as part of the file name first (wget's
 * layout). Returns a malloc'd path or NULL. */
static char *mirror_file(const char *dir, const char *url)
{
    CURLU *u = curl_url();
    char *path = NULL, *query = NULL, *out = NULL;
    struct stat st;
    size_t n;
    if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_PATH, &path, CURLU_URLDECODE) != CURLUE_OK)
        goto out;
    curl_url_get(u, CURLUPART_QUERY, &query, CURLU_URLDECODE);
    if (strstr(path, "/../") || strstr(path, "\n"))
        goto out;
    n = strlen(dir) + strlen(path) + (query ? strlen(query) : 0) + 32;
    out = xcalloc(1, n);
    if (query) {
        const char *idx = path[strlen(path) - 1] == '/' ? "index.html" : "";
        snprintf(out, n, "%s%s%s?%s", dir, path, idx, query);
        if (stat(out, &st) == 0 && S_ISREG(st.st_mode))
            goto out;
    }
    snprintf(out, n, "%s%s%s", dir, path,
             path[strlen(path) - 1] == '/' ? "index.html" : "");
    if (stat(out, &st) == 0 && S_ISDIR(st.st_mode))
        snprintf(out, n, "%s%s/index.html", dir, path);
out:
    curl_free(path);
    curl_free(query);
    curl_url_cleanup(u);
    return out;
}

static const char *mirror_type(const char *file)
{
    const char *dot = strrchr(file, '.');
    if (!dot || strchr(dot, '/'))
        return "text/html";
    if (!strcasecmp(dot, ".xml"))
        return "application/xml";
    if (!strcasecmp(dot, ".txt"))
        return "text/plain";
    if (!strcasecmp(dot, ".atom"))
        return "application/atom+xml";
    return "text/html";
}

static void finish_mirror(struct fetcher *f, struct xfer *x, fetch_done_fn done, void *ctx)
{
    struct fetch_result r = {0};
    char *file = mirror_file(f->mirror_dir, x->url);
    FILE *fp = file ? fopen(file, "rb") : NULL;
    char chunk[65536];
    size_t n;
    r.tag = x->tag;
    r.url = x->url;
    r.retry_after = -1;
    if (!fp) {
        r.status = 404;
    } else {
        r.status = 200;
        r.content_type = mirror_type(file);
        while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
            if (buf_append(&x->body, chunk, n) < 0) {
                r.error = FETCH_ETOOBIG;
                r.errmsg = "file larger than the body cap";
                break;
            }
        if (ferror(fp) && !r.error) {
            r.error = FETCH_ERECV;
            r.errmsg = strerror(errno);
        }
        fclose(fp);
    }
    r.body = x->body.data ? x->body.data : "";
    r.body_len = x->body.len;
    free(file);
    done(&r, ctx);
}

static int poll_mirror(struct fetcher *f, fetch_done_fn done, void *ctx)
{
    int count = 0;
    while (f->mirror_head) {
        struct xfer *x = f->mirror_head;
        f->mirror_head = x->next;
        if (!f->mirror_head)
            f->mirror_tail = NULL;
        f->pending--;
        finish_mirror(f, x, done, ctx);
        xfer_free(x);
        count++;
    }
    return count;
}

int fetch_poll(struct fetcher *f, int timeout_ms, fetch_done_fn done, void *ctx)
{
    int running = 0, left = 0, count = 0;
    CURLMsg *msg;
    if (f->mirror_dir)
        return poll_mirror(f, done, ctx);
    if (curl_multi_perform(f->multi, &running) != CURLM_OK)
        return FETCH_EOTHER;
    if (running > 0 && curl_multi_poll(f->multi, NULL, 0, timeout_ms, NULL) != CURLM_OK)
        return FETCH_EOTHER;
    if (curl_multi_perform(f->multi, &running) != CURLM_OK)
        return FETCH_EOTHER;
    while ((msg = curl_multi_info_read(f->multi, &left))) {
        struct xfer *x = NULL;
        if (msg->msg != CURLMSG_DONE)
            continue;
        CURLcode rc = msg->data.result;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
        curl_multi_remove_handle(f->multi, x->easy);
        unlink_live(f, x);
        f->pending--;
        finish_live(x, rc, f->opts.keep_prefix, done, ctx);
        xfer_free(x);
        count++;
    }
    return count;
}

void fetch_wakeup(struct fetcher *f)
{
    if (f && f->multi)
        curl_multi_wakeup(f->multi);
}

const char *fetch_strerror(int code)
{
    switch (code) {
    case FETCH_OK: return "ok";
    case FETCH_ENOMEM: return "out of memory";
    case FETCH_ETOOBIG: return "body too big";
    case FETCH_ETIMEOUT: return "timed out";
    case FETCH_ECONNECT: return "could not connect";
    case FETCH_ERECV: return "connection broken";
    case FETCH_EPROTO: return "protocol error";
    case FETCH_EBLOCKED: return "address not allowed";
    case FETCH_EINIT: return "could not set up transfer";
    default: return "fetch failed";
    }
}
