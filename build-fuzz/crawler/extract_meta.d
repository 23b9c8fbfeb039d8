build-fuzz/crawler/extract_meta.o: crawler/extract_meta.c \
  crawler/extract_int.h include/blogmap/extract.h crawler/textbuf.h \
  include/blogmap/url.h include/blogmap/urlcache.h

crawler/extract_int.h:

include/blogmap/extract.h:

crawler/textbuf.h:

include/blogmap/url.h:

include/blogmap/urlcache.h:
