build-fuzz/crawler/feedpost.o: crawler/feedpost.c \
  include/blogmap/feedpost.h include/blogmap/extract.h \
  include/blogmap/url.h

include/blogmap/feedpost.h:

include/blogmap/extract.h:

include/blogmap/url.h:
