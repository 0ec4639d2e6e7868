"""The shared page macros (templates/macros.html) draw the markup the admin, sign-in and hub
pages used to write out each time."""

from backend.web.staff.layout import bilingual, templates


def _render(source: str, **context) -> str:
    page = templates.env.from_string('{% import "macros.html" as m with context %}' + source)
    return page.render(t=bilingual("vi"), csrf="TOKEN", **context)


def test_field_writes_true_bare_and_leaves_none_out():
    html = _render('{{ m.field("note", "Ghi chú", maxlength=200, required=true, '
                   'placeholder=none, value=v) }}', v='a"<b')
    assert '<label for="note">Ghi chú</label>' in html
    assert '<input id="note" name="note" maxlength="200" required value="a&#34;&lt;b">' in html


def test_post_form_carries_the_pages_csrf_or_the_given_token():
    html = _render('{% call m.post_form("/x", "Lưu", id="f") %}<i>fields</i>{% endcall %}')
    assert '<form method="post" action="/x" class="stack" id="f">' in html
    assert '<input type="hidden" name="csrf" value="TOKEN">' in html
    assert html.index("<i>fields</i>") < html.index('<button type="submit" class="primary">Lưu')
    login = _render('{{ m.post_form("/in", "Vào", token="LOGIN") }}')
    assert 'value="LOGIN"' in login and "id=" not in login
    button = _render('{{ m.post_button("/out", "Ra", button="link") }}')
    assert 'class="inline"' in button and '<button type="submit" class="link">Ra' in button


def test_table_draws_a_row_per_item_or_the_empty_row():
    page = ('{% call(x) m.table("t", ["A", "B"], rows, empty="none yet") %}'
            '<tr><td>{{ x }}</td></tr>{% endcall %}')
    html = _render(page, rows=[1, 2])
    assert "<th>A</th><th>B</th>" in html and html.count("<tr><td>") == 2
    assert "none yet" not in html
    assert '<tr><td colspan="2">none yet</td></tr>' in _render(page, rows=[])
