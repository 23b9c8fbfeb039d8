/* crawl_pace: the crawl slows itself down when the blog's host shows
 * strain, on top of the fixed delay (--delay, Crawl-delay). Two signals:
 *  - 429 and 503 answers: the extra gap between request starts becomes 1 s,
 *    and doubles (up to 60 s) when a request started after the last rise
 *    is refused too; each answer that is not one of them takes a quarter
 *    off it;
 *  - rising latency: an exponentially weighted mean of response times is
 *    kept beside the best mean seen once five answers are in; when the mean
 *    climbs to three times the best and a quarter of a second above it, the
 *    gap becomes the mean response time, until the mean is back under twice
 *    the best plus 0.1 s.
 * While either is on, one request at a time goes to the host whatever
 * --concurrency says. Every switch into a slow-down is counted in the
 * progress report. */
#include "crawlInt.h"

#define PACE_ALPHA 0.3
#define PACE_WARMUP 5
#define PACE_ERR_MIN 1.0
#define PACE_MAX 60.0

void crawl_pace_note(struct crawler *c, const struct fetch_result *r)
{
    struct crawl_pace *p = &c->pace;
    int strained = r->status == 429 || r->status == 503;
    int was_slow = p->err_gap > 0 || p->lat_gap > 0;
    double now = crawl_now();
    if (strained && (p->err_gap <= 0 || now - r->seconds >= p->raised_at)) {
        /* refused again although it was asked after the last rise */
        double g = p->err_gap > 0 ? 2 * p->err_gap : PACE_ERR_MIN;
        p->err_gap = g > PACE_MAX ? PACE_MAX : g;
        p->raised_at = now;
    } else if (strained) {
        /* asked before the last rise: the same burst */
    } else if (p->err_gap > 0) {
        p->err_gap *= 0.75;
        if (p->err_gap < 0.05)
            p->err_gap = 0;
    }
    if (r->error == FETCH_OK && !strained && r->seconds >= 0) {
        p->mean = p->n ? (1 - PACE_ALPHA) * p->mean + PACE_ALPHA * r->seconds : r->seconds;
        p->n++;
        if (p->n >= PACE_WARMUP && (p->best <= 0 || p->mean < p->best))
            p->best = p->mean;
        if (p->best > 0 && p->mean > 3 * p->best && p->mean > p->best + 0.25)
            p->lat_gap = p->mean > PACE_MAX ? PACE_MAX : p->mean;
        else if (p->lat_gap > 0 && p->mean < 2 * p->best + 0.1)
            p->lat_gap = 0;
    }
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
