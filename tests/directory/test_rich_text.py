from directory.rich_text import clean_description


def test_description_keeps_the_editors_features():
    html = (
        "<p><b>Fresh</b> <i>bread</i><br/></p><ul><li>rye</li></ul>"
        '<p><a href="https://example.org/">site</a> <a linktype="page" id="3">about</a></p>'
    )
    cleaned = clean_description(html)
    for fragment in ("<b>Fresh</b>", "<i>bread</i>", "<li>rye</li>", 'href="https://example.org/"'):
        assert fragment in cleaned
    assert 'linktype="page"' in cleaned


def test_description_drops_scripts_handlers_and_javascript_links():
    cleaned = clean_description(
        '<p onclick="x()">Hi<script>alert(1)</script><img src=x onerror=alert(1)>'
        '<a href="javascript:alert(1)">click</a></p>'
    )
    assert "<script" not in cleaned
    assert "onerror" not in cleaned
    assert "onclick" not in cleaned
    assert "javascript:" not in cleaned
    assert "Hi" in cleaned
