build-fuzz/crawler/fetch.o: crawler/fetch.c include/blogmap/fetch.h

include/blogmap/fetch.h:
