"""The sample Blogger blog in examples/sample-blog: crawl it served on
loopback and from its mirror directory, and compare with its expected/*.tsv."""
import unittest

from run import E2ETestCase, FixtureBlogChecks


class SampleBlogTest(FixtureBlogChecks, E2ETestCase):
    FIXTURE = "examples/sample-blog"
    ORIGIN = "https://flywheel-notes.blogspot.com"
    NEVER_PREFIXES = ("/search",)


if __name__ == "__main__":
    unittest.main()
