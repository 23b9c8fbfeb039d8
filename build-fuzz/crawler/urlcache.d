build-fuzz/crawler/urlcache.o: crawler/urlcache.c \
  include/blogmap/urlcache.h include/blogmap/url.h

include/blogmap/urlcache.h:

include/blogmap/url.h:
