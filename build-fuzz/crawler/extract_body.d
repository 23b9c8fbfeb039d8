build-fuzz/crawler/extract_body.o: crawler/extract_body.c \
  crawler/extract_int.h include/blogmap/extract.h crawler/textbuf.h

crawler/extract_int.h:

include/blogmap/extract.h:

crawler/textbuf.h:
