build-fuzz/crawler/robots.o: crawler/robots.c include/blogmap/robots.h

include/blogmap/robots.h:
