"""A WordPress-style blog (tests/fixtures/wp-blog): a layout other than
Blogger's, crawled served on loopback and from its mirror directory."""
import unittest

from run import E2ETestCase, FixtureBlogChecks


class WordPressBlogTest(FixtureBlogChecks, E2ETestCase):
    FIXTURE = "tests/fixtures/wp-blog"
    ORIGIN = "https://wp.example.org"
    NEVER_PREFIXES = ("/wp-admin/",)
    # 12 posts but ~44 listing URLs a WordPress page links (5 categories, 20 tag
    # pages, 12 month archives, page/2, about, 4 sitemaps, /feed/, login): a
    # complete discovery crawl reads each once, so the fixed part is larger
    # than the Blogger fixture's. The per-post rate is what 1.3 bounds.
    BUDGET = (1.3, 48)


if __name__ == "__main__":
    unittest.main()
