"""A blurb has one source, templates/jinja2/discovery/_work_blurb.html: the same
HTML and cache key whether the work's tags and creators come as rows (list pages)
or as prefetched instances (for_listing), with everything the author typed escaped."""

import pytest
from django.core.cache import cache

from stories.discovery.blurbs import attach_blurbs, attach_listing, blurb_key
from stories.models import TagKind, Work
from tests.factories import TagFactory, UserFactory, WorkFactory


@pytest.mark.django_db
def test_rows_and_instances_give_the_same_blurb():
    fandom = TagFactory(name="Café & <Co>", kind=TagKind.FANDOM)
    other = TagFactory(name='"Quoted" fandom', kind=TagKind.FANDOM)
    relationship = TagFactory(name="A/B", kind=TagKind.RELATIONSHIP)
    character = TagFactory(name="Zoë", kind=TagKind.CHARACTER)
    freeform = TagFactory(name="Fluff & Angst", kind=TagKind.FREEFORM)
    WorkFactory(title="Plain")
    WorkFactory(
        title='<b>Bold</b> & "quoted"',
        tags=[fandom, other, relationship, character, freeform],
        creators=[UserFactory(username="ann"), UserFactory(username="bob.o")],
        warnings=["violence", "death"],
        categories=["ff", "mm"],
        is_complete=True,
        kudos_count=12345,
        hit_count=1234567,
        chapters=3,
        language="pt-BR",
    )
    WorkFactory(title="No creators, no summary", creators=[], summary="", warnings=[], categories=[], tags=[character])
    WorkFactory(title="Only freeform", tags=[freeform], expected_chapters=9, language="xx")
    works = list(Work.objects.all().for_listing())
    assert len(works) == 4
    # List pages load their works' tags and creators as rows instead: the same blurb.
    rows = list(Work.objects.all())
    attach_listing(rows)
    by_pk = {work.pk: work for work in rows}
    attach_blurbs(works)
    cache.clear()  # rendered afresh, not read back from the first load's entries
    attach_blurbs(rows)
    for work in works:
        assert by_pk[work.pk].blurb_html == work.blurb_html
        assert blurb_key(by_pk[work.pk]) == blurb_key(work)
    bold = next(work for work in works if work.title.startswith("<b>"))
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &#34;quoted&#34;" in bold.blurb_html
    assert "Café &amp; &lt;Co&gt;" in bold.blurb_html and "1,234,567" in bold.blurb_html
    assert 'href="/users/bob.o/"' in bold.blurb_html and 'href="/tags/' in bold.blurb_html
