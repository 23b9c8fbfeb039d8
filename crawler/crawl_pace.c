/* crawl_pace: the crawl slows itself down when the blog's host shows
 * strain, on top of the fixed delay (--delay, Crawl-delay). Two signals:
 *  - 429 and 503 answers without Retry-After (with one, the whole host waits
 *    what it says, crawl_handle.c): the extra gap between request starts
 *    becomes 1 s, and doubles (up to 60 s) when a request asked after the
 *    last rise is refused too; each answer that is not a refusal takes a
 *    quarter off it;
 *  - rising latency: the median of the last eight response times, against
 *    the best median seen once eight answers are in. When the median climbs
 *    to three times the best and a quarter of a second above it, the gap
 *    becomes the median, until the median is back under twice the best plus
 *    0.1 s. A median, so that one slow page (a big file, a cold cache) is
 *    not taken for a host under load.
 * While either is on, one request at a time goes to the host whatever
 * --concurrency says. Every switch into a slow-down is counted in the
 * progress report. */
#include "crawlInt.h"

#include <string.h>

#define PACE_ERR_MIN 1.0
#define PACE_MAX 60.0

static double median(const double *v, int n)
{
    double s[CRAWL_PACE_WINDOW];
    memcpy(s, v, (size_t)n * sizeof(*s));
    for (int i = 1; i < n; i++)     /* insertion sort: eight values */
        for (int j = i; j > 0 && s[j - 1] > s[j]; j--) {
            double t = s[j];
            s[j] = s[j - 1];
            s[j - 1] = t;
        }
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static void note_latency(struct crawl_pace *p, double seconds)
{
    p->times[p->n % CRAWL_PACE_WINDOW] = seconds;
    p->n++;
    if (p->n < CRAWL_PACE_WINDOW)
        return;
    double m = median(p->times, CRAWL_PACE_WINDOW);
    if (p->best <= 0 || m < p->best)
        p->best = m;
    if (m > 3 * p->best && m > p->best + 0.25)
        p->lat_gap = m > PACE_MAX ? PACE_MAX : m;
    else if (p->lat_gap > 0 && m < 2 * p->best + 0.1)
        p->lat_gap = 0;
}

void crawl_pace_note(struct crawler *c, const struct fetch_result *r)
{
    struct crawl_pace *p = &c->pace;
    int refused = r->status == 429 || r->status == 503;
    int was_slow = p->err_gap > 0 || p->lat_gap > 0;
    double now = crawl_now();
    if (refused && r->retry_after >= 0) {
        /* the host said how long to wait: crawl_handle.c waits that */
    } else if (refused && (p->err_gap <= 0 || now - r->seconds >= p->raised_at)) {
        /* refused again although it was asked after the last rise */
        double g = p->err_gap > 0 ? 2 * p->err_gap : PACE_ERR_MIN;
        p->err_gap = g > PACE_MAX ? PACE_MAX : g;
        p->raised_at = now;
    } else if (!refused && p->err_gap > 0) {
        p->err_gap *= 0.75;
        if (p->err_gap < 0.05)
            p->err_gap = 0;
    }
    if (r->error == FETCH_OK && !refused && r->seconds >= 0)
        note_latency(p, r->seconds);
    if (!was_slow && (p->err_gap > 0 || p->lat_gap > 0))
        c->prog.slowdowns++;
    c->prog.slow_gap = crawl_pace_gap(c);
}

double crawl_pace_gap(const struct crawler *c)
{
    return c->pace.err_gap > c->pace.lat_gap ? c->pace.err_gap : c->pace.lat_gap;
}

int crawl_pace_cap(const struct crawler *c)
{
    return crawl_pace_gap(c) > 0 ? 1 : c->n_fetch;
}
