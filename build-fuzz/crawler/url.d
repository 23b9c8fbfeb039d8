build-fuzz/crawler/url.o: crawler/url.c include/blogmap/url.h

include/blogmap/url.h:
