build-fuzz/crawler/crawl.o: crawler/crawl.c crawler/crawlInt.h \
  include/blogmap/crawl.h include/blogmap/store.h \
  include/blogmap/extract.h include/blogmap/fetch.h \
  include/blogmap/robots.h include/blogmap/sitemap.h \
  include/blogmap/url.h include/blogmap/urlcache.h

crawler/crawlInt.h:

include/blogmap/crawl.h:

include/blogmap/store.h:

include/blogmap/extract.h:

include/blogmap/fetch.h:

include/blogmap/robots.h:

include/blogmap/sitemap.h:

include/blogmap/url.h:

include/blogmap/urlcache.h:
