/* app.js: the behaviour of a blogmap report. Every page loads it from this
 * file, never inline, so that the pages' Content-Security-Policy can refuse
 * every other script. It does two things:
 *   - the search box (#search) keeps the rows of the page's table.filter
 *     that hold every word typed, or, on the map, dims the posts that do not;
 *   - the map (#map svg) pans when dragged and zooms with the wheel and the
 *     #zoom-in, #zoom-out and #zoom-reset buttons. Posts on the map are plain
 *     SVG links to their pages: a click that did not drag follows them.
 * It reads text with textContent and writes it with textContent only: no
 * innerHTML, no eval, no network. */
(function () {
    'use strict';

    var XLINK = 'http://www.w3.org/1999/xlink';
    var ZOOM_STEP = 1.25;
    var DRAG_PIXELS = 4;        /* a press that moves less is a click */

    function norm(s) {
        return (s || '').toLowerCase().replace(/\s+/g, ' ').trim();
    }

    function each(list, fn) {
        Array.prototype.forEach.call(list, fn);
    }

    /* ---- search ---- */

    /* The map's posts: the node groups that hold a link, with the text of
     * their tooltip (title and date) and label. */
    function mapItems(svg) {
        var out = [];
        each(svg.querySelectorAll('g.node'), function (g) {
            var a = g.querySelector('a');
            if (!a)
                return;
            var text = a.getAttributeNS(XLINK, 'title') || a.getAttribute('title') || '';
            each(g.querySelectorAll('text'), function (t) { text += ' ' + t.textContent; });
            out.push({ el: g, text: norm(text) });
        });
        return out;
    }

    function rowItems() {
        var out = [];
        each(document.querySelectorAll('table.filter tbody tr'), function (tr) {
            out.push({ el: tr, text: norm(tr.textContent) });
        });
        return out;
    }

    function setupSearch() {
        var box = document.getElementById('search');
        if (!box)
            return;
        var svg = document.querySelector('#map svg');
        var items = svg ? mapItems(svg) : rowItems();
        var count = document.getElementById('search-count');
        var what = svg ? ' posts on the map' : ' rows';

        function apply() {
            var words = norm(box.value).split(' ').filter(Boolean);
            var shown = 0;
            each(items, function (it) {
                var hit = words.every(function (w) { return it.text.indexOf(w) >= 0; });
                shown += hit ? 1 : 0;
                if (svg) {
                    it.el.classList.toggle('dim', !hit);
                    it.el.classList.toggle('hit', hit && words.length > 0);
                } else {
                    it.el.hidden = !hit;
                }
            });
            if (svg)
                svg.classList.toggle('searching', words.length > 0);
            if (count)
                count.textContent = words.length ? shown + ' of ' + items.length + ' match'
                                                 : items.length + what;
            document.body.setAttribute('data-matches', String(shown));
        }
        box.addEventListener('input', apply);
        apply();        /* a value the browser restored on going back */
    }

    /* ---- pan and zoom ---- */

    function setupMap() {
        var svg = document.querySelector('#map svg');
        if (!svg || !svg.viewBox || !svg.viewBox.baseVal || !svg.viewBox.baseVal.width)
            return;
        var vb = svg.viewBox.baseVal;
        var home = { x: vb.x, y: vb.y, w: vb.width, h: vb.height };
        var view = { x: home.x, y: home.y, w: home.w, h: home.h };
        var press = null, dragged = false;

        svg.removeAttribute('width');       /* the style sheet sizes the map */
        svg.removeAttribute('height');

        function show() {
            svg.setAttribute('viewBox', [view.x, view.y, view.w, view.h].join(' '));
        }

        /* The point under the mouse, in the map's coordinates. */
        function at(ev) {
            var m = svg.getScreenCTM();
            if (!m)
                return { x: view.x + view.w / 2, y: view.y + view.h / 2 };
            var p = svg.createSVGPoint();
            p.x = ev.clientX;
            p.y = ev.clientY;
            return p.matrixTransform(m.inverse());
        }

        /* Scale the view by F about the map point C, within 1/50 and 4
         * times the whole map. */
        function zoom(f, c) {
            var w = Math.min(Math.max(view.w * f, home.w / 50), home.w * 4);
            f = w / view.w;
            view.x = c.x - (c.x - view.x) * f;
            view.y = c.y - (c.y - view.y) * f;
            view.w *= f;
            view.h *= f;
            show();
        }

        function centre() {
            return { x: view.x + view.w / 2, y: view.y + view.h / 2 };
        }

        svg.addEventListener('wheel', function (ev) {
            ev.preventDefault();
            zoom(ev.deltaY > 0 ? ZOOM_STEP : 1 / ZOOM_STEP, at(ev));
        }, { passive: false });

        svg.addEventListener('pointerdown', function (ev) {
            if (ev.button !== 0)
                return;
            var m = svg.getScreenCTM();
            press = { x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y, k: m && m.a ? 1 / m.a : 1,
                      id: ev.pointerId };
            dragged = false;
        });

        svg.addEventListener('pointermove', function (ev) {
            if (!press)
                return;
            var dx = ev.clientX - press.x, dy = ev.clientY - press.y;
            if (!dragged && Math.abs(dx) < DRAG_PIXELS && Math.abs(dy) < DRAG_PIXELS)
                return;
            if (!dragged) {
                dragged = true;
                svg.setPointerCapture(press.id);
                svg.classList.add('dragging');
            }
            view.x = press.vx - dx * press.k;
            view.y = press.vy - dy * press.k;
            show();
        });

        function release() {
            press = null;
            svg.classList.remove('dragging');
        }
        svg.addEventListener('pointerup', release);
        svg.addEventListener('pointercancel', release);

        /* Dragging a post's link would start the browser's own drag and
         * drop of the link instead of moving the map. */
        svg.addEventListener('dragstart', function (ev) { ev.preventDefault(); });

        /* A drag that ends on a post must not open it. */
        svg.addEventListener('click', function (ev) {
            if (dragged) {
                ev.preventDefault();
                ev.stopPropagation();
                dragged = false;
            }
        }, true);

        function button(id, fn) {
            var b = document.getElementById(id);
            if (b)
                b.addEventListener('click', fn);
        }
        button('zoom-in', function () { zoom(1 / ZOOM_STEP, centre()); });
        button('zoom-out', function () { zoom(ZOOM_STEP, centre()); });
        button('zoom-reset', function () {
            view = { x: home.x, y: home.y, w: home.w, h: home.h };
            show();
        });
    }

    function start() {
        setupMap();
        setupSearch();
        document.documentElement.setAttribute('data-app', 'ready');
    }

    if (document.readyState === 'loading')
        document.addEventListener('DOMContentLoaded', start);
    else
        start();
})();
