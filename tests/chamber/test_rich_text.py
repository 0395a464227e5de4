from chamber.rich_text import clean_rich_text, plain_to_rich_text, rich_text_to_plain


def test_description_keeps_the_editors_features():
    html = (
        "<p><b>Fresh</b> <i>bread</i><br/></p><ul><li>rye</li></ul>"
        '<p><a href="https://example.org/">site</a> <a linktype="page" id="3">about</a></p>'
    )
    cleaned = clean_rich_text(html)
    for fragment in ("<b>Fresh</b>", "<i>bread</i>", "<li>rye</li>", 'href="https://example.org/"'):
        assert fragment in cleaned
    assert 'linktype="page"' in cleaned


def test_description_drops_scripts_handlers_and_javascript_links():
    cleaned = clean_rich_text(
        '<p onclick="x()">Hi<script>alert(1)</script><img src=x onerror=alert(1)>'
        '<a href="javascript:alert(1)">click</a></p>'
    )
    assert "<script" not in cleaned
    assert "onerror" not in cleaned
    assert "onclick" not in cleaned
    assert "javascript:" not in cleaned
    assert "Hi" in cleaned


def test_plain_text_and_rich_text_round_trip():
    text = "First paragraph\nsecond line\n\n- one\n- two & three"
    html = plain_to_rich_text(text)
    assert html == (
        "<p>First paragraph<br/>second line</p><ul><li>one</li><li>two &amp; three</li></ul>"
    )
    assert rich_text_to_plain(html) == text
    assert rich_text_to_plain("<p>Open <b>late</b></p><p>Every day</p>") == "Open late\n\nEvery day"
