"""Small assertions shared by view tests."""

import html5lib
from bs4 import BeautifulSoup


def assert_valid_html(response) -> None:
    """Parse the page as strict HTML5: any parse error fails the test."""
    assert response["Content-Type"].startswith("text/html")
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    parser.parse(response.content.decode())


def blurb_titles(response) -> set[str]:
    """The titles of the work blurbs on a list page."""
    soup = BeautifulSoup(response.content, "html.parser")
    return {a.get_text() for a in soup.select(".blurb-title a")}
