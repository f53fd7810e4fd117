"""Small assertions shared by view tests."""

import html5lib


def assert_valid_html(response) -> None:
    """Parse the page as strict HTML5: any parse error fails the test."""
    assert response["Content-Type"].startswith("text/html")
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    parser.parse(response.content.decode())
