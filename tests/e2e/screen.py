"""How wide a page is laid out, read safely in Chromium.

Right after a click the next page may still be loading and have no root element yet, so
reading ``document.scrollingElement`` at once can hit null (seen in CI). ``page_width``
waits for a parsed document before it reads the width.
"""

_WIDTH_ONCE_PARSED = (
    "() => document.readyState !== 'loading' && document.documentElement"
    " ? document.documentElement.scrollWidth : 0"
)


def page_width(page) -> int:
    """The document's scroll width, in CSS pixels, once it is parsed."""
    return page.wait_for_function(_WIDTH_ONCE_PARSED).json_value()


def assert_fits(page, width: int) -> None:
    """The page does not scroll sideways on a screen ``width`` pixels wide."""
    scrolled = page_width(page)
    assert scrolled <= width, f"{page.url} scrolls sideways: {scrolled} px"
