build-fuzz/crawler/crawl_pace.o: crawler/crawl_pace.c crawler/crawlInt.h \
  include/blogmap/crawl.h include/blogmap/store.h \
  include/blogmap/extract.h include/blogmap/fetch.h \
  include/blogmap/robots.h include/blogmap/sitemap.h

crawler/crawlInt.h:

include/blogmap/crawl.h:

include/blogmap/store.h:

include/blogmap/extract.h:

include/blogmap/fetch.h:

include/blogmap/robots.h:

include/blogmap/sitemap.h:
