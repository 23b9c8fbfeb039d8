build-fuzz/crawler/crawl_parse.o: crawler/crawl_parse.c \
  crawler/crawlInt.h include/blogmap/crawl.h include/blogmap/store.h \
  include/blogmap/extract.h include/blogmap/fetch.h \
  include/blogmap/robots.h include/blogmap/sitemap.h \
  include/blogmap/urlcache.h

crawler/crawlInt.h:

include/blogmap/crawl.h:

include/blogmap/store.h:

include/blogmap/extract.h:

include/blogmap/fetch.h:

include/blogmap/robots.h:

include/blogmap/sitemap.h:

include/blogmap/urlcache.h:
