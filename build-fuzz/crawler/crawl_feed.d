build-fuzz/crawler/crawl_feed.o: crawler/crawl_feed.c crawler/crawlInt.h \
  include/blogmap/crawl.h include/blogmap/store.h \
  include/blogmap/extract.h include/blogmap/fetch.h \
  include/blogmap/robots.h include/blogmap/sitemap.h \
  include/blogmap/feedpost.h

crawler/crawlInt.h:

include/blogmap/crawl.h:

include/blogmap/store.h:

include/blogmap/extract.h:

include/blogmap/fetch.h:

include/blogmap/robots.h:

include/blogmap/sitemap.h:

include/blogmap/feedpost.h:
