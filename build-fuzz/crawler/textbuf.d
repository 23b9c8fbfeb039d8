build-fuzz/crawler/textbuf.o: crawler/textbuf.c crawler/textbuf.h

crawler/textbuf.h:
